/**
 * The store conformance suite, run against every backend (`sqlite.test.ts`,
 * `postgres.test.ts`) on a real database. A backend says how to make an empty database and
 * how to open one; the cases are the same.
 */
import assert from "node:assert/strict";
import { accountCases } from "./conformance-accounts.ts";
import { crashCases } from "./conformance-crash.ts";
import { searchCases } from "./conformance-search.ts";
import type { ChunkInput, Store } from "./types.ts";
import { RecordMissingError, StoreLockedError, StoreUnavailableError } from "./types.ts";

export interface Backend {
  name: "sqlite" | "postgres";
  /** Where a new, empty database is: a data directory or a connection URL. */
  newLocation(): Promise<string>;
  open(location: string): Promise<Store>;
  /** Versions in schema_migrations, read beside the store (after it closed, for SQLite). */
  appliedVersions(location: string): Promise<number[]>;
  /** SQLite: a second opener gets StoreLockedError. PostgreSQL: many instances share it. */
  singleInstance: boolean;
}

export type Case = [name: string, fn: (backend: Backend) => Promise<void>];

export async function runConformance(t: Deno.TestContext, backend: Backend): Promise<void> {
  for (const [name, fn] of [...CASES, ...accountCases, ...searchCases, ...crashCases]) {
    await t.step(name, () => fn(backend));
  }
}

/** A fresh store, closed after `fn` even when it throws. */
export async function withStore(
  backend: Backend,
  fn: (store: Store, location: string) => Promise<void>,
): Promise<void> {
  const location = await backend.newLocation();
  const store = await backend.open(location);
  try {
    await fn(store, location);
  } finally {
    await store.close();
  }
}

export function unitVector(dims: number, seed: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.sin(seed * 31 + i * 7) + 0.01 * i;
  return v;
}

export function makeChunks(from: number, n: number, dims: number, text = "chunk"): ChunkInput[] {
  return Array.from({ length: n }, (_, i) => ({
    ordinal: from + i,
    pageStart: 1 + Math.floor((from + i) / 4),
    pageEnd: 1 + Math.floor((from + i) / 4),
    text: `${text} ${from + i}`,
    tokenCount: 3,
    vector: dims > 0 ? unitVector(dims, from + i) : undefined,
  }));
}

export const newDoc = (ownerId: string, title = "doc", sha256: string = crypto.randomUUID()) => ({
  ownerId,
  title,
  mime: "application/pdf",
  sha256,
  bytes: 1234,
});

export async function collect(store: Store, model: string, batch: number, after?: number) {
  const ids: number[] = [], owners: string[] = [], docs: string[] = [], vectors: number[][] = [];
  for await (const b of store.streamVectors(model, batch, after)) {
    assert.ok(b.chunkIds.length <= batch);
    assert.equal(b.vectors.length, b.chunkIds.length * b.dims);
    ids.push(...b.chunkIds);
    owners.push(...b.ownerIds);
    docs.push(...b.documentIds);
    for (let i = 0; i < b.chunkIds.length; i++) {
      vectors.push([...b.vectors.subarray(i * b.dims, (i + 1) * b.dims)]);
    }
  }
  return { ids, owners, docs, vectors };
}

const CASES: Case[] = [
  ["migrations applied twice change nothing", async (backend) => {
    const location = await backend.newLocation();
    let store = await backend.open(location);
    const doc = await store.createDocument(newDoc("alice"));
    await store.close();
    const first = await backend.appliedVersions(location);
    assert.ok(first.length >= 1);
    store = await backend.open(location);
    assert.equal((await store.getDocument(doc.id))?.title, "doc");
    await store.close();
    assert.deepEqual(await backend.appliedVersions(location), first);
  }],

  ["two migrators starting at once", async (backend) => {
    const location = await backend.newLocation();
    const opened = await Promise.allSettled([backend.open(location), backend.open(location)]);
    const stores = opened.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
    const errors = opened.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
    if (backend.singleInstance) {
      assert.equal(stores.length, 1);
      assert.ok(errors[0] instanceof StoreLockedError, String(errors[0]));
      assert.match(errors[0].message, /another ligero process/);
    } else {
      assert.deepEqual(errors, []);
      assert.equal(stores.length, 2);
    }
    const doc = await stores[0].createDocument(newDoc("alice"));
    for (const s of stores) await s.close();
    const versions = await backend.appliedVersions(location);
    assert.deepEqual(versions, [...new Set(versions)].sort((a, b) => a - b));
    const again = await backend.open(location);
    assert.ok(await again.getDocument(doc.id));
    await again.close();
  }],

  [
    "documents: create, read, dedup by owner + sha256, list, update",
    (backend) =>
      withStore(backend, async (store) => {
        const a = await store.createDocument({ ...newDoc("alice", "A", "s1"), pagesTotal: 3 });
        assert.equal(a.status, "queued");
        assert.equal(a.pagesTotal, 3);
        assert.ok(Date.parse(a.createdAt) > 0);
        await store.createDocument(newDoc("alice", "B", "s2"));
        await store.createDocument(newDoc("bob", "C", "s1"));
        assert.equal((await store.findDocumentBySha256("alice", "s1"))?.id, a.id);
        assert.equal(await store.findDocumentBySha256("carol", "s1"), null);
        assert.equal(await store.getDocument(a.id, "bob"), null);
        const page = await store.listDocuments("alice", { limit: 1 });
        assert.equal(page.total, 2);
        assert.equal(page.items.length, 1);
        await store.updateDocument(a.id, {
          status: "extracting",
          language: "es",
          pageCount: 3,
          pagesDone: 1,
          error: { code: "x", message: "y" },
        });
        const got = (await store.getDocument(a.id))!;
        assert.deepEqual([got.status, got.language, got.pageCount, got.pagesDone], [
          "extracting",
          "es",
          3,
          1,
        ]);
        assert.equal(got.errorCode, "x");
        assert.deepEqual((await store.listUnfinished()).map((d) => d.id).includes(a.id), true);
        await assert.rejects(store.updateDocument(crypto.randomUUID(), {}), RecordMissingError);
      }),
  ],

  [
    "pages and chunk batches: resumable, ready only with the last batch",
    (backend) =>
      withStore(backend, async (store) => {
        const d = await store.createDocument(newDoc("alice"));
        await store.writePages(d.id, [{ pageNumber: 1, text: "uno" }, {
          pageNumber: 2,
          text: "x",
        }]);
        await store.writePages(d.id, [{ pageNumber: 2, text: "dos" }]);
        assert.equal(await store.getPage(d.id, 2), "dos");
        assert.equal(await store.getPage(d.id, 3), null);
        await store.writeChunks({ documentId: d.id, model: "m", chunks: makeChunks(0, 5, 4) });
        assert.equal((await store.getDocument(d.id))!.status, "queued");
        assert.deepEqual(await store.resumePoint(d.id), { pagesStored: 2, nextOrdinal: 5 });
        // A resumed job re-sends an overlapping batch: nothing is stored twice.
        await store.writeChunks({
          documentId: d.id,
          model: "m",
          chunks: makeChunks(3, 5, 4),
          pagesDone: 2,
          final: true,
        });
        const ready = (await store.getDocument(d.id))!;
        assert.deepEqual([ready.status, ready.chunkCount, ready.pagesDone], ["ready", 8, 2]);
        const got = await collect(store, "m", 3);
        assert.equal(got.ids.length, 8);
        assert.deepEqual(got.vectors[7], [...unitVector(4, 7)]);
        assert.ok(got.docs.every((id) => id === d.id) && got.owners.every((o) => o === "alice"));
        const chunks = await store.getChunks([got.ids[2], got.ids[0], 999_999]);
        assert.deepEqual(chunks.map((c) => c.ordinal), [2, 0]);
        assert.equal(chunks[0].documentTitle, "doc");
        assert.deepEqual(await store.getChunks([got.ids[0]], "bob"), []);
        await assert.rejects(
          store.writeChunks({ documentId: crypto.randomUUID(), model: "m", chunks: [] }),
          RecordMissingError,
        );
      }),
  ],

  [
    "streamVectors: every document in chunk id order, per model, resumes after an id",
    (backend) =>
      withStore(backend, async (store) => {
        const ready = await store.createDocument(newDoc("alice"));
        const pending = await store.createDocument(newDoc("bob"));
        await store.writeChunks({
          documentId: pending.id,
          model: "m",
          chunks: makeChunks(0, 3, 2),
        });
        await store.writeChunks({
          documentId: ready.id,
          model: "m",
          chunks: makeChunks(0, 10, 2),
          final: true,
        });
        // The unfinished document's vectors come first: a catch-up by id must not skip them.
        const all = await collect(store, "m", 4);
        assert.equal(all.ids.length, 13);
        assert.equal(await store.countVectors("m"), 13);
        assert.deepEqual(all.docs.slice(0, 4), [pending.id, pending.id, pending.id, ready.id]);
        assert.deepEqual(all.owners.slice(2, 4), ["bob", "alice"]);
        assert.deepEqual(all.ids, [...all.ids].sort((a, b) => a - b));
        assert.deepEqual((await collect(store, "m", 4, all.ids[5])).ids, all.ids.slice(6));
        assert.equal((await collect(store, "other-model", 4)).ids.length, 0);
      }),
  ],

  [
    "delete cascades to pages, chunks, vectors and search; other owners cannot delete",
    (backend) =>
      withStore(backend, async (store) => {
        const d = await store.createDocument({ ...newDoc("alice"), language: "en" });
        await store.writePages(d.id, [{ pageNumber: 1, text: "alpha" }]);
        await store.writeChunks({
          documentId: d.id,
          model: "m",
          chunks: makeChunks(0, 4, 2, "alpha beta"),
          final: true,
        });
        const ids = (await collect(store, "m", 10)).ids;
        assert.equal(
          (await store.searchText({ ownerId: "alice", query: "alpha", k: 5 })).length,
          4,
        );
        assert.equal(await store.deleteDocument(d.id, "bob"), false);
        assert.equal(await store.deleteDocument(d.id, "alice"), true);
        assert.equal(await store.deleteDocument(d.id), false);
        assert.equal(await store.getDocument(d.id), null);
        assert.equal(await store.getPage(d.id, 1), null);
        assert.deepEqual(await store.getChunks(ids), []);
        assert.equal((await collect(store, "m", 10)).ids.length, 0);
        assert.deepEqual(await store.searchText({ ownerId: "alice", query: "alpha", k: 5 }), []);
        assert.deepEqual(await store.resumePoint(d.id), { pagesStored: 0, nextOrdinal: 0 });
      }),
  ],

  [
    "failDocument drops partial chunks and records the reason",
    (backend) =>
      withStore(backend, async (store) => {
        const d = await store.createDocument(newDoc("alice"));
        await store.writeChunks({ documentId: d.id, model: "m", chunks: makeChunks(0, 3, 2) });
        await store.failDocument(d.id, "needs_ocr", "no text layer");
        const got = (await store.getDocument(d.id))!;
        assert.deepEqual([got.status, got.errorCode, got.chunkCount], ["failed", "needs_ocr", 0]);
        assert.equal((await store.resumePoint(d.id)).nextOrdinal, 0);
        assert.equal(await store.findDocumentBySha256("alice", d.sha256), null);
        assert.ok(!(await store.listUnfinished()).some((u) => u.id === d.id));
      }),
  ],
  ["a closed store answers StoreUnavailableError (HTTP 503 store_unavailable)", async (backend) => {
    const store = await backend.open(await backend.newLocation());
    await store.close();
    await assert.rejects(store.ping(), StoreUnavailableError);
    await assert.rejects(store.getDocument("x"), StoreUnavailableError);
  }],
];
