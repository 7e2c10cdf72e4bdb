/**
 * `POST /similarity`: exact top-k of a query vector against vectors the caller sends. A
 * utility for clients that bring their own embeddings, and the smallest end-to-end path
 * through the similarity kernel.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../server/errors.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

const MAX_DIMS = 4096;

const requestSchema = z.object({
  query: z.array(z.number()).min(1).max(MAX_DIMS),
  vectors: z.array(z.array(z.number())).max(100_000),
  k: z.number().int().min(1).max(1000).default(10),
}).strict();

export function similarityRoutes({ config, governor, plugins }: Services): Hono {
  const app = new Hono();
  app.post("/similarity", governor.heavy(), limitBody(config.server.jsonBodyLimit), async (c) => {
    const { query, vectors, k } = await readJson(c, requestSchema);
    const dims = query.length;
    const store = new Float32Array(vectors.length * dims);
    vectors.forEach((v, i) => {
      if (v.length !== dims) {
        throw new ApiError(
          400,
          "invalid_request",
          `vectors.${i}: has ${v.length} dimensions, the query has ${dims}`,
        );
      }
      store.set(v, i * dims);
    });
    const top = plugins.similarity.topK(store, dims, Float32Array.from(query), k);
    return c.json({
      implementation: plugins.similarity.implementation,
      results: Array.from(top.rows, (index, i) => ({ index, score: top.scores[i] })),
    });
  });
  return app;
}
