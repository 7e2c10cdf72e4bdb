/**
 * The llm slot: a chat model that streams an answer. Remote providers (Kimi, Gemini, any
 * OpenAI-compatible server) and the offline extractive one all speak this interface, so the
 * chat service never knows which is behind it.
 */
export { LLM_ERROR_STATUS, LlmError, type LlmErrorCode } from "./errors.ts";

export type LlmProviderName = "offline" | "kimi" | "gemini" | "openai";

export interface LlmMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A numbered passage the answer may cite as `[n]`. */
export interface LlmSource {
  n: number;
  title: string;
  page: number;
  text: string;
}

export interface LlmRequest {
  messages: LlmMessage[];
  /** Overrides the provider's configured temperature. */
  temperature?: number;
  /** Overrides the provider's configured maxTokens (answer length). */
  maxTokens?: number;
  /**
   * The numbered passages. Remote providers get them inside the prompt (see prompt.ts) and
   * ignore this; the offline provider answers from them.
   */
  sources?: LlmSource[];
  /** The user's question as typed, for the offline provider; default: the last user message. */
  question?: string;
}

export type FinishReason = "stop" | "length";

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the upstream reported no usage and we counted characters / 4. */
  estimated?: boolean;
}

export type LlmEvent =
  | { type: "token"; text: string }
  | { type: "reasoning"; text: string }
  | ({ type: "usage" } & LlmUsage)
  | { type: "done"; finishReason: FinishReason };

export interface LlmCompletion {
  text: string;
  usage: LlmUsage;
  finishReason: FinishReason;
}

export interface LlmProvider {
  readonly name: LlmProviderName;
  readonly model: string;
  /** The prompt budget (tokens) the chat service passes to `buildRagMessages`. */
  readonly promptTokens: number;
  /**
   * Streams the answer: tokens (and reasoning) as they come, then exactly one `usage` and one
   * `done`. Failures throw `LlmError`; aborting `signal` stops the upstream request and throws
   * `signal.reason`. Retries happen only before the first event.
   */
  stream(request: LlmRequest, signal?: AbortSignal): AsyncIterable<LlmEvent>;
  /** The same call, collected: the answer text without the reasoning. */
  complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmCompletion>;
}

/** `complete` for every provider: drains `stream` and keeps what matters. */
export async function collect(events: AsyncIterable<LlmEvent>): Promise<LlmCompletion> {
  let text = "";
  let usage: LlmUsage = { promptTokens: 0, completionTokens: 0, estimated: true };
  let finishReason: FinishReason = "stop";
  for await (const event of events) {
    if (event.type === "token") text += event.text;
    else if (event.type === "usage") {
      const { type: _, ...counts } = event;
      usage = counts;
    } else if (event.type === "done") finishReason = event.finishReason;
  }
  return { text, usage, finishReason };
}

/** The count everyone uses when no tokenizer is at hand: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Usage for an upstream that reported none: the prompt and `written` chars, estimated. */
export function estimatedUsage(request: LlmRequest, written: number): LlmUsage {
  const prompt = request.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0);
  return { promptTokens: prompt, completionTokens: Math.ceil(written / 4), estimated: true };
}
