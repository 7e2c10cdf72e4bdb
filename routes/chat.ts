/**
 * `POST /chat`: a RAG answer, streamed as SSE (`sources`, `token`…, `done`, or `error`) or
 * returned whole as JSON with `"stream": false`. A client that disconnects aborts the
 * upstream request.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import * as v from "valibot";
import type { ChatEvent } from "../chat/service.ts";
import { LLM_ERROR_STATUS, LlmError } from "../plugins/llm/types.ts";
import type { AppEnv } from "../server/auth.ts";
import { ApiError, errorBody } from "../server/errors.ts";
import { log } from "../server/log.ts";
import { idList, str, trimmed } from "../server/rules.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

const chatSchema = v.strictObject({
  message: trimmed(1, 20_000),
  conversationId: v.optional(str(1, 100)),
  documentIds: v.optional(idList),
  stream: v.optional(v.boolean(), true),
});

export function chatRoutes({ config, governor, chat }: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/chat", governor.heavy(), limitBody(config.server.jsonBodyLimit), async (c) => {
    const body = await readJson(c, chatSchema);
    const abort = new AbortController();
    c.req.raw.signal.addEventListener("abort", () => abort.abort(new Error("client went away")));
    const events = chat.chat({ ...body, ownerId: c.get("user").id }, abort.signal);
    // the first event comes after every check: until then errors are plain HTTP errors
    const first = await events.next();

    if (!body.stream) {
      let done: Extract<ChatEvent, { type: "done" }> | undefined;
      let sources: Extract<ChatEvent, { type: "sources" }>["sources"] = [];
      try {
        for (let e = first; !e.done; e = await events.next()) {
          if (e.value.type === "sources") sources = e.value.sources;
          if (e.value.type === "done") done = e.value;
        }
      } catch (e) {
        throw upstreamError(e);
      }
      return c.json({ ...done!, sources });
    }

    return streamSSE(c, async (stream) => {
      stream.onAbort(() => abort.abort(new Error("client went away")));
      try {
        for (let e = first; !e.done; e = await events.next()) {
          await stream.writeSSE({ event: e.value.type, data: JSON.stringify(e.value) });
        }
      } catch (e) {
        if (abort.signal.aborted) return;
        const { error } = toErrorBody(e);
        log.warn("chat stream failed", error);
        await stream.writeSSE({
          event: "error",
          data: JSON.stringify({ type: "error", ...error }),
        });
      }
    });
  });
  return app;
}

function upstreamError(e: unknown): unknown {
  if (e instanceof LlmError) return new ApiError(LLM_ERROR_STATUS[e.code], e.code, e.message);
  return e;
}

function toErrorBody(e: unknown): { error: { code: string; message: string } } {
  if (e instanceof LlmError || e instanceof ApiError) return errorBody(e.code, e.message);
  return errorBody("internal_error", "the answer failed; see the server log");
}
