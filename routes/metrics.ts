/** Prometheus scrape endpoint. */
import { Hono } from "hono";
import { metrics } from "../server/metrics.ts";

export function metricsRoutes(): Hono {
  const app = new Hono();
  app.get("/metrics", (c) =>
    c.body(metrics.render(), 200, {
      "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
    }));
  return app;
}
