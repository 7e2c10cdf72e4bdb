/**
 * The OpenAI wire format, so the OpenAI SDKs, LangChain and Open WebUI can use ligero as a
 * backend: `GET /v1/models`, `POST /v1/chat/completions` (streamed or not). Every answer is
 * RAG over the caller's documents; the passages come back in an extra `sources` field.
 * (`POST /v1/embeddings` lives in routes/embeddings.ts.)
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import * as v from "valibot";
import type { Turn } from "../chat/rag.ts";
import { LLM_ERROR_STATUS, LlmError, type LlmUsage } from "../plugins/llm/types.ts";
import type { AppEnv } from "../server/auth.ts";
import { ApiError } from "../server/errors.ts";
import { idList, str } from "../server/rules.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

export const MODEL_ID = "ligero-rag";

const content = v.pipe(
  v.union([
    v.string(),
    v.array(v.looseObject({ type: v.string(), text: v.optional(v.string()) })),
  ]),
  v.transform((c) => typeof c === "string" ? c : c.map((p) => p.text ?? "").join("")),
);

const completionSchema = v.looseObject({
  model: v.optional(str(0, 200)),
  messages: v.pipe(
    v.array(
      v.looseObject({
        role: v.picklist(["system", "developer", "user", "assistant", "tool"]),
        content: v.optional(v.nullable(content), ""),
      }),
    ),
    v.minLength(1),
    v.maxLength(500),
  ),
  stream: v.optional(v.boolean(), false),
  /** ligero's extension: restrict retrieval to these documents. */
  documentIds: v.optional(idList),
});

export function openAiRoutes({ config, governor, rag }: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/v1/models", (c) =>
    c.json({
      object: "list",
      data: [{ id: MODEL_ID, object: "model", created: 0, owned_by: "ligero" }],
    }));

  app.post(
    "/v1/chat/completions",
    governor.heavy(),
    limitBody(config.server.jsonBodyLimit),
    async (c) => {
      const body = await readJson(c, completionSchema);
      const turns = body.messages.flatMap((m): Turn[] =>
        m.role === "user" || m.role === "assistant"
          ? [{ role: m.role, content: m.content ?? "" }]
          : []
      );
      const last = turns.at(-1);
      if (!last || last.role !== "user" || !last.content.trim()) {
        throw new ApiError(400, "invalid_request", "messages: the last message must be the user's");
      }
      const abort = new AbortController();
      c.req.raw.signal.addEventListener("abort", () => abort.abort(new Error("client went away")));
      const { citations, events } = await rag.answer({
        ownerId: c.get("user").id,
        question: last.content,
        history: turns.slice(0, -1),
        documentIds: body.documentIds,
      }, abort.signal);
      const id = `chatcmpl-${crypto.randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const sources = citations;

      if (!body.stream) {
        let text = "";
        let usage: LlmUsage = { promptTokens: 0, completionTokens: 0 };
        let finish = "stop";
        try {
          for await (const e of events) {
            if (e.type === "token") text += e.text;
            else if (e.type === "usage") usage = e;
            else if (e.type === "done") finish = e.finishReason;
          }
        } catch (e) {
          if (e instanceof LlmError) {
            throw new ApiError(LLM_ERROR_STATUS[e.code], e.code, e.message);
          }
          throw e;
        }
        return c.json({
          id,
          object: "chat.completion",
          created,
          model: MODEL_ID,
          choices: [{
            index: 0,
            message: { role: "assistant", content: text },
            finish_reason: finish,
          }],
          usage: wireUsage(usage),
          sources,
        });
      }

      return streamSSE(c, async (stream) => {
        stream.onAbort(() => abort.abort(new Error("client went away")));
        const chunk = (delta: Record<string, unknown>, finish: string | null, extra = {}) =>
          stream.writeSSE({
            data: JSON.stringify({
              id,
              object: "chat.completion.chunk",
              created,
              model: MODEL_ID,
              choices: [{ index: 0, delta, finish_reason: finish }],
              ...extra,
            }),
          });
        await chunk({ role: "assistant", content: "" }, null, { sources });
        try {
          let usage: LlmUsage = { promptTokens: 0, completionTokens: 0 };
          for await (const e of events) {
            if (e.type === "token") await chunk({ content: e.text }, null);
            else if (e.type === "usage") usage = e;
            else if (e.type === "done") {
              await chunk({}, e.finishReason, { usage: wireUsage(usage) });
            }
          }
        } catch (e) {
          if (abort.signal.aborted) return;
          const code = e instanceof LlmError ? e.code : "internal_error";
          const message = e instanceof LlmError ? e.message : "the answer failed";
          await stream.writeSSE({ data: JSON.stringify({ error: { code, message, type: code } }) });
        }
        await stream.writeSSE({ data: "[DONE]" });
      });
    },
  );
  return app;
}

function wireUsage(u: LlmUsage) {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
  };
}
