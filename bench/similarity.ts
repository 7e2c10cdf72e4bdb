/**
 * `deno task bench similarity`: top-10 over 384-d clustered synthetic embeddings at 10k,
 * 100k and 1M rows — our kernel (exact, int8 + rescoring, both cascades) beside its TS twin, npm
 * usearch (exact, HNSW), npm simsimd per vector and numpy, with recall@10 of approximate
 * rows against our exact result, build time and bytes of each index, the in-process
 * VectorIndex's streaming load, and (from 100k rows) the memory read floor under an f32 scan. `LIGERO_BENCH_SIMILARITY_SIZES=10000,100000` picks sizes;
 * `LIGERO_BENCH_SIMILARITY_QUICK=1` keeps only our rows and usearch exact (for iterating on
 * the kernel; a recorded run has every row).
 */
import process from "node:process";
import { RustSimilarity } from "../kernels/similarity/mod.ts";
import { Clustered } from "../plugins/similarity/synthetic.ts";
import { TsSimilarity } from "../plugins/similarity/ts.ts";
import { allocateCodes, type SearchOptions, type StoreView } from "../plugins/similarity/types.ts";
import { VectorIndex } from "../search/vector-index.ts";
import { median, mib, procMemory } from "./support/proc.ts";
import {
  type Floor,
  numpyMedians,
  type Prepared,
  readFloor,
  type Search,
  simsimdPerVector,
  usearchExact,
  usearchHnsw,
} from "./support/similarity-peers.ts";

const DIMS = 384;
const K = 10;
const QUERIES = 30;
/** Rows a topic in the synthetic corpus: what the cascade's candidate counts were tuned on. */
const ROWS_PER_TOPIC = 3000;
/** From this many rows the f32 store is far bigger than the caches: the read floor applies. */
const FLOOR_MIN_ROWS = 100_000;
const FLOOR_READS = 10;
/** Above this many rows the HNSW build alone would take many minutes on 2 cores. */
const HNSW_MAX_ROWS = 100_000;

interface Row {
  method: string;
  ms?: number;
  /** Fastest query: what a thread given the CPU does on this loaded 2-core box. */
  best?: number;
  /**
   * Median CPU time of the whole process per query (every thread): the work a query takes,
   * which waiting for a core on a shared box does not inflate (memory contention still does).
   */
  cpu?: number;
  recall?: number;
  buildMs?: number;
  bytes?: number;
  note?: string;
}

const QUICK = Deno.env.get("LIGERO_BENCH_SIMILARITY_QUICK") === "1";

const fmt = (v: number | undefined, digits: number) => v === undefined ? "" : v.toFixed(digits);

export default async function run(): Promise<void> {
  const sizes = (Deno.env.get("LIGERO_BENCH_SIMILARITY_SIZES") ?? "10000,100000,1000000")
    .split(",").map(Number);
  const numpy = QUICK ? "skipped (quick mode)" : await numpyMedians(DIMS, K, QUERIES, sizes);
  const rust = new RustSimilarity();
  const twin = new TsSimilarity();
  console.log(`kernel: ${rust.implementation}; ${QUERIES} queries a size (fewer for slow ones)\n`);
  console.log(
    "| rows | method | median ms | best ms | CPU ms | recall@10 | build s | index MiB | note |",
  );
  console.log(
    "| ---- | ------ | --------- | ------- | ------ | --------- | ------- | --------- | ---- |",
  );
  for (const n of sizes) {
    for (const row of await measure(n, rust, twin, numpy)) {
      console.log(
        `| ${n.toLocaleString("en")} | ${row.method} | ${fmt(row.ms, 3)} | ${fmt(row.best, 3)} | ${
          fmt(row.cpu, 3)
        } | ${fmt(row.recall, 3)} | ${fmt(row.buildMs && row.buildMs / 1000, 2)} | ${
          row.bytes === undefined ? "" : mib(row.bytes)
        } | ${row.note ?? ""} |`,
      );
    }
  }
  console.log(`\npeak RSS of the bench process: ${mib(procMemory(Deno.pid).peak)} MiB`);
  rust.close();
}

async function measure(
  n: number,
  rust: RustSimilarity,
  twin: TsSimilarity,
  numpy: Awaited<ReturnType<typeof numpyMedians>>,
): Promise<Row[]> {
  const corpus = new Clustered(DIMS, Math.max(1, Math.round(n / ROWS_PER_TOPIC)), 42);
  // huge pages before the first write, as the index's big columns get them
  // (search/vector-columns.ts); every method below scans these same buffers
  const vectors = new Float32Array(n * DIMS);
  const codes = allocateCodes(n, DIMS);
  const huge = rust.hugePages(vectors.buffer as ArrayBuffer, vectors.byteLength, false);
  for (const a of [codes.int8, codes.bits]) {
    rust.hugePages(a.buffer as ArrayBuffer, a.byteLength, false);
  }
  corpus.rows(vectors);
  const queries = corpus.queries(n, QUERIES);
  const query = (i: number) => queries.subarray(i * DIMS, (i + 1) * DIMS);
  const start = performance.now();
  rust.encode(vectors, DIMS, codes);
  const encodeMs = performance.now() - start;
  const store: StoreView = { vectors, dims: DIMS, codes };
  const truth: Set<number>[] = [];
  for (let i = 0; i < QUERIES; i++) {
    truth.push(new Set((await rust.search(store, query(i), K)).rows));
  }
  const time = async (search: Search, count = QUERIES) => {
    const ms: number[] = [];
    const cpu: number[] = [];
    let hits = 0;
    for (let i = 0; i < count; i++) {
      const [t, c] = [performance.now(), process.cpuUsage()];
      const rows = await search(query(i));
      ms.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
      hits += rows.filter((r) => truth[i].has(r)).length;
    }
    return {
      ms: median(ms),
      best: Math.min(...ms),
      cpu: median(cpu),
      recall: hits / (count * K),
    };
  };
  const ours = (options: SearchOptions) => async (q: Float32Array) =>
    (await rust.search(store, q, K, options)).rows;
  const f32Bytes = n * DIMS * 4;
  const codeBytes = codes.int8.byteLength + codes.scales.byteLength + codes.bits.byteLength;
  // slow methods get fewer queries so a 1M run stays within minutes
  const slow = n >= 1_000_000 ? 5 : QUERIES;
  // the floor read just before and just after the scan it bounds: this VM's bandwidth
  // drifts between runs seconds apart
  const floored = n >= FLOOR_MIN_ROWS;
  const before = floored ? await readFloor(f32Bytes, FLOOR_READS) : undefined;
  const exact = await time(ours({}));
  const after = floored ? await readFloor(f32Bytes, FLOOR_READS) : undefined;
  const rows: Row[] = [
    ...(before && after ? [floorRow(before, after)] : []),
    {
      method: "ours exact f32",
      ...exact,
      bytes: f32Bytes,
      note: huge ? "store on huge pages" : "store on 4 KiB pages",
    },
    {
      method: "ours int8 + rescore",
      ...await time(ours({ mode: "int8" })),
      buildMs: encodeMs,
      bytes: f32Bytes + codes.int8.byteLength + codes.scales.byteLength,
    },
    {
      method: "ours cascade",
      ...await time(ours({ mode: "cascade" })),
      buildMs: encodeMs,
      bytes: f32Bytes + codeBytes,
    },
    {
      method: "ours cascade-asym",
      ...await time(ours({ mode: "cascade-asym" })),
      buildMs: encodeMs,
      bytes: f32Bytes + codeBytes,
    },
  ];
  if (!QUICK) {
    rows.push(
      {
        method: "TS twin exact",
        ...await time(async (q) => (await twin.search(store, q, K)).rows, slow),
      },
      {
        method: "TS twin cascade",
        ...await time(
          async (q) => (await twin.search(store, q, K, { mode: "cascade" })).rows,
          slow,
        ),
      },
    );
  }
  const peer = async (method: string, prepared: Promise<Prepared>, count = QUERIES) => {
    const p = await prepared;
    const row: Row = { method, buildMs: p.buildMs, bytes: p.bytes, note: p.note };
    rows.push(p.search ? { ...row, ...await time(p.search, count) } : row);
  };
  await peer("usearch exact (npm)", usearchExact(vectors, DIMS, K));
  if (QUICK) return rows;
  if (n <= HNSW_MAX_ROWS) await peer("usearch HNSW (npm)", usearchHnsw(vectors, DIMS, K));
  else {rows.push({
      method: "usearch HNSW (npm)",
      note: "not built: build time grows past minutes",
    });}
  await peer("simsimd per vector (npm)", simsimdPerVector(vectors, DIMS, K), slow);
  rows.push(
    typeof numpy === "string" ? { method: "numpy", note: numpy } : {
      method: "numpy, 1 BLAS thread (random data, same shape)",
      ms: numpy.get(n)?.median,
      best: numpy.get(n)?.best,
    },
  );
  if (n <= HNSW_MAX_ROWS) rows.push(await indexLoad(vectors, rust));
  return rows;
}

function floorRow(before: Floor, after: Floor): Row {
  if (before.ms === undefined || after.ms === undefined) {
    return { method: "memory read floor", note: before.note ?? after.note };
  }
  return {
    method: "memory read floor",
    ms: (before.ms + after.ms) / 2,
    best: Math.min(before.best!, after.best!),
    note: `2 threads read the f32 store once: ${fmt(before.ms, 1)} ms before the exact rows, ${
      fmt(after.ms, 1)
    } after`,
  };
}

/** VectorIndex filled as index-sync does at startup: batches of 1 024 rows, one encode each. */
async function indexLoad(vectors: Float32Array, rust: RustSimilarity): Promise<Row> {
  const n = vectors.length / DIMS;
  const before = procMemory(Deno.pid).rss;
  const start = performance.now();
  const index = new VectorIndex(rust, DIMS);
  const batch = 1024;
  for (let from = 0; from < n; from += batch) {
    const count = Math.min(batch, n - from);
    const ids = Float64Array.from({ length: count }, (_, i) => from + i);
    const docs = Uint32Array.from(ids, (id) => Math.floor(id / 50));
    index.addMany(
      ids,
      new Uint32Array(count),
      docs,
      vectors.slice(from * DIMS, (from + count) * DIMS),
    );
  }
  const buildMs = performance.now() - start;
  const delta = procMemory(Deno.pid).rss - before;
  await index.search(vectors.subarray(0, DIMS), K);
  return {
    method: "VectorIndex load (addMany × 1024)",
    buildMs,
    bytes: index.bytes,
    note: `RSS +${mib(delta)} MiB`,
  };
}
