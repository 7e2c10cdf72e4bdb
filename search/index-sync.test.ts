/**
 * IndexSync following a shared PostgreSQL's change feed, with a second store standing in for
 * another instance: unfinished documents stay hidden, readiness and deletes arrive, and a
 * restart resumes from its snapshot instead of reloading — unless the change log was pruned
 * past it, and then it reloads, as does a running index that fell that far behind.
 */
import assert from "node:assert/strict";
import { startPostgres } from "../tests/support/postgres.ts";
import { PostgresStore } from "../plugins/store/postgres.ts";
import type { ChangeFeed } from "../plugins/store/scale-out.ts";
import type { Store } from "../plugins/store/types.ts";
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

Deno.test({
  name: "index sync: behind the pruned change log, a snapshot or a running index reloads",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cluster = await startPostgres();
    const url = await cluster.createDatabase();
    const writer = await PostgresStore.open(url, 2);
    const reader = await PostgresStore.open(url, 2);
    // notifications never arrive: an instance cut off from the database, seen only by its poll
    const feed = reader.changes;
    const deaf: ChangeFeed = {
      databaseId: () => feed.databaseId(),
      latest: () => feed.latest(),
      since: (seq, limit) => feed.since(seq, limit),
      pruned: () => feed.pruned(),
      listen: () => Promise.resolve(() => Promise.resolve()),
    };
    const cutOff: Store = Object.assign(Object.create(reader), { changes: deaf });
    const dir = await Deno.makeTempDir();
    const open = (store: Store) =>
      new IndexSync(store, new TsSimilarity(), "m", DIMS, {
        snapshot: new IndexSnapshot(dir, "m", DIMS),
        pollMs: 60_000,
      });
    const add = async (title: string, chunks: number, final: boolean) => {
      const d = await writer.createDocument({
        ownerId: "alice",
        title,
        mime: "text/plain",
        sha256: title,
        bytes: 1,
      });
      const batch = Array.from({ length: chunks }, (_, i) => chunk(i));
      await writer.writeChunks({ documentId: d.id, model: "m", chunks: batch, final });
      return d.id;
    };
    const found = async (sync: IndexSync) =>
      new Set((await sync.search(QUERY, 20, "alice")).map((h) => h.documentId));
    let sync = open(reader);
    try {
      const kept = await add("kept", 1, true);
      const gone = await add("gone", 1, true);
      assert.equal(await sync.start(), null);
      assert.deepEqual(await found(sync), new Set([kept, gone]));
      await sync.stop();

      // while it is down: one added, one deleted, one still ingesting, and the log pruned
      const added = await add("added", 1, true);
      await writer.deleteDocument(gone);
      const ingesting = await add("ingesting", 1, false);
      const { pruned } = await writer.changes.prune(0);
      assert.equal(pruned, await writer.changes.latest());

      sync = open(reader);
      assert.equal(await sync.start(), null, "the snapshot is behind the watermark: a full load");
      assert.deepEqual(await found(sync), new Set([kept, added]));
      assert.equal(sync.index.size, 3, "kept, added and the ingesting document's hidden row");
      await sync.stop();

      // the rewritten snapshot resumes; then notifications stop and the log moves on and is
      // pruned past what this instance applied
      sync = open(cutOff);
      const resumedAt = await sync.start();
      assert.equal(resumedAt, pruned, "the reloaded snapshot resumes");
      assert.deepEqual(await found(sync), new Set([kept, added]));
      const later = await add("later", 1, true);
      await writer.deleteDocument(added);
      await writer.writeChunks({
        documentId: ingesting,
        model: "m",
        chunks: [chunk(1)],
        final: true,
      });
      assert.ok((await writer.changes.prune(0)).pruned > sync.seq);
      assert.deepEqual(await found(sync), new Set([kept, added]), "not seen yet");
      await sync.catchUp(); // what its next poll does
      assert.deepEqual(await found(sync), new Set([kept, later, ingesting]));
      assert.equal(sync.index.size, 4, "kept, later and the two rows of ingesting");
      assert.equal(sync.seq, await writer.changes.latest());
    } finally {
      await sync.stop();
      await writer.close();
      await reader.close();
      await cluster.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
