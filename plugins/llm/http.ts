/**
 * One streamed POST to an LLM provider, read as server-sent events. Timeouts: `connectMs`
 * until the response headers, `idleMs` for every gap while reading the body (the total
 * timeout lives in retry.ts, around all attempts). The SSE framing is eventsource-parser's,
 * which handles CRLF, multi-line data and comments the way the spec says.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { LlmError, upstreamMessage } from "./errors.ts";
import { parseRetryAfter } from "./retry.ts";

export interface Timeouts {
  connectMs: number;
  idleMs: number;
  totalMs: number;
}

export interface UpstreamCall {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Turns a non-2xx answer into the provider's error, using its error body format. */
  toError(status: number, body: string, retryAfterMs?: number): LlmError;
}

const MAX_ERROR_BODY = 64 * 1024;
/** A single event larger than this is not a chat chunk; stop buffering it. */
const MAX_EVENT_CHARS = 1024 * 1024;

export async function* sseEvents(
  call: UpstreamCall,
  timeouts: Pick<Timeouts, "connectMs" | "idleMs">,
  signal: AbortSignal,
): AsyncGenerator<EventSourceMessage> {
  const { provider } = call;
  const local = new AbortController();
  const combined = AbortSignal.any([signal, local.signal]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number, what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => local.abort(new LlmError("upstream_timeout", what)), ms);
  };
  const disarm = () => clearTimeout(timer);
  /** Abort reasons win: our timeouts are LlmErrors, the caller's abort is its own reason. */
  const fail = (e: unknown, wrap: (message: string) => LlmError): unknown =>
    combined.aborted ? combined.reason : e instanceof LlmError ? e : wrap(String(e));

  try {
    arm(timeouts.connectMs, `${provider} sent no response within ${timeouts.connectMs} ms`);
    let response: Response;
    try {
      response = await fetch(call.url, {
        method: "POST",
        headers: { ...call.headers, "content-type": "application/json" },
        body: JSON.stringify(call.body),
        // A redirect would carry the key to wherever it points; LLM APIs do not redirect.
        redirect: "manual",
        signal: combined,
      });
    } catch (e) {
      throw fail(
        e,
        (m) =>
          new LlmError("upstream_unavailable", `${provider} is unreachable: ${m}`, {
            retryable: true,
          }),
      );
    }

    const idle = `${provider} sent nothing for ${timeouts.idleMs} ms`;
    arm(timeouts.idleMs, idle);
    // JSON where a stream was asked for: a proxy's error page or a server that ignores
    // `stream`; its message says more than "stream ended without [DONE]" would.
    const json = /json/.test(response.headers.get("content-type") ?? "");
    if (!response.ok || !response.body || json) {
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      const text = await readLimited(response, MAX_ERROR_BODY).catch((e) => {
        throw fail(e, (m) => new LlmError("upstream_bad_response", m));
      });
      if (response.ok) {
        throw new LlmError(
          "upstream_bad_response",
          `${provider} answered JSON instead of an event stream: ${upstreamMessage(text)}`,
        );
      }
      throw call.toError(response.status, text, retryAfterMs);
    }

    const queue: EventSourceMessage[] = [];
    let overflow = false;
    const parser = createParser({
      onEvent: (event) => queue.push(event),
      onError: (error) => {
        if (error.type === "max-buffer-size-exceeded") overflow = true;
      },
      maxBufferSize: MAX_EVENT_CHARS,
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        arm(timeouts.idleMs, idle);
        const { done, value } = await reader.read();
        disarm();
        if (done) break;
        parser.feed(value);
        if (overflow) {
          throw new LlmError("upstream_bad_response", `${provider} sent an event over 1 MiB`);
        }
        while (queue.length > 0) yield queue.shift()!;
      }
      parser.reset({ consume: true });
      while (queue.length > 0) yield queue.shift()!;
    } catch (e) {
      throw fail(
        e,
        (m) => new LlmError("upstream_bad_response", `${provider}'s stream was cut: ${m}`),
      );
    } finally {
      await reader.cancel().catch(() => {});
    }
  } finally {
    disarm();
    // Closes the upstream connection when the consumer stops early or anything failed.
    local.abort();
  }
}

/** One `data:` payload as a JSON object, or the bad_response error that names the provider. */
export function parseJsonChunk<T>(provider: string, data: string): T {
  try {
    const chunk = JSON.parse(data);
    if (typeof chunk === "object" && chunk !== null) return chunk;
  } catch {
    // reported below
  }
  throw new LlmError(
    "upstream_bad_response",
    `${provider} sent a chunk that is not a JSON object: ${data.slice(0, 80)}`,
  );
}

async function readLimited(response: Response, max: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, max);
}
