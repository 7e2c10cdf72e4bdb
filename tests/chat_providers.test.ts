/**
 * The chat route against fake Kimi (OpenAI wire) and Gemini servers on 127.0.0.1, through
 * their failure modes: each gives the client a clear error, stores nothing half, and leaves
 * the server healthy. The provider key never reaches the logs.
 */
import assert from "node:assert/strict";
import { call, settle, uploadText } from "./support/api.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { readSse } from "./support/sse.ts";
import { startGeminiFake } from "./fakes/gemini_fake.ts";
import { startOpenAiFake } from "./fakes/openai_fake.ts";

const KEY = "sk-test-secret-4242";
const FACTS = "The warehouse in Zaragoza ships orders every Tuesday and Friday before noon.";

async function chatSse(server: TestServer, message: string, signal?: AbortSignal) {
  const res = await fetch(`${server.url}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message }),
    signal,
  });
  assert.equal(res.status, 200);
  return (await readSse(res)).map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
}

async function conversations(server: TestServer): Promise<number> {
  return (await call({ url: server.url }, "GET", "/conversations")).body.total;
}

Deno.test("chat through a Kimi-compatible provider and its failure modes", async (t) => {
  const fake = startOpenAiFake();
  const server = await startServer({
    env: {
      LIGERO_LLM__PROVIDER: "kimi",
      LIGERO_LLM__KIMI__BASE_URL: fake.baseUrl,
      LIGERO_LLM__KIMI__MAX_RETRIES: "1",
      LIGERO_LLM__KIMI__TIMEOUTS__CONNECT_MS: "1500",
      MOONSHOT_API_KEY: KEY,
    },
  });
  const client = { url: server.url };
  try {
    await settle(client, (await uploadText(client, "Logistics", FACTS)).body.document.id);

    await t.step("a streamed answer: the prompt carries the numbered source", async () => {
      fake.script({ tokens: ["Tuesdays", " and Fridays", " [1]."], reasoning: ["thinking"] });
      const events = await chatSse(server, "When does the Zaragoza warehouse ship?");
      const tokens = events.filter((e) => e.event === "token").map((e) => e.data.text);
      assert.deepEqual(tokens, ["Tuesdays", " and Fridays", " [1]."]);
      const done = events.at(-1)!;
      assert.equal(done.event, "done");
      assert.deepEqual(done.data.cited, [1]);
      const sent = fake.requests.at(-1)!;
      assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
      assert.match(JSON.stringify(sent.body.messages), /ships orders every Tuesday/);
      assert.equal(sent.body.stream, true);
    });

    const failures: [string, Parameters<typeof fake.script>[0][], string][] = [
      ["401", [{
        status: 401,
        error: { type: "invalid_authentication_error", message: "bad key" },
        echoKey: true,
      }], "upstream_auth"],
      ["500 twice", [{ status: 500, error: { type: "server_error", message: "boom" } }, {
        status: 500,
        error: { type: "server_error", message: "boom" },
      }], "upstream_unavailable"],
      ["a stream cut mid-way", [{ tokens: ["Tues"], end: "close" }], "upstream_bad_response"],
      [
        "invalid JSON in a chunk",
        [{ tokens: ["a", "b"], invalidJsonAt: 1 }],
        "upstream_bad_response",
      ],
      // timeouts are not retried: one reply
      ["a first byte slower than the timeout", [{ firstByteDelayMs: 4000 }], "upstream_timeout"],
    ];
    for (const [what, replies, code] of failures) {
      await t.step(`${what} → an error event ${code}, nothing stored`, async () => {
        const before = await conversations(server);
        fake.script(...replies);
        const events = await chatSse(server, "When does the Zaragoza warehouse ship?");
        const last = events.at(-1)!;
        assert.equal(last.event, "error", JSON.stringify(events));
        assert.equal(last.data.code, code);
        assert.ok(!JSON.stringify(last.data).includes(KEY), "the key never reaches the client");
        assert.equal(await conversations(server), before);
      });
    }

    await t.step("429 with Retry-After, then success", async () => {
      fake.script({
        status: 429,
        error: { type: "rate_limit", message: "slow down" },
        retryAfter: "1",
      }, {
        tokens: ["ok [1]"],
      });
      const started = Date.now();
      const events = await chatSse(server, "When does the Zaragoza warehouse ship?");
      assert.equal(events.at(-1)!.event, "done");
      assert.ok(Date.now() - started >= 900, "waited for Retry-After");
    });

    await t.step("non-streamed: an upstream failure is an HTTP error with the code", async () => {
      fake.script({ status: 401, error: { type: "auth", message: "bad key" } });
      const res = await fetch(`${server.url}/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "When does it ship?", stream: false }),
      });
      assert.equal(res.status, 502);
      assert.equal((await res.json()).error.code, "upstream_auth");
    });

    await t.step("a client that disconnects aborts the upstream request", async () => {
      fake.script({ tokens: ["x"], end: "endless", chunkDelayMs: 50 });
      const controller = new AbortController();
      const res = await fetch(`${server.url}/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "When does the Zaragoza warehouse ship?" }),
        signal: controller.signal,
      });
      await readSse(res, (e) => e.event === "token");
      controller.abort();
      const cancelled = await fake.cancelled(5000);
      assert.ok(cancelled.cancelled);
    });

    await t.step("the server stays healthy and never logged the key", async () => {
      assert.equal((await call(client, "GET", "/health")).status, 200);
      assert.ok(!server.logs().some((l) => l.includes(KEY)), "key in the logs");
    });
  } finally {
    await server.stop();
    await fake.close();
  }
});

Deno.test("chat through Gemini, including a safety block", async () => {
  const fake = startGeminiFake();
  const server = await startServer({
    env: {
      LIGERO_LLM__PROVIDER: "gemini",
      LIGERO_LLM__GEMINI__BASE_URL: fake.baseUrl,
      GEMINI_API_KEY: KEY,
    },
  });
  try {
    await settle(
      { url: server.url },
      (await uploadText({ url: server.url }, "Logistics", FACTS)).body.document.id,
    );
    fake.script({ tokens: ["Martes", " y viernes [1]"] });
    const ok = await chatSse(server, "¿Cuándo envía pedidos el almacén de Zaragoza?");
    assert.equal(ok.at(-1)!.event, "done");
    assert.equal(ok.at(-1)!.data.answer, "Martes y viernes [1]");
    const sent = fake.requests.at(-1)!;
    assert.equal(sent.headers["x-goog-api-key"], KEY);
    assert.match(sent.path, /:streamGenerateContent\?alt=sse$/);

    fake.script({ blockReason: "SAFETY" });
    const blocked = await chatSse(server, "¿Cuándo envía pedidos el almacén de Zaragoza?");
    assert.equal(blocked.at(-1)!.event, "error");
    assert.equal(blocked.at(-1)!.data.code, "upstream_blocked");
  } finally {
    await server.stop();
    await fake.close();
  }
});
