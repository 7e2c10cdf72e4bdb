import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "../../tests/support/postgres.ts";
import { PostgresStore } from "./postgres.ts";
import type { Change } from "./scale-out.ts";

const doc = (ownerId: string) => ({
  ownerId,
  title: "doc",
  mime: "text/plain",
  sha256: crypto.randomUUID(),
  bytes: 1,
});

const HOUR_MS = 60 * 60 * 1000;

const chunk = (ordinal: number) => ({
  ordinal,
  pageStart: 1,
  pageEnd: 1,
  text: `chunk ${ordinal}`,
  tokenCount: 2,
  vector: new Float32Array([1, 0]),
});

Deno.test({
  name: "postgres scale-out: change log, job leases, stored sources",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const cluster = await startPostgres();
    const url = await cluster.createDatabase();
    const a = await PostgresStore.open(url, 3);
    const b = await PostgresStore.open(url, 3);
    try {
      await t.step(
        "every chunk batch, ready and removal is a change, in order, notified",
        async () => {
          const heard: number[] = [];
          const stop = await b.changes.listen((seq) => heard.push(seq), () => {});
          const before = await a.changes.latest();
          const d = await a.createDocument(doc("alice"));
          await a.writeChunks({ documentId: d.id, model: "m", chunks: [chunk(0)] });
          await a.writeChunks({ documentId: d.id, model: "m", chunks: [chunk(1)], final: true });
          await a.deleteDocument(d.id);
          const changes = await b.changes.since(before, 10);
          assert.deepEqual(changes.map((c: Change) => c.kind), ["chunks", "ready", "removed"]);
          assert.ok(changes.every((c) => c.documentId === d.id));
          assert.ok(changes[0].chunkId! < changes[1].chunkId!);
          assert.equal(changes[2].chunkId, null);
          assert.equal(await b.changes.latest(), changes[2].seq);
          const deadline = Date.now() + 2000;
          while (heard.length < 3 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 10));
          }
          assert.deepEqual(heard, changes.map((c) => c.seq));
          await stop();
          assert.equal(await a.changes.databaseId(), await b.changes.databaseId());
        },
      );

      await t.step("a failed document is a removal", async () => {
        const before = await a.changes.latest();
        const d = await a.createDocument(doc("alice"));
        await a.writeChunks({ documentId: d.id, model: "m", chunks: [chunk(0)] });
        await a.failDocument(d.id, "boom", "failed");
        const kinds = (await a.changes.since(before, 10)).map((c) => c.kind);
        assert.deepEqual(kinds, ["chunks", "removed"]);
      });

      await t.step("sources round-trip in parts and go with their document", async () => {
        const d = await a.createDocument(doc("alice"));
        const bytes = crypto.getRandomValues(new Uint8Array(65536)).map((x, i) => x ^ i);
        const big = new Uint8Array(2.5 * (1 << 20));
        for (let at = 0; at < big.length; at += bytes.length) {
          big.set(bytes.subarray(0, big.length - at), at);
        }
        await a.sources.putSource(d.id, big);
        assert.deepEqual(await b.sources.getSource(d.id), big);
        await a.sources.putSource(d.id, new Uint8Array([1, 2, 3]));
        assert.deepEqual(await b.sources.getSource(d.id), new Uint8Array([1, 2, 3]));
        await a.deleteDocument(d.id);
        assert.equal(await b.sources.getSource(d.id), null);
      });

      await t.step("a job goes to one claimant; an expired lease is taken over", async () => {
        const d = await a.createDocument(doc("alice"));
        // no stored bytes yet: not claimable
        assert.equal(await a.jobs.claim("A", 60_000), null);
        await a.sources.putSource(d.id, new Uint8Array([1]));
        const claims = await Promise.all([a.jobs.claim("A", 300), b.jobs.claim("B", 300)]);
        assert.deepEqual(claims.filter((c) => c !== null), [d.id]);
        const holder = claims[0] ? "A" : "B";
        const other = holder === "A" ? "B" : "A";
        assert.equal(await a.jobs.renew(d.id, holder, 300), true);
        assert.equal(await a.jobs.renew(d.id, other, 300), false);
        assert.equal(await a.jobs.waiting(), 0);
        await new Promise((r) => setTimeout(r, 400));
        assert.equal(await a.jobs.waiting(), 1);
        assert.equal(await b.jobs.claim(other, 60_000), d.id);
        assert.equal(await a.jobs.renew(d.id, holder, 300), false, "the old holder lost it");
        await a.jobs.release(d.id, holder); // not the holder: no effect
        assert.equal(await a.jobs.claim("C", 60_000), null);
        await b.jobs.release(d.id, other);
        assert.equal(await a.jobs.claim("C", 60_000), d.id);
        await a.updateDocument(d.id, { status: "failed" });
        await a.jobs.release(d.id, "C");
        assert.equal(await a.jobs.claim("C", 60_000), null, "finished documents are not jobs");
      });

      await t.step(
        "pruning deletes only changes past retention, raises the watermark",
        async () => {
          // the database's clock decides age: make some changes two hours old instead of waiting
          const raw = postgres(url, { max: 1, onnotice: () => {} });
          try {
            const d = await a.createDocument(doc("alice"));
            for (let i = 0; i < 5; i++) {
              await a.writeChunks({ documentId: d.id, model: "m", chunks: [chunk(i)] });
            }
            const all = await a.changes.since(0, 1000);
            const cut = all[all.length - 3].seq;
            await raw`UPDATE changes SET created_at = now() - interval '2 hours' WHERE seq <= ${cut}`;
            // two instances at once: each old row is deleted once, the watermark is the same
            const runs = await Promise.all([a.changes.prune(HOUR_MS), b.changes.prune(HOUR_MS)]);
            assert.equal(runs[0].deleted + runs[1].deleted, all.length - 2);
            assert.deepEqual(runs.map((r) => r.pruned), [cut, cut]);
            const kept = await b.changes.since(0, 1000);
            assert.deepEqual(kept.map((c) => c.seq), all.slice(-2).map((c) => c.seq));
            assert.equal(await b.changes.pruned(), cut);
            assert.deepEqual(await a.changes.prune(HOUR_MS), { deleted: 0, pruned: cut });

            // pruned empty, the log still knows its latest sequence; new changes come after it
            const latest = await a.changes.latest();
            assert.equal((await a.changes.prune(0)).pruned, latest);
            assert.deepEqual(await a.changes.since(0, 10), []);
            assert.equal(await b.changes.latest(), latest);
            await a.deleteDocument(d.id);
            assert.ok((await a.changes.since(latest, 10))[0].seq > latest);

            // a store given a retention prunes once as it opens
            await raw`UPDATE changes SET created_at = now() - interval '2 hours'`;
            const newest = await a.changes.latest();
            const c = await PostgresStore.open(url, 1, HOUR_MS);
            try {
              const deadline = Date.now() + 5000;
              while (await c.changes.pruned() < newest && Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 20));
              }
              assert.equal(await c.changes.pruned(), newest);
            } finally {
              await c.close();
            }
          } finally {
            await raw.end();
          }
        },
      );
    } finally {
      await a.close();
      await b.close();
      await cluster.stop();
    }
  },
});
