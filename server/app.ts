/** The Hono application: middleware in order, then each resource's routes. */
import { Hono } from "hono";
import { healthRoutes } from "../routes/health.ts";
import { metricsRoutes } from "../routes/metrics.ts";
import { similarityRoutes } from "../routes/similarity.ts";
import { notFound, onError } from "./errors.ts";
import { observe } from "./observe.ts";
import type { Services } from "./runtime.ts";

export function createApp(runtime: Services): Hono {
  const app = new Hono();
  app.use("*", observe());
  app.onError(onError);
  app.notFound(notFound);
  app.route("/", healthRoutes(runtime));
  app.route("/", metricsRoutes());
  app.route("/", similarityRoutes(runtime));
  return app;
}
