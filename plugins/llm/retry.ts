/**
 * Retries around one upstream call: 429, 5xx and refused/reset connections are tried again
 * with exponential backoff and jitter, or after the upstream's Retry-After, but only while
 * nothing has reached the caller yet (a retry after the first token would repeat the answer).
 * The total timeout spans every attempt and every wait.
 */
import { log } from "../../server/log.ts";
import { LlmError, scrub } from "./errors.ts";

export interface RetryPolicy {
  maxRetries: number;
  totalMs: number;
  /** First backoff; doubles each retry up to maxBackoffMs. */
  baseMs?: number;
  maxBackoffMs?: number;
}

/**
 * Runs `attempt` until it succeeds, fails for good or the policy is spent. Every LlmError
 * leaving here has the secrets scrubbed from its message.
 */
export async function* withRetries<T>(
  provider: string,
  attempt: (signal: AbortSignal) => AsyncIterable<T>,
  policy: RetryPolicy,
  secrets: readonly string[],
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const total = new AbortController();
  const timer = setTimeout(
    () =>
      total.abort(
        new LlmError("upstream_timeout", `${provider} did not finish within ${policy.totalMs} ms`),
      ),
    policy.totalMs,
  );
  const combined = signal ? AbortSignal.any([signal, total.signal]) : total.signal;
  const started = Date.now();
  try {
    for (let tries = 0;; tries++) {
      let emitted = false;
      try {
        for await (const item of attempt(combined)) {
          emitted = true;
          yield item;
        }
        return;
      } catch (e) {
        if (!(e instanceof LlmError)) throw e;
        const err = new LlmError(e.code, scrub(e.message, secrets), e.details);
        const delay = err.details.retryAfterMs ?? backoffMs(tries, policy);
        const spent = Date.now() - started + delay >= policy.totalMs;
        if (!err.retryable || emitted || tries >= policy.maxRetries || spent) {
          throw tries === 0 ? err : new LlmError(
            err.code,
            `${err.message} (after ${tries} ${tries === 1 ? "retry" : "retries"})`,
            err.details,
          );
        }
        log.warn("llm upstream failed, retrying", {
          provider,
          code: err.code,
          status: err.details.status,
          retry: tries + 1,
          delayMs: Math.round(delay),
        });
        await sleep(delay, combined);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential backoff with jitter: half the step fixed, half random, so clients spread out. */
export function backoffMs(tries: number, policy: RetryPolicy): number {
  const step = Math.min(policy.maxBackoffMs ?? 8_000, (policy.baseMs ?? 500) * 2 ** tries);
  return step / 2 + Math.random() * (step / 2);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
