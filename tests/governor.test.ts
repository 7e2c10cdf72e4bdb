import assert from "node:assert/strict";
import { startServer } from "./support/server.ts";

const heavy = (url: string) =>
  fetch(`${url}/similarity`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: [1, 0], vectors: [[1, 0]], k: 1 }),
  });

async function waitFor(check: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("near the ceiling heavy requests get 503 + Retry-After; raised, they pass", async () => {
  const config = await Deno.makeTempFile({ suffix: ".jsonc" });
  const write = (ceiling: string) =>
    Deno.writeTextFile(config, JSON.stringify({ memory: { ceiling, sampleMs: 50 } }));
  await write("16MiB"); // far below any Deno process's RSS
  const server = await startServer({ env: { LIGERO_CONFIG: config } });
  try {
    const shed = await heavy(server.url);
    assert.equal(shed.status, 503);
    assert.equal(shed.headers.get("retry-after"), "2");
    const body = await shed.json();
    assert.equal(body.error.code, "memory_pressure");
    assert.match(body.error.message, /memory ceiling/);

    // health and metrics keep answering; readiness says why it is not ready
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^ligero_shed_requests_total\{route="\/similarity"\} 1$/m);
    assert.match(metrics, /^ligero_memory_shedding 1$/m);
    assert.equal((await fetch(`${server.url}/ready`)).status, 503);

    await write("4GiB");
    Deno.kill(server.pid, "SIGHUP");
    await waitFor(() => server.logs().some((l) => l.includes("memory back below threshold")));
    const ok = await heavy(server.url);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    // the transition is logged once each way
    const transitions = server.logs().filter((l) => l.includes("shedding heavy requests"));
    assert.equal(transitions.length, 1);
  } finally {
    await server.stop();
    await Deno.remove(config);
  }
});
