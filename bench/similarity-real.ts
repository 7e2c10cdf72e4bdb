/**
 * `deno task bench similarity-real`: recall@10 of the approximate search modes on real
 * embeddings read from a ligero SQLite database (`LIGERO_BENCH_VECTORS_DB=path/ligero.db`,
 * 384-d vectors), beside the synthetic corpus model at the same size. It calibrates the
 * cascade's candidate counts (docs/similarity.md): if real neighbourhoods need fewer
 * candidates than the synthetic ones at equal size, the defaults are conservative.
 * Queries are held-out chunks (every n/100-th row), searched among the rest; the cascades
 * keep 20 rows after int8.
 */
import { DatabaseSync } from "node:sqlite";
import { RustSimilarity } from "../kernels/similarity/mod.ts";
import { Clustered } from "../plugins/similarity/synthetic.ts";
import { allocateCodes, type SearchOptions, type StoreView } from "../plugins/similarity/types.ts";

const DIMS = 384;
const K = 10;
const QUERIES = 100;
const WIDES = [20, 40, 80, 160, 320, 640];

export default async function run(): Promise<void> {
  const path = Deno.env.get("LIGERO_BENCH_VECTORS_DB");
  if (!path) {
    console.log("skipped: set LIGERO_BENCH_VECTORS_DB to a ligero.db holding 384-d vectors");
    return;
  }
  const real = readVectors(path);
  const n = real.length / DIMS;
  const step = Math.floor(n / QUERIES);
  const isQuery = (row: number) => row % step === 0 && row / step < QUERIES;
  const stored = new Float32Array((n - QUERIES) * DIMS);
  const queries = new Float32Array(QUERIES * DIMS);
  for (let row = 0, s = 0, q = 0; row < n; row++) {
    const v = real.subarray(row * DIMS, (row + 1) * DIMS);
    if (isQuery(row)) queries.set(v, q++ * DIMS);
    else stored.set(v, s++ * DIMS);
  }
  const corpus = new Clustered(DIMS, 1, 42);
  const synthetic = corpus.rows(new Float32Array(stored.length));
  const kernel = new RustSimilarity();
  console.log(`${n - QUERIES} stored rows, ${QUERIES} held-out queries, ${path}\n`);
  console.log(`| data | mode | ${WIDES.map((w) => `wide ${w}`).join(" | ")} |`);
  console.log(`| ---- | ---- | ${WIDES.map(() => "---").join(" | ")} |`);
  for (
    const [name, vectors, qs] of [
      ["real MiniLM", stored, queries],
      ["synthetic", synthetic, corpus.queries(n - QUERIES, QUERIES)],
    ] as const
  ) {
    const store: StoreView = { vectors, dims: DIMS, codes: allocateCodes(n - QUERIES, DIMS) };
    kernel.encode(vectors, DIMS, store.codes!);
    const query = (i: number) => qs.subarray(i * DIMS, (i + 1) * DIMS);
    const truth: Set<number>[] = [];
    for (let i = 0; i < QUERIES; i++) {
      truth.push(new Set((await kernel.search(store, query(i), K)).rows));
    }
    const recall = async (options: SearchOptions) => {
      let hits = 0;
      for (let i = 0; i < QUERIES; i++) {
        const rows = (await kernel.search(store, query(i), K, options)).rows;
        hits += rows.filter((r) => truth[i].has(r)).length;
      }
      return (hits / (QUERIES * K)).toFixed(3);
    };
    for (const mode of ["cascade", "cascade-asym"] as const) {
      const cells = [];
      for (const wide of WIDES) cells.push(await recall({ mode, wide, narrow: 20 }));
      console.log(`| ${name} | ${mode} | ${cells.join(" | ")} |`);
    }
    // the same Hamming cascade with sign bits taken around the store's mean
    store.codes!.center = mean(vectors);
    kernel.encode(vectors, DIMS, store.codes!);
    const centered = [];
    for (const wide of WIDES) centered.push(await recall({ mode: "cascade", wide, narrow: 20 }));
    console.log(`| ${name} | cascade, centered bits | ${centered.join(" | ")} |`);
    const int8 = [];
    for (const narrow of [10, 20, 40]) {
      int8.push(`narrow ${narrow}: ${await recall({ mode: "int8", narrow })}`);
    }
    console.log(`| ${name} | int8 | ${int8.join(", ")} |${" |".repeat(WIDES.length - 1)}`);
  }
  kernel.close();
}

function mean(vectors: Float32Array): Float32Array {
  const out = new Float32Array(DIMS);
  const n = vectors.length / DIMS;
  for (let i = 0; i < vectors.length; i++) out[i % DIMS] += vectors[i] / n;
  return out;
}

function readVectors(path: string): Float32Array {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare("SELECT data FROM vectors WHERE dims = ? ORDER BY chunk_id").all(DIMS);
    const out = new Float32Array(rows.length * DIMS);
    rows.forEach((r, i) => {
      const bytes = r.data as Uint8Array;
      out.set(new Float32Array(bytes.buffer, bytes.byteOffset, DIMS), i * DIMS);
    });
    return out;
  } finally {
    db.close();
  }
}
