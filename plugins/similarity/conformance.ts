/**
 * The behaviour every SimilarityKernel must share, run against each implementation (the
 * Rust kernel in kernels/similarity/mod.test.ts, the twin in ts.test.ts): exact results
 * against an f64 brute force on odd sizes, approximate modes identical to the twin's,
 * filters, recall of the default candidate counts, and argument errors.
 */
import assert from "node:assert/strict";
import { Clustered } from "./synthetic.ts";
import { TsSimilarity } from "./ts.ts";
import {
  allocateCodes,
  type SearchMode,
  type SearchOptions,
  type SimilarityKernel,
  type StoreView,
  type TopK,
} from "./types.ts";

const MODES: SearchMode[] = ["exact", "int8", "cascade", "cascade-asym"];

function randomVectors(n: number, dims: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n * dims);
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13, s ^= s >>> 17, s ^= s << 5;
    out[i] = (s >>> 0) / 4294967296 * 2 - 1;
  }
  return out;
}

function encoded(kernel: SimilarityKernel, vectors: Float32Array, dims: number): StoreView {
  const codes = allocateCodes(vectors.length / dims, dims);
  kernel.encode(vectors, dims, codes);
  return { vectors, dims, codes };
}

/** Best `k` admitted rows by f64 score, lower row first on ties. */
function reference(store: StoreView, query: Float32Array, k: number, admits = (_: number) => true) {
  const { vectors, dims } = store;
  const all: [number, number][] = [];
  for (let row = 0; row < vectors.length / dims; row++) {
    if (!admits(row)) continue;
    let s = 0;
    for (let j = 0; j < dims; j++) s += vectors[row * dims + j] * query[j];
    all.push([s, row]);
  }
  all.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return all.slice(0, k);
}

/** Same rows in order and scores within f32 noise; rows may swap only inside a near-tie. */
function assertSame(got: TopK, want: [number, number][], what: string): void {
  assert.equal(got.rows.length, want.length, `${what}: count`);
  got.rows.forEach((row, i) => {
    assert.ok(Math.abs(got.scores[i] - want[i][0]) < 1e-4, `${what}: score ${i}`);
    if (row !== want[i][1]) {
      const tie = want.some(([s, r]) => r === row && Math.abs(s - want[i][0]) < 1e-4);
      assert.ok(tie, `${what}: row ${i} is ${row}, expected ${want[i][1]}`);
    }
  });
}

export function runConformance(name: string, make: () => SimilarityKernel): void {
  const test = (title: string, fn: (kernel: SimilarityKernel) => Promise<void> | void) =>
    Deno.test(`similarity conformance (${name}): ${title}`, async () => {
      const kernel = make();
      try {
        await fn(kernel);
      } finally {
        kernel.close();
      }
    });

  test("every mode matches the f64 reference on odd sizes", async (kernel) => {
    const k = 10;
    for (const dims of [1, 3, 383, 384, 385, 1536]) {
      for (const n of [0, 1, k - 1, k, 300]) {
        const store = encoded(kernel, randomVectors(n, dims, dims * 31 + n), dims);
        const query = randomVectors(1, dims, 7);
        const want = reference(store, query, k);
        assertSame(kernel.topK(store.vectors, dims, query, k), want, `topK d=${dims} n=${n}`);
        for (const mode of MODES) {
          // candidates = every row: the approximate stages may not lose anything
          const got = await kernel.search(store, query, k, { mode, wide: n, narrow: n });
          assertSame(got, want, `${mode} d=${dims} n=${n}`);
        }
      }
    }
  });

  test("int8 codes round halves away from zero", (kernel) => {
    const codes = allocateCodes(1, 6);
    kernel.encode(Float32Array.of(127, 2.5, -2.5, 0.5, -0.5, 0.49), 6, codes);
    assert.deepEqual([...codes.int8], [255, 131, 125, 129, 127, 128]);
    assert.equal(codes.scales[0], 1);
    assert.deepEqual([...codes.bits], [0b101011, 0]);
  });

  test("dot matches the f64 reference", (kernel) => {
    for (const dims of [1, 3, 17, 384, 1536]) {
      const [a, b] = [randomVectors(1, dims, 1), randomVectors(1, dims, 2)];
      let want = 0;
      for (let i = 0; i < dims; i++) want += a[i] * b[i];
      assert.ok(Math.abs(kernel.dot(a, b) - want) < 1e-4, `d=${dims}`);
    }
  });

  test("codes and approximate picks are identical to the TS twin's", async (kernel) => {
    const twin = new TsSimilarity();
    const dims = 384, n = 6000;
    const corpus = new Clustered(dims, 2, 5);
    const vectors = corpus.rows(new Float32Array(n * dims));
    const ours = encoded(kernel, vectors, dims);
    const theirs = encoded(twin, vectors, dims);
    assert.deepEqual(ours.codes!.int8, theirs.codes!.int8);
    assert.deepEqual(ours.codes!.scales, theirs.codes!.scales);
    assert.deepEqual(ours.codes!.bits, theirs.codes!.bits);
    const queries = corpus.queries(n, 5);
    for (let q = 0; q < 5; q++) {
      const query = queries.subarray(q * dims, (q + 1) * dims);
      const plans: SearchOptions[] = [
        { mode: "int8", narrow: 12 },
        { mode: "cascade", wide: 60, narrow: 15 },
        { mode: "cascade-asym", wide: 60, narrow: 15 },
      ];
      for (const options of plans) {
        const a = await kernel.search(ours, query, 10, options);
        const b = await twin.search(theirs, query, 10, options);
        assert.deepEqual([...a.rows].sort(), [...b.rows].sort(), `${options.mode} query ${q}`);
      }
    }
  });

  test("filters apply inside the scan", async (kernel) => {
    const n = 500, dims = 64, k = 10;
    const store = encoded(kernel, randomVectors(n, dims, 3), dims);
    store.owners = Uint32Array.from({ length: n }, (_, r) => r % 7);
    const allow = Uint8Array.from({ length: Math.ceil(n / 8) }, (_, i) => (i % 3 ? 0xb6 : 0));
    const bit = (r: number) => (allow[r >> 3] & (1 << (r & 7))) !== 0;
    const query = randomVectors(1, dims, 9);
    const cases: [SearchOptions, (r: number) => boolean][] = [
      [{ owner: 3 }, (r) => r % 7 === 3],
      [{ allow }, bit],
      [{ owner: 5, allow }, (r) => r % 7 === 5 && bit(r)],
      [{ owner: 99 }, () => false],
    ];
    for (const [filter, admits] of cases) {
      const want = reference(store, query, k, admits);
      for (const mode of MODES) {
        const got = await kernel.search(store, query, k, { ...filter, mode, wide: n, narrow: n });
        assertSame(got, want, `${mode} ${JSON.stringify({ ...filter, allow: !!filter.allow })}`);
      }
    }
  });

  test("default candidate counts keep recall@10 ≥ 0.99 on clustered data", async (kernel) => {
    const dims = 384, n = 30_000, k = 10, count = 30;
    const corpus = new Clustered(dims, 8, 11);
    const store = encoded(kernel, corpus.rows(new Float32Array(n * dims)), dims);
    const queries = corpus.queries(n, count);
    for (const mode of ["int8", "cascade", "cascade-asym"] as const) {
      let hits = 0;
      for (let q = 0; q < count; q++) {
        const query = queries.subarray(q * dims, (q + 1) * dims);
        const exact = new Set((await kernel.search(store, query, k)).rows);
        for (const row of (await kernel.search(store, query, k, { mode })).rows) {
          hits += exact.has(row) ? 1 : 0;
        }
      }
      assert.ok(hits / (count * k) >= 0.99, `${mode} recall ${hits / (count * k)}`);
    }
  });

  test("bad calls throw instead of crashing", async (kernel) => {
    const store = new Float32Array(12);
    const query = new Float32Array(3);
    assert.throws(() => kernel.topK(store, 0, query, 1), /dims must be a positive integer/);
    assert.throws(() => kernel.topK(store, 5, new Float32Array(5), 1), /not a multiple/);
    assert.throws(() => kernel.topK(store, 3, new Float32Array(2), 1), /query has 2 dimensions/);
    assert.throws(() => kernel.topK(store, 3, query, -1), /k must be/);
    const view = { vectors: store, dims: 3 };
    await assert.rejects(
      async () => await kernel.search(view, query, 1, { mode: "int8" }),
      /codes/,
    );
    await assert.rejects(async () => await kernel.search(view, query, 1, { owner: 1 }), /owner/);
    const codes = allocateCodes(3, 3);
    assert.throws(() => kernel.encode(store, 3, codes), /sized|length/);
    const bad = Float32Array.of(1, NaN, 0);
    assert.throws(() => kernel.encode(bad, 3, allocateCodes(1, 3)), /not finite/);
    assert.equal(kernel.topK(store, 3, query, 10).rows.length, 4, "k is clamped to n");
  });
}
