import assert from "node:assert/strict";
import { metrics } from "../server/metrics.ts";
import { RustSimilarity } from "../kernels/similarity/mod.ts";
import { TsSimilarity } from "../plugins/similarity/ts.ts";
import type { SimilarityKernel } from "../plugins/similarity/types.ts";
import { Clustered } from "../plugins/similarity/synthetic.ts";
import { GROW_ROWS } from "./vector-columns.ts";
import { autoMode, VectorIndex } from "./vector-index.ts";

const DIMS = 32;

/** Unit vector along axis `i` (mod dims), nudged so scores are distinct. */
function axis(i: number, nudge = 0): Float32Array {
  const v = new Float32Array(DIMS);
  v[i % DIMS] = 1;
  v[(i + 1) % DIMS] = nudge;
  return v;
}

function filled(make: () => SimilarityKernel, rows = 40): VectorIndex {
  const index = new VectorIndex(make(), DIMS);
  for (let i = 0; i < rows; i++) index.add(1000 + i, i % 2, Math.floor(i / 10), axis(i, i / 100));
  return index;
}

const KERNELS: [string, () => SimilarityKernel][] = [
  ["ts", () => new TsSimilarity()],
  ["rust", () => new RustSimilarity(Deno.env.get("LIGERO_KERNELS__LIBRARY_DIR") ?? "")],
];

for (const [name, make] of KERNELS) {
  const test = (title: string, fn: () => Promise<void>) =>
    Deno.test(`vector index (${name}): ${title}`, fn);

  test("search returns chunk ids, documents and exact scores, best first", async () => {
    const index = filled(make);
    const hits = await index.search(axis(3), 2);
    assert.deepEqual(hits.map((h) => h.chunkId), [1003, 1035]);
    assert.equal(hits[0].documentId, 0);
    assert.ok(Math.abs(hits[0].score - 1) < 1e-6);
    assert.equal(index.size, 40);
  });

  test("owner and document filters apply inside the scan", async () => {
    const index = filled(make);
    const byOwner = await index.search(axis(3), 5, { ownerId: 0 });
    assert.equal(byOwner.length, 5);
    assert.ok(byOwner.every((h) => (h.chunkId - 1000) % 2 === 0));
    const byDocs = await index.search(axis(3), 50, { documentIds: [2, 3] });
    assert.equal(byDocs.length, 20);
    assert.ok(byDocs.every((h) => h.documentId === 2 || h.documentId === 3));
    const both = await index.search(axis(3), 50, { ownerId: 1, documentIds: [3] });
    assert.equal(both.length, 5);
    assert.deepEqual(await index.search(axis(3), 5, { documentIds: [] }), []);
    assert.deepEqual(await index.search(axis(3), 5, { ownerId: 7 }), []);
  });

  test("removals disappear at once and compaction keeps every survivor findable", async () => {
    const index = filled(make);
    assert.equal(index.removeDocument(0), 10);
    assert.equal(index.remove(1011), true);
    assert.equal(index.remove(1011), false);
    assert.equal(index.size, 29);
    // 11 of 40 dead: above a quarter, so the index compacted; every survivor is still there
    const all = await index.search(axis(0), 100);
    const survivors = [1010, ...Array.from({ length: 28 }, (_, i) => 1012 + i)];
    assert.deepEqual(all.map((h) => h.chunkId).sort(), survivors);
    for (const hit of all) {
      const found = await index.search(axis(hit.chunkId - 1000, (hit.chunkId - 1000) / 100), 1);
      assert.equal(found[0].chunkId, hit.chunkId);
    }
    assert.equal(index.removeDocument(0), 0);
  });

  test("a chunk added again replaces its row", async () => {
    const index = filled(make, 10);
    index.add(1003, 0, 9, axis(20));
    assert.equal(index.size, 10);
    const hits = await index.search(axis(20), 1);
    assert.deepEqual(hits, [{ chunkId: 1003, documentId: 9, score: 1 }]);
    assert.equal((await index.search(axis(3), 1))[0].chunkId === 1003, false);
  });

  test("rows removed while a scan is in flight are not returned", async () => {
    const index = filled(make);
    const pending = index.search(axis(3), 3);
    index.removeDocument(0);
    const hits = await pending;
    assert.ok(hits.every((h) => h.documentId !== 0), JSON.stringify(hits));
  });

  test("addMany streams batches; cascade and exact agree; bytes are reported", async () => {
    const dims = 384, n = 6000;
    const corpus = new Clustered(dims, 2, 3);
    const vectors = corpus.rows(new Float32Array(n * dims));
    const exact = new VectorIndex(make(), dims, { mode: "exact" });
    const cascade = new VectorIndex(make(), dims, { mode: "cascade", maxRows: n });
    for (let from = 0; from < n; from += 1000) {
      const ids = Float64Array.from({ length: 1000 }, (_, i) => from + i);
      const owners = new Uint32Array(1000);
      const docs = Uint32Array.from(ids, (id) => Math.floor(id / 50));
      const batch = vectors.subarray(from * dims, (from + 1000) * dims);
      exact.addMany(ids, owners, docs, batch);
      cascade.addMany(ids, owners, docs, batch);
    }
    const query = corpus.queries(n, 1);
    const a = await exact.search(query, 10);
    const b = await cascade.search(query, 10);
    assert.deepEqual(b.map((h) => h.chunkId), a.map((h) => h.chunkId));
    // columns (f32, int8, scale, bits, owner, document, chunk id) for capacity rounded up to a
    // growth step, plus the id maps
    const capacity = Math.ceil(n / GROW_ROWS) * GROW_ROWS;
    const columns = capacity * (4 * dims + dims + 4 + 48 + 4 + 4 + 8);
    assert.ok(exact.bytes >= columns, `${exact.bytes} < ${columns}`);
    assert.ok(exact.bytes < columns + n * 100, `${exact.bytes}`);
    assert.match(metrics.render(), /ligero_vector_index_bytes \d+/);
    assert.throws(() => cascade.add(1e9, 0, 0, query), /vector index is full/);
  });

  test("bad calls throw", async () => {
    const index = filled(make, 3);
    assert.throws(() => index.add(1, 0, 0, new Float32Array(3)), /vectors has 3 floats/);
    const bad = axis(5);
    bad[2] = NaN;
    assert.throws(() => index.add(77, 0, 0, bad), /not finite/);
    assert.equal(index.size, 3, "a refused batch leaves no row behind");
    index.add(78, 0, 0, axis(7));
    assert.deepEqual((await index.search(axis(7), 1)).map((h) => h.chunkId), [78]);
    assert.throws(
      () => index.addMany([1, 2], [0], [0, 0], new Float32Array(64)),
      /differ in length/,
    );
    await assert.rejects(index.search(new Float32Array(5), 1), /query has 5 dimensions/);
  });

  test("a scan big enough to run off the event loop skips rows removed meanwhile", async () => {
    const dims = 384, n = 12_000; // > 16 MiB of f32: the Rust kernel's nonblocking path
    const index = new VectorIndex(make(), dims, { mode: "exact" });
    const vectors = new Float32Array(n * dims);
    for (let i = 0; i < vectors.length; i++) vectors[i] = Math.sin(i * 0.37);
    const ids = Float64Array.from({ length: n }, (_, i) => i);
    index.addMany(ids, new Uint32Array(n), Uint32Array.from(ids, (i) => i % 3), vectors);
    const query = vectors.slice(0, dims);
    const pending = index.search(query, 20);
    index.removeDocument(0);
    const hits = await pending;
    assert.ok(hits.length > 0 && hits.every((h) => h.documentId !== 0), JSON.stringify(hits));
    assert.equal((await index.search(query, 1, { documentIds: [0] })).length, 0);
  });
}

Deno.test("auto mode: exact when small, int8 in between, a cascade when large", () => {
  const avx512 = "rust(avx512+vnni+vpopcntdq)";
  assert.equal(autoMode(1000, 10, avx512), "exact");
  assert.equal(autoMode(10_000, 10, avx512), "int8");
  assert.equal(autoMode(1_000_000, 10, avx512), "cascade-asym");
  assert.equal(autoMode(1_000_000, 10, "rust(avx2)"), "cascade", "no SIMD asymmetric score");
  assert.equal(autoMode(1_000_000, 10, "ts"), "cascade");
  assert.equal(autoMode(40_000, 100, avx512), "int8", "a larger k keeps more candidates");
});
