/**
 * The edges a browser or a request could push on: CORS is off unless configured, the UI
 * carries a strict CSP, a request cannot choose where the LLM call goes (no SSRF), and the
 * provider key never reaches the logs, even at debug level with a provider that echoes it.
 */
import assert from "node:assert/strict";
import { call, settle, uploadText } from "../support/api.ts";
import { startServer } from "../support/server.ts";
import { startOpenAiFake } from "../fakes/openai_fake.ts";

const preflight = (url: string, origin: string) =>
  fetch(`${url}/search`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, authorization",
    },
  });

Deno.test("CORS off by default; the UI has a strict CSP", async () => {
  const server = await startServer();
  try {
    const pre = await preflight(server.url, "https://evil.example");
    await pre.body?.cancel();
    assert.equal(pre.headers.get("access-control-allow-origin"), null);
    const res = await fetch(`${server.url}/health`, {
      headers: { origin: "https://evil.example" },
    });
    await res.body?.cancel();
    assert.equal(res.headers.get("access-control-allow-origin"), null);

    const page = await fetch(`${server.url}/`);
    await page.body?.cancel();
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  } finally {
    await server.stop();
  }
});

Deno.test("CORS configured: only the listed origin", async () => {
  const server = await startServer({
    env: { LIGERO_SERVER__CORS_ORIGINS: '["https://app.example"]' },
  });
  try {
    const ok = await preflight(server.url, "https://app.example");
    await ok.body?.cancel();
    assert.equal(ok.headers.get("access-control-allow-origin"), "https://app.example");
    const other = await preflight(server.url, "https://evil.example");
    await other.body?.cancel();
    assert.notEqual(other.headers.get("access-control-allow-origin"), "https://evil.example");
  } finally {
    await server.stop();
  }
});

Deno.test("no SSRF: the provider URL comes only from config; keys are redacted", async () => {
  const provider = startOpenAiFake();
  const attacker = startOpenAiFake();
  const KEY = "sk-redaction-canary-5150";
  const server = await startServer({
    env: {
      LIGERO_LLM__PROVIDER: "openai",
      LIGERO_LLM__OPENAI__BASE_URL: provider.baseUrl,
      LIGERO_LLM__OPENAI__MAX_RETRIES: "0",
      OPENAI_API_KEY: KEY,
      LIGERO_LOG__LEVEL: "debug",
    },
  });
  const client = { url: server.url };
  try {
    await settle(
      client,
      (await uploadText(client, "Note", "Ferries leave at nine.")).body.document.id,
    );
    const steer = {
      base_url: attacker.baseUrl,
      baseUrl: attacker.baseUrl,
      api_base: attacker.baseUrl,
      baseURL: attacker.baseUrl,
    };
    // the OpenAI route passes unknown fields through; they must not steer the call
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-base-url": attacker.baseUrl },
      body: JSON.stringify({
        messages: [{ role: "user", content: "When do ferries leave?" }],
        ...steer,
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.body?.cancel();
    // the native route is strict: unknown fields are refused outright
    const strict = await call(client, "POST", "/chat", {
      message: "When?",
      stream: false,
      ...steer,
    });
    assert.equal(strict.status, 400);
    assert.equal(attacker.requests.length, 0, "a request reached the attacker's server");
    assert.equal(provider.requests.length, 1);

    // a careless provider that echoes the key in its error
    provider.script({ status: 401, error: { type: "auth", message: "bad" }, echoKey: true });
    const failed = await call(client, "POST", "/chat", { message: "When?", stream: false });
    assert.equal(failed.status, 502);
    assert.ok(!JSON.stringify(failed.body).includes(KEY), "key in the client's error");
    assert.ok(!server.logs().some((l) => l.includes(KEY)), "key in the logs");
  } finally {
    await server.stop();
    await provider.close();
    await attacker.close();
  }
});
