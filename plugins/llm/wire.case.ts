/**
 * The failure modes every remote provider must handle alike, run against each fake server:
 * auth errors, 429 with Retry-After, 5xx, a cut stream, invalid JSON, timeouts, aborts, and
 * keys kept out of error messages. Each provider's test file supplies a driver.
 */
import assert from "node:assert/strict";
import type { FakeServer } from "../../tests/fakes/fake_server.ts";
import { LlmError, type LlmErrorCode } from "./errors.ts";
import type { RemoteOptions } from "./remote.ts";
import type { LlmEvent, LlmProvider, LlmRequest } from "./types.ts";

export const KEY = "sk-test-SECRET-0123456789";

export interface WireDriver<R> {
  name: string;
  start(): FakeServer<R> & { baseUrl: string };
  provider(options: RemoteOptions): LlmProvider;
  ok(tokens: string[]): R;
  status(status: number, options?: { retryAfter?: string; echoKey?: boolean }): R;
  cut(how: "close" | "error"): R;
  invalidJson(): R;
  slowFirstByte(ms: number): R;
  hang(): R;
  endless(delayMs: number): R;
}

export const REQUEST: LlmRequest = {
  messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi?" }],
};

export function options(baseUrl: string, overrides: Partial<RemoteOptions> = {}): RemoteOptions {
  return {
    baseUrl,
    model: "test-model",
    apiKey: KEY,
    timeouts: { connectMs: 2000, idleMs: 2000, totalMs: 10_000 },
    maxRetries: 2,
    temperature: 0.1,
    maxTokens: 64,
    promptTokens: 1000,
    retryBaseMs: 5,
    ...overrides,
  };
}

export async function drain(
  events: AsyncIterable<LlmEvent>,
): Promise<{ events: LlmEvent[]; error?: unknown }> {
  const seen: LlmEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
    return { events: seen };
  } catch (error) {
    return { events: seen, error };
  }
}

export function assertLlmError(error: unknown, code: LlmErrorCode): LlmError {
  assert.ok(error instanceof LlmError, `expected LlmError ${code}, got ${error}`);
  assert.equal(error.code, code, error.message);
  assert.ok(!error.message.includes(KEY), `key leaked: ${error.message}`);
  return error;
}

export function runWireCases<R>(driver: WireDriver<R>): void {
  const test = (name: string, fn: (fake: FakeServer<R> & { baseUrl: string }) => Promise<void>) =>
    Deno.test(`${driver.name}: ${name}`, async () => {
      const fake = driver.start();
      try {
        await fn(fake);
      } finally {
        await fake.close();
      }
    });
  const make = (fake: { baseUrl: string }, overrides?: Partial<RemoteOptions>) =>
    driver.provider(options(fake.baseUrl, overrides));

  test("streams tokens, then usage and done", async (fake) => {
    fake.script(driver.ok(["One", " two", " three"]));
    const { events, error } = await drain(make(fake).stream(REQUEST));
    assert.equal(error, undefined);
    const tokens = events.filter((e) => e.type === "token").map((e) => e.text);
    assert.deepEqual(tokens, ["One", " two", " three"]);
    assert.deepEqual(events.slice(-2).map((e) => e.type), ["usage", "done"]);
  });

  test("complete() collects the answer", async (fake) => {
    fake.script(driver.ok(["Un", "o"]));
    const result = await make(fake).complete(REQUEST);
    assert.equal(result.text, "Uno");
    assert.equal(result.finishReason, "stop");
    assert.ok(result.usage.promptTokens > 0);
  });

  for (const status of [401, 403]) {
    test(`${status} is upstream_auth, not retried, key kept out`, async (fake) => {
      fake.script(driver.status(status, { echoKey: true }));
      const { error } = await drain(make(fake).stream(REQUEST));
      const e = assertLlmError(error, "upstream_auth");
      assert.match(e.message, /\[redacted\]/);
      assert.equal(fake.requests.length, 1);
    });
  }

  test("429 with Retry-After: 1 waits a second, then succeeds", async (fake) => {
    fake.script(driver.status(429, { retryAfter: "1" }), driver.ok(["late"]));
    const start = performance.now();
    const result = await make(fake).complete(REQUEST);
    const waited = performance.now() - start;
    assert.equal(result.text, "late");
    assert.equal(fake.requests.length, 2);
    assert.ok(waited >= 950 && waited < 5000, `waited ${waited} ms`);
  });

  test("429 every time is upstream_rate_limited after maxRetries", async (fake) => {
    const busy = driver.status(429, { retryAfter: "0" });
    fake.script(busy, busy, busy, busy);
    const { error } = await drain(make(fake).stream(REQUEST));
    const e = assertLlmError(error, "upstream_rate_limited");
    assert.match(e.message, /after 2 retries/);
    assert.equal(fake.requests.length, 3);
  });

  test("a Retry-After beyond the total timeout gives up at once", async (fake) => {
    fake.script(driver.status(429, { retryAfter: "3600" }));
    const { error } = await drain(make(fake).stream(REQUEST));
    assertLlmError(error, "upstream_rate_limited");
    assert.equal(fake.requests.length, 1);
  });

  test("500 then success is retried with backoff", async (fake) => {
    fake.script(driver.status(500), driver.ok(["fine"]));
    assert.equal((await make(fake).complete(REQUEST)).text, "fine");
    assert.equal(fake.requests.length, 2);
  });

  test("5xx every time is upstream_unavailable", async (fake) => {
    fake.script(driver.status(502), driver.status(503), driver.status(500));
    const { error } = await drain(make(fake).stream(REQUEST));
    assertLlmError(error, "upstream_unavailable");
    assert.equal(fake.requests.length, 3);
  });

  test("other 4xx is upstream_bad_request, not retried", async (fake) => {
    fake.script(driver.status(404));
    const { error } = await drain(make(fake).stream(REQUEST));
    assertLlmError(error, "upstream_bad_request");
    assert.equal(fake.requests.length, 1);
  });

  for (const how of ["close", "error"] as const) {
    test(`a stream cut mid-way (${how}) is upstream_bad_response, not retried`, async (fake) => {
      fake.script(driver.cut(how));
      const { events, error } = await drain(make(fake).stream(REQUEST));
      assertLlmError(error, "upstream_bad_response");
      assert.ok(events.some((e) => e.type === "token"), "tokens before the cut arrive");
      assert.ok(!events.some((e) => e.type === "done"));
      assert.equal(fake.requests.length, 1);
    });
  }

  test("invalid JSON in a chunk is upstream_bad_response", async (fake) => {
    fake.script(driver.invalidJson());
    const { error } = await drain(make(fake).stream(REQUEST));
    assert.match(assertLlmError(error, "upstream_bad_response").message, /not a JSON object/);
  });

  test("a first byte slower than connectMs is upstream_timeout", async (fake) => {
    fake.script(driver.slowFirstByte(3000));
    const start = performance.now();
    const { error } = await drain(
      make(fake, { maxRetries: 0, ...short(300, 2000) }).stream(REQUEST),
    );
    assertLlmError(error, "upstream_timeout");
    assert.ok(performance.now() - start < 1500);
  });

  test("silence longer than idleMs mid-stream is upstream_timeout", async (fake) => {
    fake.script(driver.hang());
    const { events, error } = await drain(make(fake, short(2000, 300)).stream(REQUEST));
    assertLlmError(error, "upstream_timeout");
    assert.ok(events.some((e) => e.type === "token"));
    await fake.cancelled();
  });

  test("totalMs bounds an answer that never ends", async (fake) => {
    fake.script(driver.endless(20));
    const timeouts = { connectMs: 2000, idleMs: 2000, totalMs: 500 };
    const { error } = await drain(make(fake, { timeouts }).stream(REQUEST));
    assert.match(assertLlmError(error, "upstream_timeout").message, /500 ms/);
    await fake.cancelled();
  });

  test("aborting mid-stream closes the upstream connection", async (fake) => {
    fake.script(driver.endless(10));
    const controller = new AbortController();
    let tokens = 0;
    await assert.rejects(async () => {
      for await (const event of make(fake).stream(REQUEST, controller.signal)) {
        if (event.type === "token" && ++tokens === 3) controller.abort();
      }
    }, (e: Error) => e.name === "AbortError");
    const seen = await fake.cancelled();
    assert.ok(seen.cancelled);
  });

  test("a consumer that stops reading closes the upstream connection", async (fake) => {
    fake.script(driver.endless(10));
    for await (const event of make(fake).stream(REQUEST)) if (event.type === "token") break;
    await fake.cancelled();
  });

  test("a refused connection is upstream_unavailable after retries", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const { error } = await drain(make({ baseUrl: `http://127.0.0.1:${port}` }).stream(REQUEST));
    assert.match(assertLlmError(error, "upstream_unavailable").message, /after 2 retries/);
  });
}

function short(connectMs: number, idleMs: number): Partial<RemoteOptions> {
  return { timeouts: { connectMs, idleMs, totalMs: 10_000 } };
}
