import assert from "node:assert/strict";
import { type OpenAiReply, startOpenAiFake } from "../../tests/fakes/openai_fake.ts";
import { kimiProvider } from "./kimi.ts";
import { openAiProvider } from "./openai.ts";
import type { RemoteOptions } from "./remote.ts";
import type { LlmProvider } from "./types.ts";
import { assertLlmError, drain, KEY, options, REQUEST, runWireCases } from "./wire.case.ts";

const replies = {
  ok: (tokens: string[]): OpenAiReply => ({ tokens }),
  status: (status: number, o: { retryAfter?: string; echoKey?: boolean } = {}): OpenAiReply => ({
    status,
    error: { type: status === 429 ? "rate_limit_error" : "invalid_request_error", message: "no" },
    ...o,
  }),
  cut: (how: "close" | "error"): OpenAiReply => ({ tokens: ["a", "b"], end: how }),
  invalidJson: (): OpenAiReply => ({ tokens: ["a", "b", "c"], invalidJsonAt: 1 }),
  slowFirstByte: (ms: number): OpenAiReply => ({ firstByteDelayMs: ms }),
  hang: (): OpenAiReply => ({ tokens: ["a"], end: "hang" }),
  endless: (ms: number): OpenAiReply => ({ tokens: ["a"], end: "endless", chunkDelayMs: ms }),
};

runWireCases({ name: "openai", start: startOpenAiFake, provider: openAiProvider, ...replies });
runWireCases({ name: "kimi", start: startOpenAiFake, provider: kimiProvider, ...replies });

async function withFake(
  make: (o: RemoteOptions) => LlmProvider,
  fn: (fake: ReturnType<typeof startOpenAiFake>, provider: LlmProvider) => Promise<void>,
) {
  const fake = startOpenAiFake();
  try {
    await fn(fake, make(options(fake.baseUrl)));
  } finally {
    await fake.close();
  }
}

Deno.test("openai: sends the chat-completions request with the key and asks for usage", () =>
  withFake(openAiProvider, async (fake, provider) => {
    fake.script({ tokens: ["x"], usage: { prompt: 42, completion: 7 } });
    const { events } = await drain(provider.stream({ ...REQUEST, temperature: 0.5 }));
    const [request] = fake.requests;
    assert.equal(request.path, "/v1/chat/completions");
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(request.body, {
      model: "test-model",
      messages: REQUEST.messages,
      stream: true,
      temperature: 0.5,
      max_tokens: 64,
      stream_options: { include_usage: true },
    });
    assert.deepEqual(events.find((e) => e.type === "usage"), {
      type: "usage",
      promptTokens: 42,
      completionTokens: 7,
    });
  }));

Deno.test("openai: no key configured sends no Authorization header", async () => {
  const fake = startOpenAiFake();
  try {
    const provider = openAiProvider({ ...options(fake.baseUrl), apiKey: undefined });
    assert.equal((await provider.complete(REQUEST)).text, "Hello world");
    assert.equal(fake.requests[0].headers.authorization, undefined);
  } finally {
    await fake.close();
  }
});

Deno.test("kimi: reasoning_content deltas and usage inside the last choice", () =>
  withFake(kimiProvider, async (fake, provider) => {
    fake.script({
      reasoning: ["Let me ", "think."],
      tokens: ["Answer", "."],
      usage: { prompt: 30, completion: 9 },
      usageInChoice: true,
    });
    const { events, error } = await drain(provider.stream(REQUEST));
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: "reasoning", text: "Let me " },
      { type: "reasoning", text: "think." },
      { type: "token", text: "Answer" },
      { type: "token", text: "." },
      { type: "usage", promptTokens: 30, completionTokens: 9 },
      { type: "done", finishReason: "stop" },
    ]);
    assert.equal(fake.requests[0].body.stream_options, undefined);
  }));

Deno.test("kimi: no usage reported is estimated and says so", () =>
  withFake(kimiProvider, async (fake, provider) => {
    fake.script({ tokens: ["abcdefgh"] });
    const usage = (await provider.complete(REQUEST)).usage;
    assert.deepEqual(usage, { promptTokens: 4, completionTokens: 2, estimated: true });
  }));

Deno.test("openai: finish_reason length, and content_filter is upstream_blocked", () =>
  withFake(openAiProvider, async (fake, provider) => {
    fake.script({ finishReason: "length" }, { finishReason: "content_filter" });
    assert.equal((await provider.complete(REQUEST)).finishReason, "length");
    assertLlmError((await drain(provider.stream(REQUEST))).error, "upstream_blocked");
  }));

Deno.test("openai: an error event inside a 200 stream is reported", () =>
  withFake(openAiProvider, async (fake, provider) => {
    fake.script({
      tokens: ["a"],
      midStreamError: { type: "invalid_request_error", message: "boom" },
    });
    const e = assertLlmError(
      (await drain(provider.stream(REQUEST))).error,
      "upstream_bad_response",
    );
    assert.match(e.message, /boom/);
  }));

Deno.test("openai: a redirect is not followed (it would carry the key elsewhere)", () =>
  withFake(openAiProvider, async (fake, provider) => {
    fake.script({ status: 307, location: `${fake.baseUrl}/elsewhere` });
    const { error } = await drain(provider.stream(REQUEST));
    assert.match(assertLlmError(error, "upstream_bad_request").message, /307/);
    assert.equal(fake.requests.length, 1);
  }));

Deno.test("openai: keep-alive comments count as activity for the idle timeout", async () => {
  const fake = startOpenAiFake();
  try {
    const timeouts = { connectMs: 2000, idleMs: 300, totalMs: 10_000 };
    const provider = openAiProvider(options(fake.baseUrl, { timeouts }));
    fake.script({ comments: 6, chunkDelayMs: 100, tokens: ["ok"] });
    assert.equal((await provider.complete(REQUEST)).text, "ok");
  } finally {
    await fake.close();
  }
});

Deno.test("openai: a JSON answer to a stream request is reported with its message", () =>
  withFake(openAiProvider, async (fake, provider) => {
    fake.script({ ignoreStream: true, tokens: ["not streamed"] });
    const e = assertLlmError(
      (await drain(provider.stream(REQUEST))).error,
      "upstream_bad_response",
    );
    assert.match(e.message, /JSON instead of an event stream/);
  }));
