/**
 * About 10× the sustainable rate of mixed traffic for a few seconds, against the default
 * 256 MiB ceiling: RSS never passes it (the kernel's own high-water mark, not only our
 * samples), excess heavy work gets 503 + Retry-After at once (no timeouts), reads and
 * health keep answering, and heavy work is served again within seconds after.
 * `deno task bench overload` is the long version with the plot.
 */
import assert from "node:assert/strict";
import { runMixedLoad, summarize } from "../../bench/support/mixed-load.ts";
import { procMemory } from "../../bench/support/proc.ts";
import { startServer } from "../support/server.ts";

const CEILING = 256 * 1024 * 1024;
const HEAVY = new Set(["upload", "chat", "embeddings"]);

Deno.test("overload: 10× the sustainable rate stays under the ceiling and sheds cleanly", async () => {
  const server = await startServer({
    // as the serve task runs it (deno.json)
    // one heavy request at a time and a short queue, so the load overloads a fast, quiet
    // machine too (at the default 2 + 16, a quiet CI box served 30 req/s without shedding)
    env: {
      LIGERO_MEMORY__CEILING: String(CEILING),
      LIGERO_MEMORY__HEAVY_CONCURRENCY: "1",
      LIGERO_MEMORY__HEAVY_QUEUE: "2",
      LIGERO_MEMORY__HEAVY_WAIT_MS: "200",
      DENO_V8_FLAGS: "--max-semi-space-size=1",
    },
  });
  try {
    const load = await runMixedLoad({
      url: server.url,
      pid: server.pid,
      ratePerSecond: 80,
      seconds: 6,
      mix: { upload: 2, search: 3, chat: 2, embeddings: 2, read: 1, health: 1 },
      timeoutMs: 15_000,
    });
    const s = summarize(load.outcomes);
    const peak = procMemory(server.pid).peak;
    const detail = JSON.stringify({ ...s, peakMiB: peak / 2 ** 20 });

    assert.ok(peak < CEILING, `peak RSS passed the ceiling: ${detail}`);
    assert.equal(s.timeouts, 0, `client timeouts: ${detail}`);
    assert.ok(s.shed > 0, `the load did not overload: ${detail}`);
    for (const o of load.outcomes) {
      if (o.status >= 200 && o.status < 300) continue;
      assert.ok(HEAVY.has(o.kind), `${o.kind} answered ${o.status}: reads are never shed`);
      assert.ok(o.status === 503 && o.retryAfter, `${o.kind}: ${o.status} without Retry-After`);
    }

    // serves heavy work again within seconds of the load stopping
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline) {
      const res = await fetch(`${server.url}/v1/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: "back to normal" }),
      });
      await res.body?.cancel();
      status = res.status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(status, 200, "heavy work still refused 10 s after the load");
    const metrics = await fetch(`${server.url}/metrics`);
    assert.match(await metrics.text(), /ligero_busy_requests_total|ligero_shed_requests_total/);
  } finally {
    await server.stop();
  }
});
