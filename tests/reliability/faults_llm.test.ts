/**
 * An LLM provider that hangs mid-answer, resets the connection, or is not there at all:
 * the client gets an `error` event (native SSE) or an error chunk (OpenAI SSE) within the
 * configured timeouts, no half conversation is stored, and the server stays healthy.
 * (tests/chat_providers.test.ts covers status codes, a slow first byte and bad JSON.)
 */
import assert from "node:assert/strict";
import { call, settle, uploadText } from "../support/api.ts";
import { startServer } from "../support/server.ts";
import { readSse } from "../support/sse.ts";
import { type OpenAiReply, startOpenAiFake } from "../fakes/openai_fake.ts";

const IDLE_MS = 800;

Deno.test("LLM faults: hang, reset, unreachable → error events within the timeouts", async (t) => {
  const fake = startOpenAiFake();
  const server = await startServer({
    env: {
      LIGERO_LLM__PROVIDER: "openai",
      LIGERO_LLM__OPENAI__BASE_URL: fake.baseUrl,
      LIGERO_LLM__OPENAI__MAX_RETRIES: "0",
      LIGERO_LLM__OPENAI__TIMEOUTS__IDLE_MS: String(IDLE_MS),
      LIGERO_LLM__OPENAI__TIMEOUTS__CONNECT_MS: "1000",
      OPENAI_API_KEY: "sk-fault",
    },
  });
  const client = { url: server.url };
  const conversations = async () =>
    (await call(client, "GET", "/conversations")).body.total as number;
  const chat = async () => {
    const started = Date.now();
    const res = await fetch(`${server.url}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "When do the trains leave?" }),
    });
    assert.equal(res.status, 200);
    const events = await readSse(res);
    return { events, ms: Date.now() - started };
  };
  try {
    await settle(
      client,
      (await uploadText(client, "Trains", "Trains leave at six.")).body.document.id,
    );

    for (
      const [what, reply, code] of [
        ["hangs after the first token", { tokens: ["Trains"], end: "hang" }, "upstream_timeout"],
        [
          "resets the connection mid-stream",
          { tokens: ["Tr", "ains"], end: "error" },
          "upstream_bad_response",
        ],
      ] as [string, OpenAiReply, string][]
    ) {
      await t.step(`a provider that ${what}: error event ${code}`, async () => {
        const before = await conversations();
        fake.script(reply);
        const { events, ms } = await chat();
        const last = events.at(-1)!;
        assert.equal(last.event, "error", JSON.stringify(events));
        assert.equal(JSON.parse(last.data).code, code);
        assert.ok(ms < IDLE_MS + 5000, `took ${ms} ms`);
        assert.equal(await conversations(), before, "a half answer was stored");
        assert.equal((await fetch(`${server.url}/health`)).status, 200);
      });
    }

    await t.step("the OpenAI route: a hang becomes an error chunk, then [DONE]", async () => {
      fake.script({ tokens: ["x"], end: "hang" });
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ stream: true, messages: [{ role: "user", content: "trains?" }] }),
      });
      const events = await readSse(res);
      const error = events.map((e) => e.data).find((d) => d.includes('"error"'));
      assert.ok(error, JSON.stringify(events));
      assert.equal(JSON.parse(error).error.code, "upstream_timeout");
      assert.equal(events.at(-1)!.data, "[DONE]");
    });

    await t.step("a provider that is gone: error event, quickly", async () => {
      await fake.close();
      const { events, ms } = await chat();
      const last = events.at(-1)!;
      assert.equal(last.event, "error", JSON.stringify(events));
      assert.match(JSON.parse(last.data).code, /^upstream_/);
      assert.ok(ms < 5000, `took ${ms} ms`);
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
    });
  } finally {
    await server.stop();
    await fake.close().catch(() => {});
  }
});
