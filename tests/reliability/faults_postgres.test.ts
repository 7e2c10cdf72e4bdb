/**
 * PostgreSQL stops in the middle of mixed traffic and comes back: while it is down,
 * requests that need it get 503 store_unavailable (with Retry-After) quickly, never a 500
 * or a hang; when it is back, the pool reconnects by itself; nothing is half-written: every
 * accepted upload settles, every refused one left nothing behind.
 */
import assert from "node:assert/strict";
import { call, search, settle, uploadText } from "../support/api.ts";
import { startPostgres } from "../support/postgres.ts";
import { startServer } from "../support/server.ts";

interface Answer {
  what: string;
  status: number;
  code?: string;
  ms: number;
  at: number;
}

/** A refusal while the database is down is a refused connect, not a wait. */
const MAX_ANSWER_MS = 2000;
/** From `pg_ctl start` returning to the first request served. */
const MAX_RECONNECT_MS = 3000;

Deno.test({
  name: "PostgreSQL stopped mid-traffic and started again: 503s, reconnect, nothing half-written",
  sanitizeOps: false, // postgres.js admin connection timers inside the cluster helper
  sanitizeResources: false,
  async fn() {
    const cluster = await startPostgres();
    const server = await startServer({ env: { DATABASE_URL: await cluster.createDatabase() } });
    const client = { url: server.url };
    try {
      const first = (await uploadText(client, "Tides", "High tide comes at noon.")).body.document;
      await settle(client, first.id);

      const answers: Answer[] = [];
      const accepted: string[] = [];
      let phase = "up";
      let stop = false;
      const traffic = (async () => {
        for (let n = 0; !stop; n++) {
          const started = Date.now();
          const kind = n % 3;
          const res = await fetch(
            `${server.url}${kind === 0 ? "/documents" : kind === 1 ? "/search" : "/documents"}`,
            {
              method: kind === 2 ? "GET" : "POST",
              headers: { "content-type": "application/json" },
              body: kind === 0
                ? JSON.stringify({ title: `n${n}`, text: `Entry ${n} about the tides.` })
                : kind === 1
                ? JSON.stringify({ query: "tide", mode: "text" })
                : undefined,
              signal: AbortSignal.timeout(10_000),
            },
          ).catch((e) => e as Error);
          if (res instanceof Error) {
            await new Promise((r) => setTimeout(r, 300));
            const tail = server.logs().filter((l) => !l.includes('"request"')).slice(-8).join("\n");
            throw new Error(`${phase} kind ${kind}: ${res.message}; server log:\n${tail}`);
          }
          const body = await res.json();
          if (kind === 0 && res.status === 202) accepted.push(body.document.id);
          answers.push({
            what: `${phase} ${kind}`,
            status: res.status,
            code: body.error?.code,
            ms: Date.now() - started,
            at: Date.now(),
          });
          if (res.status >= 500) assert.ok(res.headers.has("retry-after"), JSON.stringify(body));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      await new Promise((r) => setTimeout(r, 500));
      await cluster.halt();
      phase = "down";
      await new Promise((r) => setTimeout(r, 2000));
      await cluster.resume();
      const resumed = Date.now();
      phase = "back";
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const back = answers.filter((a) => a.what.startsWith("back") && a.status < 300);
        if (back.length >= 6) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      stop = true;
      await traffic;

      const down = answers.filter((a) => a.what.startsWith("down"));
      assert.ok(down.some((a) => a.status === 503), `no 503 while down: ${JSON.stringify(down)}`);
      for (const a of answers) {
        assert.ok(a.status < 500 || a.code === "store_unavailable", JSON.stringify(a));
        assert.ok(a.ms < MAX_ANSWER_MS, `slow answer: ${JSON.stringify(a)}`);
      }
      const served = answers.filter((a) => a.what.startsWith("back") && a.status < 300);
      assert.ok(served.length >= 6, "the pool did not reconnect");
      assert.ok(
        served[0].at - resumed < MAX_RECONNECT_MS,
        `reconnected after ${served[0].at - resumed} ms`,
      );

      // nothing half-written: every accepted upload settles, and nothing else exists
      for (const id of accepted) {
        const doc = await settle(client, id, 60_000);
        assert.ok(doc.status === "ready" || doc.error?.code, JSON.stringify(doc));
      }
      const listed = (await call(client, "GET", "/documents?limit=200")).body.documents
        .map((d: { id: string }) => d.id).sort();
      assert.deepEqual(listed, [first.id, ...accepted].sort());
      const hits = await search(client, "high tide noon", { mode: "text" });
      assert.ok(hits.some((h) => h.documentId === first.id));
    } finally {
      await server.stop();
      await cluster.stop();
    }
  },
});
