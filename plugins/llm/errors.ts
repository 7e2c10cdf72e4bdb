/**
 * What can go wrong talking to an LLM, as a handful of codes the chat route turns into an SSE
 * `error` event or an HTTP status. Messages carry the upstream's own words where they help,
 * but never a key: every message passes through `scrub` with the provider's secrets.
 */

export type LlmErrorCode =
  /** 401/403, or a key the provider says is invalid. */
  | "upstream_auth"
  /** 429, still after the retries. */
  | "upstream_rate_limited"
  /** 5xx after the retries, connection refused or reset before an answer started. */
  | "upstream_unavailable"
  /** No response headers within connectMs, a gap over idleMs, or the whole call over totalMs. */
  | "upstream_timeout"
  /** The provider's safety filter refused the prompt or stopped the answer. */
  | "upstream_blocked"
  /** Invalid JSON in a chunk, or a stream that ended without its terminator. */
  | "upstream_bad_response"
  /** Any other 4xx: an unknown model, a prompt over the context window. A config problem. */
  | "upstream_bad_request";

/** The status the chat route answers with when the error comes before any token. */
export const LLM_ERROR_STATUS: Record<LlmErrorCode, 429 | 502 | 503 | 504> = {
  upstream_auth: 502,
  upstream_rate_limited: 429,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  upstream_blocked: 502,
  upstream_bad_response: 502,
  upstream_bad_request: 502,
};

export class LlmError extends Error {
  override name = "LlmError";

  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly details: {
      /** The upstream HTTP status, when there was one. */
      status?: number;
      /** Worth another attempt (429, 5xx, connection refused or reset). */
      retryable?: boolean;
      /** The upstream's Retry-After, in milliseconds. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.details.retryable ?? false;
  }
}

/** Maps an upstream HTTP error status to our code; the provider's message goes along. */
export function errorForStatus(
  provider: string,
  status: number,
  message: string,
  retryAfterMs?: number,
): LlmError {
  const said = `${provider} answered ${status}: ${message}`;
  if (status === 401 || status === 403) return new LlmError("upstream_auth", said, { status });
  if (status === 429) {
    return new LlmError("upstream_rate_limited", said, { status, retryable: true, retryAfterMs });
  }
  if (status >= 500) {
    return new LlmError("upstream_unavailable", said, { status, retryable: true, retryAfterMs });
  }
  return new LlmError("upstream_bad_request", said, { status });
}

/** Replaces every secret in `text` so no message, log line or SSE event can leak one. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.replaceAll(secret, "[redacted]");
  }
  return out;
}

/** Upstream messages can be long HTML pages; keep the first line, a few hundred chars. */
export function shortMessage(text: string): string {
  const line = text.trim().split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line || "(empty body)";
}

/**
 * The message inside an upstream error body: `{"error":{"message"}}` (OpenAI, Moonshot,
 * Gemini, also wrapped in an array by Gemini's stream endpoint), `{"error":"..."}` (Ollama),
 * `{"detail"}` or `{"message"}` (other servers); else the body's first line.
 */
export function upstreamMessage(body: string): string {
  try {
    let value = JSON.parse(body);
    if (Array.isArray(value)) value = value[0];
    const error = value?.error;
    const found = typeof error === "string" ? error : error?.message ?? value?.message ??
      value?.detail;
    if (typeof found === "string" && found) return shortMessage(found);
  } catch {
    // not JSON: an HTML error page or plain text
  }
  return shortMessage(body);
}
