/**
 * IndexSync following a shared PostgreSQL's change feed, with a second store standing in for
 * another instance: unfinished documents stay hidden, readiness and deletes arrive, and a
 * restart resumes from its snapshot instead of reloading.
 */
import assert from "node:assert/strict";
import { startPostgres } from "../tests/support/postgres.ts";
import { PostgresStore } from "../plugins/store/postgres.ts";
import { TsSimilarity } from "../plugins/similarity/ts.ts";
import { IndexSnapshot } from "./index-snapshot.ts";
import { IndexSync } from "./index-sync.ts";

const DIMS = 4;
const QUERY = new Float32Array([1, 0, 0, 0]);

const chunk = (ordinal: number) => ({
  ordinal,
  pageStart: 1,
  pageEnd: 1,
  text: `c${ordinal}`,
  tokenCount: 1,
  vector: new Float32Array([1, 0, 0, 0]),
});

Deno.test({
  name: "index sync: follows another instance's writes through the change feed",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cluster = await startPostgres();
    const url = await cluster.createDatabase();
    const writer = await PostgresStore.open(url, 2); // "instance A"
    const reader = await PostgresStore.open(url, 2); // "instance B"
    const dir = await Deno.makeTempDir();
    const open = () =>
      new IndexSync(reader, new TsSimilarity(), "m", DIMS, {
        snapshot: new IndexSnapshot(dir, "m", DIMS),
        pollMs: 60_000, // only notifications and explicit catch-ups in this test
      });
    let sync = open();
    try {
      const early = await writer.createDocument({
        ownerId: "alice",
        title: "early",
        mime: "text/plain",
        sha256: "e",
        bytes: 1,
      });
      await writer.writeChunks({ documentId: early.id, model: "m", chunks: [chunk(0)] });
      assert.equal(await sync.start(), null, "first start: a full load");
      assert.equal(sync.index.size, 1);
      assert.deepEqual(await sync.search(QUERY, 5, "alice"), [], "unfinished: hidden");

      const late = await writer.createDocument({
        ownerId: "alice",
        title: "late",
        mime: "text/plain",
        sha256: "l",
        bytes: 1,
      });
      await writer.writeChunks({ documentId: late.id, model: "m", chunks: [chunk(0)] });
      await sync.catchUp();
      assert.equal(sync.index.size, 2);
      assert.deepEqual(await sync.search(QUERY, 5, "alice"), [], "a new unfinished document too");

      await writer.writeChunks({
        documentId: late.id,
        model: "m",
        chunks: [chunk(1)],
        final: true,
      });
      await sync.catchUp();
      const hits = await sync.search(QUERY, 5, "alice");
      assert.deepEqual(new Set(hits.map((h) => h.documentId)), new Set([late.id]));
      assert.equal(hits.length, 2);
      assert.equal(sync.lag, 0);

      await writer.deleteDocument(late.id);
      await sync.catchUp();
      assert.deepEqual(await sync.search(QUERY, 5, "alice"), []);
      const seq = sync.seq;
      assert.ok(seq > 0);
      await sync.stop();

      // a restart: the snapshot, then only what changed meanwhile
      await writer.writeChunks({
        documentId: early.id,
        model: "m",
        chunks: [chunk(1)],
        final: true,
      });
      sync = open();
      assert.equal(await sync.start(), seq, "resumed from the sequence it had reached");
      const after = await sync.search(QUERY, 5, "alice");
      assert.deepEqual(new Set(after.map((h) => h.documentId)), new Set([early.id]));
      assert.equal(after.length, 2);
      assert.equal(sync.index.size, 2, "the deleted document's rows were not loaded again");
    } finally {
      await sync.stop();
      await writer.close();
      await reader.close();
      await cluster.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
