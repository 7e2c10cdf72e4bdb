/** `POST /search`: hybrid retrieval over the caller's documents, with page citations. */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../server/auth.ts";
import { idList, int, trimmed } from "../server/rules.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

export function searchRoutes({ config, search }: Services): Hono<AppEnv> {
  const schema = v.strictObject({
    query: trimmed(1, 2000),
    k: v.optional(int(1, config.retrieval.maxK), 8),
    mode: v.optional(v.picklist(["hybrid", "vector", "text"]), "hybrid"),
    documentIds: v.optional(idList),
  });

  const app = new Hono<AppEnv>();
  app.post("/search", limitBody(config.server.jsonBodyLimit), async (c) => {
    const body = await readJson(c, schema);
    const started = performance.now();
    const results = await search.search({ ...body, ownerId: c.get("user").id });
    return c.json({
      query: body.query,
      mode: body.mode,
      results,
      tookMs: Math.round((performance.now() - started) * 100) / 100,
    });
  });
  return app;
}
