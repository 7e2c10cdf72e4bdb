import assert from "node:assert/strict";
import { LlmError } from "./errors.ts";
import { backoffMs, parseRetryAfter, withRetries } from "./retry.ts";

Deno.test("Retry-After: delta seconds, HTTP date, garbage", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");
  assert.equal(parseRetryAfter("2", now), 2000);
  assert.equal(parseRetryAfter("0.5", now), 500);
  assert.equal(parseRetryAfter("Wed, 25 Nov 2026 12:00:03 GMT", now), 3000);
  assert.equal(parseRetryAfter("Wed, 25 Nov 2026 11:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

Deno.test("backoff doubles per retry, with jitter in the upper half, capped", () => {
  const policy = { maxRetries: 5, totalMs: 60_000, baseMs: 100, maxBackoffMs: 1000 };
  for (let i = 0; i < 50; i++) {
    const first = backoffMs(0, policy);
    assert.ok(first >= 50 && first <= 100);
    const third = backoffMs(2, policy);
    assert.ok(third >= 200 && third <= 400);
    assert.ok(backoffMs(9, policy) <= 1000);
  }
});

Deno.test("no retry once something was emitted", async () => {
  let attempts = 0;
  const flaky = async function* () {
    attempts++;
    yield 1;
    throw new LlmError("upstream_unavailable", "down", { retryable: true });
  };
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (
      const x of withRetries("t", flaky, { maxRetries: 3, totalMs: 5000, baseMs: 1 }, [])
    ) {
      seen.push(x);
    }
  }, (e: LlmError) => e.code === "upstream_unavailable" && !/retr/.test(e.message));
  assert.equal(attempts, 1);
  assert.deepEqual(seen, [1]);
});

Deno.test("secrets are scrubbed from every LlmError", async () => {
  const leaky = async function* (): AsyncGenerator<number> {
    yield* [];
    throw new LlmError("upstream_auth", "bad key sk-abcdef123 for you");
  };
  await assert.rejects(
    async () => {
      for await (
        const _ of withRetries("t", leaky, { maxRetries: 0, totalMs: 1000 }, ["sk-abcdef123"])
      );
    },
    (e: LlmError) => e.message === "bad key [redacted] for you",
  );
});
