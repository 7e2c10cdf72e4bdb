import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "../../tests/support/postgres.ts";
import { type Backend, runConformance } from "./conformance.ts";
import { PostgresStore } from "./postgres.ts";
import { StoreUnavailableError } from "./types.ts";

Deno.test({
  name: "store conformance: postgres",
  // postgres.js keeps timers for idle connections until end(); each case ends its store.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const cluster = await startPostgres();
    const backend: Backend = {
      name: "postgres",
      singleInstance: false,
      newLocation: () => cluster.createDatabase(),
      open: (url) => PostgresStore.open(url, 4),
      async appliedVersions(url) {
        const sql = postgres(url, { max: 1 });
        try {
          return (await sql`SELECT version FROM schema_migrations ORDER BY version`)
            .map((r) => Number(r.version));
        } finally {
          await sql.end();
        }
      },
    };
    let stopped = false;
    try {
      await runConformance(t, backend);
      await t.step("a stopped server answers StoreUnavailableError", async () => {
        const store = await PostgresStore.open(await cluster.createDatabase(), 2);
        await store.ping();
        await cluster.stop();
        stopped = true;
        await assert.rejects(store.ping(), StoreUnavailableError);
        await assert.rejects(store.listUnfinished(), StoreUnavailableError);
        await store.close();
      });
    } finally {
      if (!stopped) await cluster.stop();
    }
  },
});
