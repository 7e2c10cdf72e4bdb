/**
 * The OpenAI chat-completions wire format, streamed: `POST {base}/chat/completions` with
 * `stream: true`, `data: {chunk}` events ending with `data: [DONE]`. Kimi (Moonshot) and every
 * OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp, LM Studio) are configs of this.
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

export interface OpenAiWireOptions extends RemoteOptions {
  name: "kimi" | "openai";
  /**
   * Ask for usage in the last chunk with `stream_options.include_usage` (OpenAI, vLLM,
   * Ollama). Moonshot puts usage in the final choice unasked; both places are read.
   */
  askForUsage: boolean;
}

interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

interface WireChunk {
  choices?: {
    delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string };
    finish_reason?: string | null;
    usage?: WireUsage;
  }[];
  usage?: WireUsage | null;
  error?: { message?: string; type?: string };
}

export class OpenAiWireProvider implements LlmProvider {
  readonly name: "kimi" | "openai";
  readonly model: string;
  readonly promptTokens: number;

  constructor(private readonly options: OpenAiWireOptions) {
    this.name = options.name;
    this.model = options.model;
    this.promptTokens = options.promptTokens;
  }

  stream(request: LlmRequest, signal?: AbortSignal): AsyncIterable<LlmEvent> {
    const { name, maxRetries, timeouts, retryBaseMs, apiKey } = this.options;
    return withRetries(
      name,
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
    const events = sseEvents(
      {
        provider: o.name,
        url: joinUrl(o.baseUrl, "/chat/completions"),
        headers: {
          accept: "text/event-stream",
          ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
        },
        body: {
          model: o.model,
          messages: request.messages,
          stream: true,
          temperature: request.temperature ?? o.temperature,
          max_tokens: request.maxTokens ?? o.maxTokens,
          ...(o.askForUsage ? { stream_options: { include_usage: true } } : {}),
        },
        toError: (status, body, retryAfterMs) =>
          errorForStatus(o.name, status, upstreamMessage(body), retryAfterMs),
      },
      o.timeouts,
      signal,
    );

    let finished = false;
    let finishReason: FinishReason = "stop";
    let usage: WireUsage | undefined;
    let written = 0;
    for await (const event of events) {
      if (event.data.trim() === "[DONE]") {
        finished = true;
        break;
      }
      const chunk = parseJsonChunk<WireChunk>(o.name, event.data);
      if (chunk.error) throw chunkError(o.name, chunk.error);
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices ?? []) {
        const reasoning = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
        if (reasoning) {
          written += reasoning.length;
          yield { type: "reasoning", text: reasoning };
        }
        const content = choice.delta?.content;
        if (content) {
          written += content.length;
          yield { type: "token", text: content };
        }
        if (choice.usage) usage = choice.usage;
        if (choice.finish_reason) finishReason = finish(o.name, choice.finish_reason);
      }
    }
    if (!finished) {
      throw new LlmError("upstream_bad_response", `${o.name}'s stream ended without [DONE]`);
    }
    yield { type: "usage", ...usageOf(usage, request, written) };
    yield { type: "done", finishReason };
  }
}

/** An error event inside a 200 stream: servers that fail after the headers went out. */
function chunkError(provider: string, error: NonNullable<WireChunk["error"]>): LlmError {
  const message = `${provider} failed mid-stream: ${error.message ?? error.type ?? "unknown"}`;
  if (/rate_limit/.test(error.type ?? "")) {
    return new LlmError("upstream_rate_limited", message, { retryable: true });
  }
  if (/server_error|overloaded/.test(error.type ?? "")) {
    return new LlmError("upstream_unavailable", message, { retryable: true });
  }
  return new LlmError("upstream_bad_response", message);
}

function finish(provider: string, reason: string): FinishReason {
  if (reason === "content_filter") {
    throw new LlmError("upstream_blocked", `${provider} stopped the answer: content filter`);
  }
  return reason === "length" ? "length" : "stop";
}

function usageOf(usage: WireUsage | undefined, request: LlmRequest, written: number): LlmUsage {
  if (usage?.prompt_tokens !== undefined && usage.completion_tokens !== undefined) {
    return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
  }
  return estimatedUsage(request, written);
}
