/**
 * Request body parsing shared by every JSON route: size limit, JSON syntax, then the schema
 * (server/rules.ts), each failure a precise 4xx.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type * as v from "valibot";
import { formatBytes } from "../config/units.ts";
import { ApiError } from "./errors.ts";
import { validate } from "./rules.ts";

/** Refuses bodies over `maxBytes` with 413, whether or not Content-Length is sent. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      throw tooLarge(c);
    },
  });
  return function limitBodySize(c, next) {
    c.set("bodyLimit" as never, maxBytes as never);
    return limit(c, next);
  };
}

function tooLarge(c: Context): ApiError {
  const max = c.get("bodyLimit" as never) as number | undefined;
  const limit = max ? ` of ${formatBytes(max)}` : "";
  return new ApiError(413, "payload_too_large", `request body exceeds the limit${limit}`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export async function readJson<S extends v.GenericSchema>(
  c: Context,
  schema: S,
): Promise<v.InferOutput<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  let text: string;
  try {
    text = utf8.decode(await c.req.arrayBuffer());
  } catch (e) {
    // the body-limit middleware aborts the stream with its own error while we read
    if ((e as Error).name === "BodyLimitError") throw tooLarge(c);
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, "invalid_utf8", "the JSON body is not valid UTF-8");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, "invalid_json", `malformed JSON: ${(e as Error).message}`);
  }
  return validate(schema, body);
}
