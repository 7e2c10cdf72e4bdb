/**
 * A fake Gemini API speaking the real wire format:
 * `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` streams `data: {chunk}` events
 * (CRLF-separated, no terminator: the last chunk carries finishReason). Errors are
 * `{"error":{"code","message","status"}}`.
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

export interface GeminiReply {
  /** An error answer: status with `{"error":{"code","message","status"}}`. */
  status?: number;
  error?: { message: string; status: string };
  retryAfter?: string;
  echoKey?: boolean;
  /** Answer pieces, one chunk each (default: "Hola", " mundo"). */
  tokens?: string[];
  /** Thought parts (`thought: true`) sent before the tokens. */
  thoughts?: string[];
  usage?: { prompt: number; candidates: number; thoughts?: number };
  finishReason?: string;
  /** The prompt is refused: a single chunk with promptFeedback.blockReason. */
  blockReason?: string;
  firstByteDelayMs?: number;
  chunkDelayMs?: number;
  invalidJsonAt?: number;
  /** "complete" (default) ends with a finishReason chunk; the rest as in the OpenAI fake. */
  end?: "complete" | "close" | "error" | "hang" | "endless";
}

export type GeminiFake = FakeServer<GeminiReply> & { baseUrl: string };

export function startGeminiFake(): GeminiFake {
  const fake = startFake<GeminiReply>(async (reply = {}, request, raw, onCancel) => {
    if (reply.firstByteDelayMs) await delay(reply.firstByteDelayMs, raw.signal);
    const route = /^\/v1beta\/models\/([^/:]+):streamGenerateContent\?alt=sse$/.exec(
      request.path,
    );
    if (!route) {
      return errorReply(
        { status: 404, error: { message: "not found", status: "NOT_FOUND" } },
        request,
      );
    }
    if (reply.status) return errorReply(reply, request);
    const tokens = reply.tokens ?? ["Hola", " mundo"];
    const u = reply.usage ?? { prompt: 12, candidates: tokens.length };
    const usageMetadata = {
      promptTokenCount: u.prompt,
      candidatesTokenCount: u.candidates,
      ...(u.thoughts ? { thoughtsTokenCount: u.thoughts } : {}),
      totalTokenCount: u.prompt + u.candidates + (u.thoughts ?? 0),
    };
    const candidate = (parts: Record<string, unknown>[], finishReason?: string) => ({
      candidates: [{
        content: { parts, role: "model" },
        index: 0,
        ...(finishReason ? { finishReason } : {}),
      }],
      usageMetadata,
      modelVersion: decodeURIComponent(route[1]),
    });
    const blocked = {
      promptFeedback: { blockReason: reply.blockReason, safetyRatings: [] },
      usageMetadata,
    };
    const event = (value: unknown) => `data: ${JSON.stringify(value)}\r\n\r\n`;
    const chunks: string[] = [];
    if (reply.blockReason) chunks.push(event(blocked));
    else {
      for (const text of reply.thoughts ?? []) {
        chunks.push(event(candidate([{ text, thought: true }])));
      }
      tokens.forEach((text, i) => {
        chunks.push(
          i === reply.invalidJsonAt
            ? `data: {"candidates":[{"content":{"parts":[{"text":"${text}"\r\n\r\n`
            : event(candidate([{ text }])),
        );
      });
    }
    const end = reply.end ?? "complete";
    if (end === "complete" && !reply.blockReason) {
      chunks.push(event(candidate([{ text: "" }], reply.finishReason ?? "STOP")));
    }
    const body = streamBody({
      chunks,
      delayMs: reply.chunkDelayMs,
      end: end === "complete" ? "close" : end,
      more: () => event(candidate([{ text: " más" }])),
    }, onCancel);
    return new Response(body, { headers: SSE_HEADERS });
  });
  return Object.assign(fake, { baseUrl: fake.origin });
}

function errorReply(reply: GeminiReply, request: Recorded): Response {
  const error = reply.error ?? { message: "fake failure", status: "INTERNAL" };
  const message = reply.echoKey
    ? `${error.message} (key ${request.headers["x-goog-api-key"] ?? "none"})`
    : error.message;
  const headers: Record<string, string> = reply.retryAfter
    ? { "retry-after": reply.retryAfter }
    : {};
  return json(
    reply.status!,
    { error: { code: reply.status, message, status: error.status } },
    headers,
  );
}
