/** `POST /search`: hybrid retrieval over the caller's documents, with page citations. */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../server/auth.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

export function searchRoutes({ config, search }: Services): Hono<AppEnv> {
  const schema = z.object({
    query: z.string().trim().min(1).max(2000),
    k: z.number().int().min(1).max(config.retrieval.maxK).default(8),
    mode: z.enum(["hybrid", "vector", "text"]).default("hybrid"),
    documentIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
  }).strict();

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
