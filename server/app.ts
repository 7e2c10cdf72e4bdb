/** The Hono application: middleware in order, then each resource's routes. */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { adminRoutes } from "../routes/admin.ts";
import { chatRoutes } from "../routes/chat.ts";
import { conversationRoutes } from "../routes/conversations.ts";
import { documentRoutes } from "../routes/documents.ts";
import { embeddingsRoutes } from "../routes/embeddings.ts";
import { healthRoutes } from "../routes/health.ts";
import { metricsRoutes } from "../routes/metrics.ts";
import { openAiRoutes } from "../routes/openai.ts";
import { openApiRoutes } from "../routes/openapi.ts";
import { searchRoutes } from "../routes/search.ts";
import { similarityRoutes } from "../routes/similarity.ts";
import { uiRoutes } from "../routes/ui.ts";
import { type AppEnv, authenticate } from "./auth.ts";
import { guardBody } from "./body-guard.ts";
import { notFound, onError } from "./errors.ts";
import { observe } from "./observe.ts";
import type { Services } from "./runtime.ts";

export function createApp(services: Services): Hono {
  const app = new Hono();
  app.use("*", observe());
  const { corsOrigins, bodyTimeoutMs } = services.config.server;
  if (corsOrigins.length > 0) {
    app.use("*", cors({ origin: corsOrigins.includes("*") ? "*" : corsOrigins, maxAge: 600 }));
  }
  app.use("*", guardBody(bodyTimeoutMs));
  app.onError(onError);
  app.notFound(notFound);
  // open to probes and scrapers; admin routes check the admin key themselves
  app.route("/", healthRoutes(services));
  app.route("/", metricsRoutes());
  app.route("/", openApiRoutes());
  app.route("/", adminRoutes(services));
  app.route("/", uiRoutes()); // the page and its files; its API calls carry the key

  const api = new Hono<AppEnv>();
  api.use("*", authenticate(services.config, services.plugins.store));
  api.route("/", documentRoutes(services));
  api.route("/", searchRoutes(services));
  api.route("/", chatRoutes(services));
  api.route("/", conversationRoutes(services));
  api.route("/", openAiRoutes(services));
  api.route("/", embeddingsRoutes(services));
  api.route("/", similarityRoutes(services));
  app.route("/", api);
  return app;
}
