/**
 * Store benchmarks, each phase in its own process so peak RSS (VmHWM) is that phase's alone:
 * - insert 50k chunks with 384-d vectors through writeChunks (the ingestion path: batches of
 *   100 in transactions, full-text terms, the final batch marks the document ready);
 * - startup load of 100k vectors through streamVectors into one preallocated Float32Array
 *   (the floor), and into the real index (search/index-sync.ts: f32 + int8 + sign-bit codes),
 *   with the RSS each adds beside the vectors' own bytes.
 * SQLite always; PostgreSQL 15 when its binaries are installed (a throwaway cluster).
 */
import { startPostgres } from "../tests/support/postgres.ts";
import { PostgresStore } from "../plugins/store/postgres.ts";
import { SqliteStore } from "../plugins/store/sqlite.ts";
import type { ChunkInput, Store } from "../plugins/store/types.ts";
import { RustSimilarity } from "../kernels/similarity/mod.ts";
import { KernelMissingError } from "../kernels/ffi.ts";
import { TsSimilarity } from "../plugins/similarity/ts.ts";
import type { SimilarityKernel } from "../plugins/similarity/types.ts";
import { IndexSync } from "../search/index-sync.ts";
import { mib, procMemory } from "./support/proc.ts";

const DIMS = 384, CHUNKS_PER_DOC = 1000, BATCH = 100, HALF = 50_000, LOAD_BATCH = 256;
const SELF = new URL(import.meta.url).pathname;

const WORDS = ("the database stores every chunk of text with its vector and the index reads " +
  "them back at startup while queries search pages for words like memory ceiling kernel " +
  "similarity embedding retrieval document ingestion transaction batch resume ranking " +
  "las bases de datos guardan cada fragmento con su vector y el índice los lee al arrancar")
  .split(" ");

interface PhaseResult {
  ms: number;
  /** What the loaded structure says it holds (VectorIndex.bytes), when it says. */
  held?: number;
  kernel?: string;
  rssBefore: number;
  rssAfter: number;
  peak: number;
  rows: number;
}

export default async function run(): Promise<void> {
  const rows: string[] = [];
  const sqliteDir = await Deno.makeTempDir({ prefix: "ligero-bench-sqlite-" });
  try {
    rows.push(...await benchBackend("sqlite", sqliteDir));
  } finally {
    await Deno.remove(sqliteDir, { recursive: true });
  }
  let cluster;
  try {
    cluster = await startPostgres();
  } catch (e) {
    rows.push(`| postgres | skipped: ${(e as Error).message} | | | |`);
  }
  if (cluster) {
    try {
      rows.push(...await benchBackend("postgres", await cluster.createDatabase()));
    } finally {
      await cluster.stop();
    }
  }
  console.log("| backend | phase | time | peak RSS | RSS added |");
  console.log("|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  console.log(
    `\nVectors: 100k × ${DIMS} f32 = ${mib(100_000 * DIMS * 4)} MiB. Anchors measured on this ` +
      "machine before (issue 4): pgvector insert of 50k in 7.5 s; PGlite 32–36 s, 560–590 MB RSS.",
  );
}

async function benchBackend(backend: string, location: string): Promise<string[]> {
  const first = await phase("insert", backend, location, 0);
  const second = await phase("insert", backend, location, HALF);
  const load = await phase("load", backend, location, 0);
  const index = await phase("index", backend, location, 0);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `| ${backend} | insert 50k chunks (empty db) | ${s(first.ms)} | ${mib(first.peak)} MiB | |`,
    `| ${backend} | insert 50k more (50k → 100k) | ${s(second.ms)} | ${mib(second.peak)} MiB | |`,
    `| ${backend} | load ${load.rows / 1000}k vectors (streamVectors) | ${s(load.ms)} | ${
      mib(load.peak)
    } MiB | ${mib(load.rssAfter - load.rssBefore)} MiB (peak +${
      mib(load.peak - load.rssBefore)
    }) |`,
    `| ${backend} | load ${index.rows / 1000}k into VectorIndex, ${index.kernel} | ${
      s(index.ms)
    } | ${mib(index.peak)} MiB | ${mib(index.rssAfter - index.rssBefore)} MiB (index.bytes ${
      mib(index.held ?? 0)
    }) |`,
  ];
}

async function phase(
  name: string,
  backend: string,
  location: string,
  from: number,
): Promise<PhaseResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", SELF, name, backend, location, String(from)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`bench phase ${name} on ${backend} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

async function open(backend: string, location: string): Promise<Store> {
  return backend === "sqlite" ? SqliteStore.open(location) : await PostgresStore.open(location, 4);
}

function chunkText(n: number): string {
  const words: string[] = [];
  for (let i = 0; i < 120; i++) words.push(WORDS[(n * 7 + i * 13 + (i * i) % 11) % WORDS.length]);
  return words.join(" ") + ` ${n}`;
}

async function insert(store: Store, from: number): Promise<number> {
  const vector = new Float32Array(DIMS);
  for (let d = from / CHUNKS_PER_DOC; d < (from + HALF) / CHUNKS_PER_DOC; d++) {
    const doc = await store.createDocument({
      ownerId: `owner${d % 5}`,
      title: `doc ${d}`,
      mime: "text/plain",
      sha256: crypto.randomUUID(),
      bytes: 1,
      language: "en",
    });
    for (let b = 0; b < CHUNKS_PER_DOC; b += BATCH) {
      const chunks: ChunkInput[] = [];
      for (let i = b; i < b + BATCH; i++) {
        const n = d * CHUNKS_PER_DOC + i;
        for (let k = 0; k < DIMS; k++) vector[k] = Math.sin(n + k);
        chunks.push({
          ordinal: i,
          pageStart: 1 + (i >> 2),
          pageEnd: 1 + (i >> 2),
          text: chunkText(n),
          tokenCount: 150,
          vector: vector.slice(),
        });
      }
      await store.writeChunks({
        documentId: doc.id,
        model: "bench",
        chunks,
        final: b + BATCH >= CHUNKS_PER_DOC,
      });
    }
  }
  return HALF;
}

async function load(store: Store): Promise<number> {
  const total = await store.countVectors("bench");
  const index = new Float32Array(total * DIMS);
  let row = 0;
  for await (const batch of store.streamVectors("bench", LOAD_BATCH)) {
    index.set(batch.vectors, row * DIMS);
    row += batch.chunkIds.length;
  }
  if (row !== total) throw new Error(`loaded ${row} of ${total} vectors`);
  (globalThis as { keep?: unknown }).keep = index; // what an index holds on to
  return row;
}

/** The startup path: IndexSync.catchUp streams every vector into the VectorIndex. */
async function loadIndex(store: Store): Promise<Pick<PhaseResult, "rows" | "held" | "kernel">> {
  let kernel: SimilarityKernel;
  try {
    kernel = new RustSimilarity();
  } catch (e) {
    if (!(e instanceof KernelMissingError)) throw e;
    kernel = new TsSimilarity();
  }
  const sync = new IndexSync(store, kernel, "bench", DIMS);
  await sync.catchUp();
  (globalThis as { keep?: unknown }).keep = sync;
  return { rows: sync.index.size, held: sync.index.bytes, kernel: kernel.implementation };
}

if (import.meta.main) {
  const [name, backend, location, from] = Deno.args;
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const store = await open(backend, location);
  gc();
  const rssBefore = procMemory(Deno.pid).rss;
  const started = performance.now();
  const result = name === "insert"
    ? { rows: await insert(store, Number(from)) }
    : name === "load"
    ? { rows: await load(store) }
    : await loadIndex(store);
  const ms = performance.now() - started;
  gc();
  const { rss: rssAfter, peak } = procMemory(Deno.pid);
  await store.close();
  console.log(JSON.stringify({ ms, rssBefore, rssAfter, peak, ...result } satisfies PhaseResult));
}
