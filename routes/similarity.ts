/**
 * `POST /similarity`: exact top-k of a query vector against vectors the caller sends. A
 * utility for clients that bring their own embeddings, and the smallest end-to-end path
 * through the similarity kernel.
 */
import { Hono } from "hono";
import * as v from "valibot";
import { ApiError } from "../server/errors.ts";
import { int } from "../server/rules.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

const MAX_DIMS = 4096;

const requestSchema = v.strictObject({
  query: v.pipe(v.array(v.number()), v.minLength(1), v.maxLength(MAX_DIMS)),
  vectors: v.pipe(v.array(v.array(v.number())), v.maxLength(100_000)),
  k: v.optional(int(1, 1000), 10),
});

export function similarityRoutes({ config, governor, plugins }: Services): Hono {
  const app = new Hono();
  app.post("/similarity", governor.heavy(), limitBody(config.server.jsonBodyLimit), async (c) => {
    const { query, vectors, k } = await readJson(c, requestSchema);
    const dims = query.length;
    const store = new Float32Array(vectors.length * dims);
    vectors.forEach((vector, i) => {
      if (vector.length !== dims) {
        throw new ApiError(
          400,
          "invalid_request",
          `vectors.${i}: has ${vector.length} dimensions, the query has ${dims}`,
        );
      }
      store.set(vector, i * dims);
    });
    const top = plugins.similarity.topK(store, dims, Float32Array.from(query), k);
    return c.json({
      implementation: plugins.similarity.implementation,
      results: Array.from(top.rows, (index, i) => ({ index, score: top.scores[i] })),
    });
  });
  return app;
}
