/**
 * Google Gemini: `POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse`, key in
 * `x-goog-api-key` (never the URL, where proxies log it). The stream has no terminator: an
 * answer is complete when a candidate carries a finishReason. Safety blocks arrive as
 * `promptFeedback.blockReason` (prompt refused) or a safety finishReason (answer stopped).
 */
import { errorForStatus, LlmError, upstreamMessage } from "./errors.ts";
import { parseJsonChunk, sseEvents } from "./http.ts";
import { joinUrl, type RemoteOptions } from "./remote.ts";
import { withRetries } from "./retry.ts";
import {
  collect,
  estimatedUsage,
  type FinishReason,
  type LlmCompletion,
  type LlmEvent,
  type LlmProvider,
  type LlmRequest,
  type LlmUsage,
} from "./types.ts";

interface GeminiChunk {
  candidates?: {
    content?: { parts?: { text?: string; thought?: boolean }[] };
    finishReason?: string;
  }[];
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
  };
  promptFeedback?: { blockReason?: string };
  error?: { code?: number; message?: string; status?: string };
}

/** Finish reasons that mean the provider refused to go on. */
const BLOCKED = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]);

export class GeminiProvider implements LlmProvider {
  readonly name = "gemini";
  readonly model: string;
  readonly promptTokens: number;

  constructor(private readonly options: RemoteOptions) {
    this.model = options.model;
    this.promptTokens = options.promptTokens;
  }

  stream(request: LlmRequest, signal?: AbortSignal): AsyncIterable<LlmEvent> {
    const { maxRetries, timeouts, retryBaseMs, apiKey } = this.options;
    return withRetries(
      "gemini",
      (attemptSignal) => this.attempt(request, attemptSignal),
      { maxRetries, totalMs: timeouts.totalMs, baseMs: retryBaseMs },
      apiKey ? [apiKey] : [],
      signal,
    );
  }

  complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmCompletion> {
    return collect(this.stream(request, signal));
  }

  private async *attempt(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    const o = this.options;
    const model = encodeURIComponent(o.model);
    const events = sseEvents(
      {
        provider: "gemini",
        url: joinUrl(o.baseUrl, `/v1beta/models/${model}:streamGenerateContent?alt=sse`),
        headers: {
          accept: "text/event-stream",
          ...(o.apiKey ? { "x-goog-api-key": o.apiKey } : {}),
        },
        body: geminiBody(request, o),
        toError: geminiError,
      },
      o.timeouts,
      signal,
    );

    let finishReason: FinishReason | undefined;
    let usage: GeminiChunk["usageMetadata"];
    let written = 0;
    for await (const event of events) {
      const chunk = parseJsonChunk<GeminiChunk>("gemini", event.data);
      if (chunk.error) {
        const { code = 500, message = "unknown", status = "" } = chunk.error;
        throw errorForStatus("gemini", code, `${status} ${message}`.trim());
      }
      const blocked = chunk.promptFeedback?.blockReason;
      if (blocked) {
        throw new LlmError("upstream_blocked", `gemini refused the prompt: ${blocked}`);
      }
      if (chunk.usageMetadata) usage = chunk.usageMetadata;
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (!part.text) continue;
        written += part.text.length;
        yield { type: part.thought ? "reasoning" : "token", text: part.text };
      }
      const reason = candidate?.finishReason;
      if (reason && BLOCKED.has(reason)) {
        throw new LlmError("upstream_blocked", `gemini stopped the answer: ${reason}`);
      }
      if (reason) finishReason = reason === "MAX_TOKENS" ? "length" : "stop";
    }
    if (!finishReason) {
      throw new LlmError("upstream_bad_response", "gemini's stream ended without a finishReason");
    }
    yield { type: "usage", ...usageOf(usage, request, written) };
    yield { type: "done", finishReason };
  }
}

/**
 * Consecutive turns of one role become one content with several parts: Gemini wants user and
 * model to alternate.
 */
function geminiBody(request: LlmRequest, o: RemoteOptions): unknown {
  const system = request.messages.filter((m) => m.role === "system").map((m) => m.content);
  const contents: { role: "user" | "model"; parts: { text: string }[] }[] = [];
  for (const m of request.messages) {
    if (m.role === "system") continue;
    const role = m.role === "assistant" ? "model" : "user";
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push({ text: m.content });
    else contents.push({ role, parts: [{ text: m.content }] });
  }
  return {
    contents,
    ...(system.length > 0 ? { systemInstruction: { parts: [{ text: system.join("\n\n") }] } } : {}),
    generationConfig: {
      temperature: request.temperature ?? o.temperature,
      maxOutputTokens: request.maxTokens ?? o.maxTokens,
    },
  };
}

/** Gemini answers a bad key with 400 INVALID_ARGUMENT, not 401: look at the reason. */
function geminiError(status: number, body: string, retryAfterMs?: number): LlmError {
  const message = upstreamMessage(body);
  if (status === 400 && /API_KEY_INVALID|API key not valid/i.test(body)) {
    return new LlmError("upstream_auth", `gemini answered ${status}: ${message}`, { status });
  }
  return errorForStatus("gemini", status, message, retryAfterMs);
}

/** Thinking tokens are billed as output, so they count as completion tokens. */
function usageOf(
  usage: GeminiChunk["usageMetadata"],
  request: LlmRequest,
  written: number,
): LlmUsage {
  if (usage?.promptTokenCount !== undefined) {
    return {
      promptTokens: usage.promptTokenCount,
      completionTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    };
  }
  return estimatedUsage(request, written);
}
