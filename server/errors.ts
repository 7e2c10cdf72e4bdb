/**
 * Every error leaves the server as `{ "error": { "code", "message" } }` with a fitting
 * status. Routes and services throw ApiError; anything else is a 500 that gets logged.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { log } from "./log.ts";

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(status, { message });
  }
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** Maps Hono's own exceptions (body limit, malformed JSON from validators) to our codes. */
const HONO_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/**
 * Errors from below the routes that have one right answer, by class name so this module
 * does not depend on the plugins that throw them.
 */
const KNOWN_ERRORS: Record<string, { status: ContentfulStatusCode; code: string }> = {
  StoreUnavailableError: { status: 503, code: "store_unavailable" },
  RecordMissingError: { status: 404, code: "not_found" },
  KernelError: { status: 500, code: "kernel_error" },
};

/** ENOSPC from the file system, SQLITE_FULL from SQLite: the same story for the client. */
const DISK_FULL = /No space left on device|os error 28|database or disk is full/i;

/** The server's disk (data directory or database) is full: HTTP 507, document code
 * `disk_full`. */
export function isDiskFull(err: unknown): boolean {
  return err instanceof Error && (err.name === "StoreFullError" || DISK_FULL.test(err.message));
}

export function onError(err: Error, c: Context): Response {
  // every 503 is temporary (shed, busy, store down, queue full): say when to come back
  if (
    err instanceof HTTPException && err.status === 503 || KNOWN_ERRORS[err.name]?.status === 503
  ) {
    if (!c.res.headers.has("Retry-After")) c.header("Retry-After", "2");
  }
  if (err instanceof ApiError) {
    if (err.status >= 500) log.warn("request failed", { code: err.code, message: err.message });
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  const mapped = KNOWN_ERRORS[err.name];
  if (mapped) {
    log.warn("request failed", { code: mapped.code, message: err.message });
    return c.json(errorBody(mapped.code, err.message), mapped.status);
  }
  if (err instanceof HTTPException) {
    const code = HONO_CODES[err.status] ?? "http_error";
    return c.json(errorBody(code, err.message || code), err.status as ContentfulStatusCode);
  }
  if (isDiskFull(err)) {
    log.error("disk full", { error: err.message });
    return c.json(errorBody("disk_full", "the server's disk is full; nothing was stored"), 507);
  }
  log.error("unhandled error", { error: err.message, stack: err.stack });
  return c.json(errorBody("internal_error", "internal server error"), 500);
}

export function notFound(c: Context): Response {
  return c.json(
    errorBody("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
    404,
  );
}
