import assert from "node:assert/strict";
import { type GeminiReply, startGeminiFake } from "../../tests/fakes/gemini_fake.ts";
import { GeminiProvider } from "./gemini.ts";
import type { RemoteOptions } from "./remote.ts";
import type { LlmProvider } from "./types.ts";
import { assertLlmError, drain, KEY, options, REQUEST, runWireCases } from "./wire.case.ts";

const STATUS_NAMES: Record<number, string> = {
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
};

const gemini = (o: RemoteOptions): LlmProvider => new GeminiProvider(o);

runWireCases<GeminiReply>({
  name: "gemini",
  start: startGeminiFake,
  provider: gemini,
  ok: (tokens) => ({ tokens }),
  status: (status, o = {}) => ({
    status,
    error: { message: "no", status: STATUS_NAMES[status] ?? "FAILED_PRECONDITION" },
    ...o,
  }),
  cut: (how) => ({ tokens: ["a", "b"], end: how }),
  invalidJson: () => ({ tokens: ["a", "b", "c"], invalidJsonAt: 1 }),
  slowFirstByte: (ms) => ({ firstByteDelayMs: ms }),
  hang: () => ({ tokens: ["a"], end: "hang" }),
  endless: (ms) => ({ tokens: ["a"], end: "endless", chunkDelayMs: ms }),
});

async function withFake(fn: (fake: ReturnType<typeof startGeminiFake>) => Promise<void>) {
  const fake = startGeminiFake();
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

Deno.test("gemini: request shape, key in header only, system as systemInstruction", () =>
  withFake(async (fake) => {
    const provider = gemini(options(fake.baseUrl, { model: "gemini-2.5-flash" }));
    await provider.complete({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi?" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: "And?" },
      ],
      maxTokens: 99,
    });
    const [request] = fake.requests;
    assert.equal(request.path, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    assert.equal(request.headers["x-goog-api-key"], KEY);
    assert.ok(!request.path.includes(KEY));
    assert.deepEqual(request.body, {
      contents: [
        { role: "user", parts: [{ text: "Hi?" }] },
        { role: "model", parts: [{ text: "Hello." }] },
        { role: "user", parts: [{ text: "And?" }] },
      ],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { temperature: 0.1, maxOutputTokens: 99 },
    });
  }));

Deno.test("gemini: thought parts are reasoning, thinking tokens count as completion", () =>
  withFake(async (fake) => {
    fake.script({
      thoughts: ["Pensando."],
      tokens: ["Hola", " mundo"],
      usage: { prompt: 20, candidates: 5, thoughts: 11 },
      finishReason: "MAX_TOKENS",
    });
    const { events } = await drain(gemini(options(fake.baseUrl)).stream(REQUEST));
    assert.deepEqual(events, [
      { type: "reasoning", text: "Pensando." },
      { type: "token", text: "Hola" },
      { type: "token", text: " mundo" },
      { type: "usage", promptTokens: 20, completionTokens: 16 },
      { type: "done", finishReason: "length" },
    ]);
  }));

Deno.test("gemini: a refused prompt (promptFeedback.blockReason) is upstream_blocked", () =>
  withFake(async (fake) => {
    fake.script({ blockReason: "SAFETY" });
    const { events, error } = await drain(gemini(options(fake.baseUrl)).stream(REQUEST));
    assert.match(assertLlmError(error, "upstream_blocked").message, /SAFETY/);
    assert.equal(events.length, 0);
    assert.equal(fake.requests.length, 1);
  }));

Deno.test("gemini: an answer stopped with finishReason SAFETY is upstream_blocked", () =>
  withFake(async (fake) => {
    fake.script({ tokens: ["Sure"], finishReason: "SAFETY" });
    const { events, error } = await drain(gemini(options(fake.baseUrl)).stream(REQUEST));
    assertLlmError(error, "upstream_blocked");
    assert.ok(!events.some((e) => e.type === "done"));
  }));

Deno.test("gemini: a bad key answered as 400 API_KEY_INVALID is upstream_auth", () =>
  withFake(async (fake) => {
    fake.script({
      status: 400,
      error: {
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
      },
      echoKey: true,
    });
    const { error } = await drain(gemini(options(fake.baseUrl)).stream(REQUEST));
    assertLlmError(error, "upstream_auth");
  }));

Deno.test("gemini: consecutive turns of one role are merged so roles alternate", () =>
  withFake(async (fake) => {
    await gemini(options(fake.baseUrl)).complete({
      messages: [
        { role: "user", content: "One." },
        { role: "user", content: "Two?" },
      ],
    });
    assert.deepEqual(fake.requests[0].body.contents, [
      { role: "user", parts: [{ text: "One." }, { text: "Two?" }] },
    ]);
    assert.equal(fake.requests[0].body.systemInstruction, undefined);
  }));
