/**
 * Request id, one log line per request, and per-route count + latency metrics.
 */
import type { MiddlewareHandler } from "hono";
import { log } from "./log.ts";
import { Counter, Histogram, LATENCY_BUCKETS, metrics } from "./metrics.ts";

const requests = metrics.register(
  new Counter("ligero_http_requests_total", "HTTP requests served, by route and status."),
);
const latency = metrics.register(
  new Histogram(
    "ligero_http_request_duration_seconds",
    "Time to the response head, by route.",
    LATENCY_BUCKETS,
  ),
);

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function observe(): MiddlewareHandler {
  return async function observeRequest(c, next) {
    const start = performance.now();
    const given = c.req.header("x-request-id");
    const id = given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    c.header("X-Request-Id", id);
    await next();
    const seconds = (performance.now() - start) / 1000;
    // the matched pattern, never the raw path: ids in paths would explode label counts
    const route = c.res.status === 404 && c.req.routePath === "/*" ? "unmatched" : c.req.routePath;
    const status = String(c.res.status);
    requests.inc({ method: c.req.method, route, status });
    latency.observe(seconds, { method: c.req.method, route });
    if (route === "/metrics" || route === "/health") return;
    log.info("request", {
      id,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      ms: Math.round(seconds * 10_000) / 10,
    });
  };
}
