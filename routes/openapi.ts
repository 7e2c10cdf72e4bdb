/** `GET /openapi.json`: the OpenAPI 3.1 description of this API (openapi/spec.ts). */
import { Hono } from "hono";
import { openApiDocument } from "../openapi/spec.ts";

export function openApiRoutes(): Hono {
  const app = new Hono();
  const body = JSON.stringify(openApiDocument);
  app.get("/openapi.json", (c) => c.body(body, 200, { "Content-Type": "application/json" }));
  return app;
}
