/**
 * A fake OpenAI-compatible chat server (OpenAI, Moonshot/Kimi, Ollama...) speaking the real
 * wire format: `POST /v1/chat/completions`, streamed as `data: {chunk}` events ending with
 * `data: [DONE]`, or one JSON completion when `stream` is false. Each reply is scripted.
 */
import {
  delay,
  type FakeServer,
  json,
  type Recorded,
  SSE_HEADERS,
  startFake,
  streamBody,
} from "./fake_server.ts";

export interface OpenAiReply {
  /** An error answer: status with `{"error":{"type","message"}}`. */
  status?: number;
  error?: { type: string; message: string };
  retryAfter?: string;
  /** A Location header on the error answer (with a 3xx status: a redirect). */
  location?: string;
  /** Put the request's bearer token into the error message, as a careless server might. */
  echoKey?: boolean;
  /** Answer with a plain JSON completion even when a stream was asked for. */
  ignoreStream?: boolean;
  /** SSE comments (`: keep-alive`) sent before the first chunk, chunkDelayMs apart. */
  comments?: number;
  /** Answer pieces, one chunk each (default: "Hello", " world"). */
  tokens?: string[];
  /** `reasoning_content` deltas sent before the tokens. */
  reasoning?: string[];
  usage?: { prompt: number; completion: number };
  /** Moonshot style: usage inside the last choice instead of a usage-only chunk. */
  usageInChoice?: boolean;
  finishReason?: string;
  firstByteDelayMs?: number;
  chunkDelayMs?: number;
  /** Replace the chunk of token i with a broken JSON line. */
  invalidJsonAt?: number;
  /** An `{"error":...}` event after the tokens, in a 200 stream. */
  midStreamError?: { type: string; message: string };
  /**
   * "done" (default) ends with [DONE]; "close" ends the body without it; "error" breaks the
   * connection; "hang" stops sending; "endless" sends a token per chunkDelayMs forever.
   */
  end?: "done" | "close" | "error" | "hang" | "endless";
}

export type OpenAiFake = FakeServer<OpenAiReply> & { baseUrl: string };

export function startOpenAiFake(): OpenAiFake {
  const fake = startFake<OpenAiReply>(async (reply = {}, request, raw, onCancel) => {
    if (reply.firstByteDelayMs) await delay(reply.firstByteDelayMs, raw.signal);
    if (!request.path.endsWith("/chat/completions")) {
      return json(404, { error: { type: "not_found", message: `no route ${request.path}` } });
    }
    if (reply.status) return errorReply(reply, request);
    const model = String(request.body.model);
    const tokens = reply.tokens ?? ["Hello", " world"];
    const usage = reply.usage ?? { prompt: 10, completion: tokens.length };
    const wireUsage = {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    };
    if (request.body.stream !== true || reply.ignoreStream) {
      return json(200, {
        id: "chatcmpl-fake",
        object: "chat.completion",
        created: 1_700_000_000,
        model,
        choices: [{
          index: 0,
          message: {
            role: "assistant",
            content: tokens.join(""),
            ...(reply.reasoning ? { reasoning_content: reply.reasoning.join("") } : {}),
          },
          finish_reason: reply.finishReason ?? "stop",
        }],
        usage: wireUsage,
      });
    }
    const chunk = (choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
      `data: ${
        JSON.stringify({
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created: 1_700_000_000,
          model,
          choices: choice ? [{ index: 0, finish_reason: null, ...choice }] : [],
          ...extra,
        })
      }\n\n`;
    const chunks = Array.from({ length: reply.comments ?? 0 }, () => ": keep-alive\n\n");
    chunks.push(chunk({ delta: { role: "assistant", content: "" } }));
    for (const text of reply.reasoning ?? []) {
      chunks.push(chunk({ delta: { reasoning_content: text } }));
    }
    tokens.forEach((text, i) => {
      chunks.push(
        i === reply.invalidJsonAt
          ? `data: {"choices":[{"delta":{"content":"${text}"\n\n`
          : chunk({ delta: { content: text } }),
      );
    });
    if (reply.midStreamError) {
      chunks.push(`data: ${JSON.stringify({ error: reply.midStreamError })}\n\n`);
    }
    const end = reply.end ?? "done";
    if (end === "done") {
      const last = { delta: {}, finish_reason: reply.finishReason ?? "stop" };
      chunks.push(chunk(reply.usageInChoice ? { ...last, usage: wireUsage } : last));
      const streamOptions = request.body.stream_options as { include_usage?: boolean } | undefined;
      if (streamOptions?.include_usage) chunks.push(chunk(null, { usage: wireUsage }));
      chunks.push("data: [DONE]\n\n");
    }
    const body = streamBody({
      chunks,
      delayMs: reply.chunkDelayMs,
      end: end === "done" ? "close" : end,
      more: () => chunk({ delta: { content: " more" } }),
    }, onCancel);
    return new Response(body, { headers: SSE_HEADERS });
  });
  return Object.assign(fake, { baseUrl: `${fake.origin}/v1` });
}

function errorReply(reply: OpenAiReply, request: Recorded): Response {
  const error = reply.error ?? { type: "server_error", message: "fake failure" };
  const message = reply.echoKey
    ? `${error.message}: ${request.headers.authorization ?? "no key"}`
    : error.message;
  const headers: Record<string, string> = {};
  if (reply.retryAfter) headers["retry-after"] = reply.retryAfter;
  if (reply.location) headers.location = reply.location;
  return json(reply.status!, { error: { ...error, message } }, headers);
}
