/** `GET /openapi.json`: the OpenAPI 3.1 description of this API (openapi/spec.ts). */
import { Hono } from "hono";

export function openApiRoutes(): Hono {
  const app = new Hono();
  // built on the first request: the document and its JSON are 0.5 MiB of heap at idle otherwise
  let body: Promise<string> | undefined;
  app.get("/openapi.json", async (c) => {
    body ??= import("../openapi/spec.ts").then((spec) => JSON.stringify(spec.openApiDocument));
    return c.body(await body, 200, { "Content-Type": "application/json" });
  });
  return app;
}
