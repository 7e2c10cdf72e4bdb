/**
 * The tools bench/similarity.ts compares against: npm usearch (exact and HNSW), npm simsimd
 * (one call per vector), numpy (bench/similarity_numpy.py). Each is loaded lazily so one
 * that fails to install or load in Deno becomes a note in the table, not a crash.
 */
import { BestK } from "../../plugins/similarity/best.ts";

export type Search = (query: Float32Array) => Uint32Array | Promise<Uint32Array>;

/** A peer ready to search one store, or the reason it is not. */
export interface Prepared {
  search?: Search;
  buildMs?: number;
  bytes?: number;
  note?: string;
}

async function load<T>(specifier: string): Promise<T | string> {
  try {
    return await import(specifier) as T;
  } catch (e) {
    return `failed to load: ${(e as Error).message.split("\n")[0]}`;
  }
}

type UsearchModule = typeof import("usearch");
type Usearch = UsearchModule & { default?: UsearchModule };

function rowsOf(keys: BigUint64Array): Uint32Array {
  return Uint32Array.from(keys, (key) => Number(key));
}

export async function usearchExact(
  vectors: Float32Array,
  dims: number,
  k: number,
): Promise<Prepared> {
  const mod = await load<Usearch>("usearch");
  if (typeof mod === "string") return { note: mod };
  const usearch = mod.default ?? mod;
  // usearch reads a typed array from the start of its buffer: queries go in as copies
  return {
    search: (q) =>
      rowsOf(
        usearch.exactSearch(vectors, q.slice(), dims, k, usearch.MetricKind.IP, 0)
          .keys as BigUint64Array,
      ),
  };
}

/** HNSW with usearch's defaults (connectivity 16, expansion 128 add / 64 search). */
export async function usearchHnsw(
  vectors: Float32Array,
  dims: number,
  k: number,
): Promise<Prepared> {
  const mod = await load<Usearch>("usearch");
  if (typeof mod === "string") return { note: mod };
  const usearch = mod.default ?? mod;
  const n = vectors.length / dims;
  const index = new usearch.Index({
    metric: usearch.MetricKind.IP,
    quantization: usearch.ScalarKind.F32,
    connectivity: 16,
    expansion_add: 128,
    expansion_search: 64,
    multi: false,
    dimensions: dims,
  });
  const keys = BigUint64Array.from({ length: n }, (_, i) => BigInt(i));
  const start = performance.now();
  index.add(keys, vectors, 0);
  const buildMs = performance.now() - start;
  const file = await Deno.makeTempFile({ suffix: ".usearch" });
  try {
    index.save(file);
    const bytes = (await Deno.stat(file)).size;
    return {
      buildMs,
      bytes,
      search: (q) => rowsOf(index.search(q.slice(), k, 1).keys as BigUint64Array),
    };
  } finally {
    await Deno.remove(file);
  }
}

/** simsimd's inner product called once per stored vector, the top k kept in JS. */
export async function simsimdPerVector(
  vectors: Float32Array,
  dims: number,
  k: number,
): Promise<Prepared> {
  const mod = await load<typeof import("simsimd")>("simsimd");
  if (typeof mod === "string") return { note: mod };
  const n = vectors.length / dims;
  return {
    search: (q) => {
      const top = new BestK(k);
      for (let row = 0; row < n; row++) {
        top.offer(mod.inner(q, vectors.subarray(row * dims, (row + 1) * dims)), row);
      }
      return top.rows.slice(0, top.size);
    },
  };
}

/** Median and best ms per query of numpy for each size, or the reason there is none. */
export async function numpyMedians(
  dims: number,
  k: number,
  queries: number,
  sizes: number[],
): Promise<Map<number, { median: number; best: number }> | string> {
  const script = new URL("../similarity_numpy.py", import.meta.url).pathname;
  try {
    const out = await new Deno.Command("python3", {
      args: [script, String(dims), String(k), String(queries), ...sizes.map(String)],
      // one BLAS thread: on 2 shared cores OpenBLAS's spinning threads cost 10–30× at 10k rows
      env: { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").pop();
      return `not run: ${err} (pip install numpy)`;
    }
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    const parsed = lines.map((l) => JSON.parse(l));
    return new Map(parsed.map((r) => [r.n, { median: r.median_ms, best: r.best_ms }]));
  } catch (e) {
    return `not run: ${(e as Error).message}`;
  }
}

/** Median and best read of the floor, or why it was not measured. */
export interface Floor {
  ms?: number;
  best?: number;
  note?: string;
}

/**
 * The time two threads take to read `bytes` of huge-page memory once, nothing computed
 * (kernels/similarity/examples/read_floor.rs): no exact f32 scan of that many bytes can be
 * faster, and this VM's memory bandwidth moves by half between runs, so it is measured in the
 * same run as the scans.
 */
export async function readFloor(bytes: number, reads: number): Promise<Floor> {
  const kernels = new URL("../../kernels/", import.meta.url).pathname;
  try {
    const args = ["run", "--release", "--quiet", "-p", "similarity", "--example", "read_floor"];
    const out = await new Deno.Command("cargo", {
      args: [...args, "--", String(bytes), "2", String(reads)],
      cwd: kernels,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      return { note: `not run: ${new TextDecoder().decode(out.stderr).trim().split("\n").pop()}` };
    }
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    return { ms: r.median_ms, best: r.best_ms };
  } catch (e) {
    return { note: `not run: ${(e as Error).message}` };
  }
}
