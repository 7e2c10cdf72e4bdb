/**
 * `POST /v1/embeddings` on a real server: the default kernel (rust, int8) against the
 * reference fixture, the weights gauge in /metrics, and the whole server's RSS with the
 * model loaded and used.
 */
import assert from "node:assert/strict";
import { cosine, fixture } from "../plugins/embeddings/conformance.ts";
import { startServer } from "./support/server.ts";

const reference = (b64: string) =>
  new Float32Array(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);

Deno.test("/v1/embeddings on a real server matches the reference, in bounded memory", async () => {
  const server = await startServer();
  try {
    const ready = await (await fetch(`${server.url}/ready`)).json();
    assert.match(ready.kernels.embeddings, /^rust\(.*int8\)$/);
    const res = await fetch(`${server.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        input: fixture.cases.map((c) => c.text),
        encoding_format: "base64",
      }),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.model, fixture.model);
    fixture.cases.forEach((c, i) => {
      const cos = cosine(reference(body.data[i].embedding), reference(c.embedding));
      assert.ok(cos >= 0.995, `${JSON.stringify(c.text.slice(0, 30))}: ${cos}`);
    });
    const tokens = fixture.cases.reduce((n, c) => n + c.ids.length, 0);
    assert.equal(body.usage.prompt_tokens, tokens);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const bytes = Number(/^ligero_model_bytes\{[^}]*\} (\d+)/m.exec(metrics)?.[1]);
    assert.ok(bytes > 10e6 && bytes < 14e6, `ligero_model_bytes ${bytes}`);
    const rss = Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1]);
    console.log(`server RSS with the model, after 50 texts: ${(rss / 1048576).toFixed(1)} MiB`);
    // a regression guard; the 90 MiB target is measured by `deno task bench server`.
    // Measured 85-87 MiB here, ~92 on the first start of a fresh clone (V8's code cache cold);
    // 113 when the word table was int8 in the heap, 150 when its mapped pages leaked into RSS
    assert.ok(rss > 0 && rss <= 100 * 1024 * 1024, `server RSS ${(rss / 1048576).toFixed(1)} MiB`);
  } finally {
    await server.stop();
  }
});
