/**
 * Two rules for every request body, before any route reads it. Compressed bodies are
 * refused: decoding one would let a few KiB on the wire become gigabytes in memory, and no
 * client of ours needs them. And the whole body must arrive within a deadline, so a client
 * that trickles bytes cannot hold a connection, a temp file or a governor slot for ever.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";

const EXPIRED = Symbol("expired");

export function guardBody(timeoutMs: number): MiddlewareHandler {
  return async function guardRequestBody(c, next) {
    const encoding = c.req.header("content-encoding")?.trim().toLowerCase();
    if (encoding && encoding !== "identity") {
      throw new ApiError(
        415,
        "unsupported_content_encoding",
        `Content-Encoding ${encoding} is not accepted; send the body uncompressed`,
      );
    }
    const body = c.req.raw.body;
    if (!body) return await next();

    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<typeof EXPIRED>((resolve) => {
      timer = setTimeout(() => resolve(EXPIRED), timeoutMs);
    });
    const reader = body.getReader();
    // pull-based, so the body is read no faster than the route consumes it
    const guarded = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const result = await Promise.race([reader.read(), expired]);
        if (result === EXPIRED) {
          reader.cancel().catch(() => {});
          controller.error(
            new ApiError(
              408,
              "body_timeout",
              `the request body did not arrive within ${timeoutMs} ms`,
            ),
          );
        } else if (result.done) {
          clearTimeout(timer);
          controller.close();
        } else {
          controller.enqueue(result.value);
        }
      },
      cancel(reason) {
        clearTimeout(timer);
        return reader.cancel(reason);
      },
    });
    c.req.raw = new Request(c.req.raw, { body: guarded, duplex: "half" } as RequestInit);
    try {
      await next();
    } finally {
      clearTimeout(timer);
    }
  };
}
