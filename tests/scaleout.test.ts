/**
 * Scale-out over real processes: one PostgreSQL, two ligero instances on different ports.
 * Each instance's in-process index follows the other's inserts and deletes within a second;
 * a job whose instance is killed is finished by the other once its lease runs out; a
 * restarted instance resumes its index from the change sequence it had reached.
 */
// deno-lint-ignore-file no-explicit-any -- JSON bodies; the test asserts on them
import assert from "node:assert/strict";
import {
  call,
  type Client,
  CORPUS,
  search,
  settle,
  uploadFile,
  uploadText,
} from "./support/api.ts";
import { startPostgres } from "./support/postgres.ts";
import { parsePrometheus } from "./support/prometheus.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { readSse } from "./support/sse.ts";

const WITHIN_MS = 1000;

/** Polls `check` until it holds; returns the milliseconds it took. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (true) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function vectorHits(client: Client, query: string): Promise<string[]> {
  return (await search(client, query, { mode: "vector", k: 10 })).map((r: any) => r.documentId);
}

/** Waits until the document has stored some pages; fails if it is already finished. */
async function midIngest(client: Client, id: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { document } = (await call(client, "GET", `/documents/${id}`)).body;
    if (document.status === "ready") throw new Error("finished before it could be interrupted");
    if (document.progress.pagesDone > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no progress within 60 s");
}

function claimed(server: TestServer, id: string): boolean {
  return server.logs().some((l) => l.includes("claimed ingestion job") && l.includes(id));
}

Deno.test({
  name: "scale-out: two instances on one PostgreSQL stay in step and share jobs",
  // postgres.js (the cluster helper) keeps timers until its pool ends
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const cluster = await startPostgres();
    const env = {
      DATABASE_URL: await cluster.createDatabase(),
      LIGERO_INGEST__LEASE_MS: "3000",
      // PostgreSQL bulk traffic raises RSS by a high-water mark (docs/storage.md); this test
      // is about sharing, not the default 256 MiB ceiling
      LIGERO_MEMORY__CEILING: "1GiB",
    };
    const servers: TestServer[] = [];
    const start = async (dataDir?: string) => {
      const server = await startServer({ env, dataDir });
      servers.push(server);
      return server;
    };
    try {
      const [a, b] = await Promise.all([start(), start()]);
      let textId = "";

      await t.step("uploaded through A, searchable through B within 1 s of ready", async () => {
        const text = "Lighthouse keepers log the tide tables and trim the lamp wicks at dusk.";
        const res = await uploadText({ url: a.url }, "Lighthouse", text);
        assert.equal(res.status, 202);
        textId = res.body.document.id;
        assert.equal((await settle({ url: a.url }, textId, 60_000)).status, "ready");
        const ms = await within(
          WITHIN_MS,
          "B finds A's document",
          async () =>
            (await vectorHits({ url: b.url }, "lighthouse lamp at dusk")).includes(textId),
        );
        console.log(`B saw A's document ${ms.toFixed(0)} ms after it was ready`);
      });

      await t.step("deleted through B, gone from A's search within 1 s", async () => {
        assert.ok((await vectorHits({ url: a.url }, "lighthouse lamp at dusk")).includes(textId));
        assert.equal((await call({ url: b.url }, "DELETE", `/documents/${textId}`)).status, 204);
        const ms = await within(
          WITHIN_MS,
          "A drops B's delete",
          async () =>
            !(await vectorHits({ url: a.url }, "lighthouse lamp at dusk")).includes(textId),
        );
        console.log(`A dropped the document ${ms.toFixed(0)} ms after B deleted it`);
      });

      let survivor = b;
      let killed = a;
      let pdfId = "";
      await t.step(
        "the ingesting instance killed with SIGKILL: the other finishes the job",
        async () => {
          const res = await uploadFile({ url: a.url }, `${CORPUS}r-intro.pdf`);
          assert.equal(res.status, 202, JSON.stringify(res.body));
          pdfId = res.body.document.id;
          await midIngest({ url: a.url }, pdfId);
          // whichever instance claimed it is the one to kill
          if (claimed(b, pdfId)) [survivor, killed] = [a, b];
          assert.ok(claimed(killed, pdfId), "one instance claimed the job");
          await killed.stop("SIGKILL");
          const doc = await settle({ url: survivor.url }, pdfId, 120_000);
          assert.equal(doc.status, "ready", JSON.stringify(doc.error));
          assert.equal(doc.pages, 113);
          assert.ok(claimed(survivor, pdfId), "the survivor took the job over");
          const hits = await vectorHits({ url: survivor.url }, "How do I fit a linear model?");
          assert.ok(hits.includes(pdfId));
        },
      );

      await t.step("restarted while the other ingests: resumes from its sequence", async () => {
        const file = `${CORPUS}ubuntu-packaging-guide-es.pdf`;
        const res = await uploadFile({ url: survivor.url }, file);
        assert.equal(res.status, 202, JSON.stringify(res.body));
        const id = res.body.document.id;
        await midIngest({ url: survivor.url }, id);
        const restarted = await start(killed.dataDir);
        const during = (await call({ url: restarted.url }, "GET", `/documents/${id}`)).body;
        console.log(`restarted while the other instance was ${during.document.status}`);
        // progress of a job another instance runs, through this one
        const events = fetch(`${restarted.url}/documents/${id}/events`).then((r) =>
          readSse(r, (e) => JSON.parse(e.data).status === "ready")
        );
        const resumed = restarted.logs().find((l) => l.includes("vector index resumed"));
        assert.ok(resumed, "the restarted instance did not resume from its snapshot");
        assert.ok(JSON.parse(resumed).seq > 0, resumed);
        const loaded = JSON.parse(restarted.logs().find((l) => l.includes("vector index loaded"))!);
        assert.ok(loaded.resumedFrom > 0, JSON.stringify(loaded));
        // it caught up on what happened while it was down, without a full reload
        const hits = await vectorHits({ url: restarted.url }, "How do I fit a linear model?");
        assert.ok(hits.includes(pdfId));

        const doc = await settle({ url: survivor.url }, id, 120_000);
        assert.equal(doc.status, "ready", JSON.stringify(doc.error));
        assert.ok(!claimed(restarted, id), "the job stayed with the instance holding its lease");
        await within(
          WITHIN_MS,
          "the restarted instance finds the new document",
          async () =>
            (await vectorHits({ url: restarted.url }, "empaquetado de software para Ubuntu"))
              .includes(id),
        );
        const statuses = (await events).map((e) => JSON.parse(e.data).status);
        assert.equal(statuses.at(-1), "ready", statuses.join(","));

        const ready = (await call({ url: restarted.url }, "GET", "/ready")).body;
        assert.equal(ready.vectorIndex.lagChanges, 0, JSON.stringify(ready));
        assert.ok(ready.vectorIndex.seq > JSON.parse(resumed).seq);
        const metrics = await (await fetch(`${restarted.url}/metrics`)).text();
        assert.equal(parsePrometheus(metrics).get("ligero_index_lag_changes"), 0);
      });
    } finally {
      for (const server of servers) await server.stop();
      await cluster.stop();
    }
  },
});
