import assert from "node:assert/strict";
import { startPostgres } from "./support/postgres.ts";
import { startExpectingFailure, startServer } from "./support/server.ts";

Deno.test({
  name: "on PostgreSQL, /ready reports the store and turns 503 store_unavailable when it stops",
  sanitizeOps: false, // postgres.js admin connection timers inside the cluster helper
  sanitizeResources: false,
  async fn() {
    const cluster = await startPostgres();
    let stopped = false;
    const server = await startServer({ env: { DATABASE_URL: await cluster.createDatabase() } });
    try {
      const up = await fetch(`${server.url}/ready`);
      assert.equal(up.status, 200);
      assert.equal((await up.json()).kernels.store, "postgres");
      await cluster.stop();
      stopped = true;
      const started = Date.now();
      const down = await fetch(`${server.url}/ready`);
      assert.equal(down.status, 503);
      assert.equal((await down.json()).error.code, "store_unavailable");
      assert.ok(Date.now() - started < 3000, "answers within the ping timeout");
    } finally {
      await server.stop();
      if (!stopped) await cluster.stop();
    }
  },
});

Deno.test("a second server on the same SQLite data directory refuses to start", async () => {
  const first = await startServer();
  try {
    const ready = await (await fetch(`${first.url}/ready`)).json();
    assert.equal(ready.kernels.store, "sqlite");
    const second = await startExpectingFailure({ LIGERO_STORE__DATA_DIR: first.dataDir });
    assert.notEqual(second.code, 0);
    assert.match(second.output, /in use by another ligero process/);
  } finally {
    await first.stop();
    await Deno.remove(first.dataDir, { recursive: true });
  }
});
