import assert from "node:assert/strict";
import { parsePrometheus } from "./support/prometheus.ts";
import { startServer } from "./support/server.ts";

Deno.test("health, ready and metrics over real HTTP", async (t) => {
  const server = await startServer({ env: { LIGERO_MEMORY__CEILING: "512MiB" } });
  try {
    await t.step("GET /health is 200 with the version", async () => {
      const res = await fetch(`${server.url}/health`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.status, "ok");
      assert.match(body.version, /^\d+\.\d+\.\d+$/);
    });

    await t.step("GET /ready reports memory and the kernels in use", async () => {
      const res = await fetch(`${server.url}/ready`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.status, "ready");
      assert.equal(body.memory.ceiling, 512 * 1024 * 1024);
      assert.equal(body.memory.ceilingSource, "config");
      assert.ok(body.memory.rss > 10 * 1024 * 1024, "RSS of a live Deno process");
      assert.match(body.kernels.similarity, /^(rust\(.+\)|ts)$/);
    });

    await t.step("GET /metrics is valid Prometheus text with RSS and the ceiling", async () => {
      await fetch(`${server.url}/health`).then((r) => r.body?.cancel());
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      const samples = parsePrometheus(await res.text());
      const rss = samples.get("process_resident_memory_bytes");
      assert.ok(rss !== undefined && rss > 10 * 1024 * 1024, `rss = ${rss}`);
      assert.equal(samples.get("ligero_memory_ceiling_bytes"), 512 * 1024 * 1024);
      const ratio = samples.get("ligero_memory_ratio")!;
      assert.ok(ratio > 0 && ratio < 1, `ratio = ${ratio}`);
      const healthCount = samples.get(
        'ligero_http_requests_total{method="GET",route="/health",status="200"}',
      );
      assert.ok(healthCount !== undefined && healthCount >= 1);
      assert.ok(
        samples.has(
          'ligero_http_request_duration_seconds_bucket{method="GET",route="/health",le="+Inf"}',
        ),
      );
    });

    await t.step("every response carries a request id", async () => {
      const res = await fetch(`${server.url}/health`, { headers: { "x-request-id": "abc-123" } });
      await res.body?.cancel();
      assert.equal(res.headers.get("x-request-id"), "abc-123");
    });
  } finally {
    await server.stop();
  }
});
