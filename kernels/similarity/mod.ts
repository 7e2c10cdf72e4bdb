/** The Rust similarity kernel behind the SimilarityKernel interface. */
import { KernelLibrary } from "../ffi.ts";
import {
  checkSearchArgs,
  checkTopKArgs,
  type Codes,
  type SearchMode,
  type SearchOptions,
  type SimilarityKernel,
  type StoreView,
  type TopK,
  wordsFor,
} from "../../plugins/similarity/types.ts";
import { symbols } from "./symbols.ts";

const MODES: Record<SearchMode, number> = { exact: 0, int8: 1, cascade: 2, "cascade-asym": 3 };

/**
 * Bytes a scan reads above which it goes off the event loop: ~1 ms at the ~15 GB/s one
 * thread streams here; below it the worker hand-off costs more than it frees.
 */
export const NONBLOCKING_BYTES = 16 << 20;

/** Bytes the first stage of `mode` reads over `n` rows. */
function scanBytes(mode: SearchMode, n: number, dims: number): number {
  if (mode === "exact") return n * dims * 4;
  return mode === "int8" ? n * dims : n * wordsFor(dims) * 8;
}

export class RustSimilarity implements SimilarityKernel {
  readonly implementation: string;
  readonly #lib: KernelLibrary<typeof symbols>;
  readonly #out = new Float32Array(1);

  constructor(libraryDir = "") {
    this.#lib = new KernelLibrary("similarity", symbols, libraryDir);
    this.implementation = `rust(${this.#lib.info})`;
  }

  dot(a: Float32Array, b: Float32Array): number {
    if (a.length !== b.length) throw new RangeError("vectors differ in length");
    const [err, cap] = this.#lib.syncErrorBuffer();
    this.#lib.check(this.#lib.symbols.sim_dot_f32(a, b, BigInt(a.length), this.#out, err, cap));
    return this.#out[0];
  }

  topK(store: Float32Array, dims: number, query: Float32Array, k: number): TopK {
    checkTopKArgs(store, dims, query, k);
    const take = Math.min(k, store.length / dims);
    const out = this.#outputs(take);
    const [err, cap] = this.#lib.syncErrorBuffer();
    this.#lib.check(
      this.#lib.symbols.sim_search(
        ...this.#args(asBuffer, 0, { vectors: store, dims }, query, take, {}, out, err, cap),
      ),
    );
    return finish(out);
  }

  encode(vectors: Float32Array, dims: number, codes: Codes): void {
    if (!Number.isInteger(dims) || dims < 1) {
      throw new RangeError("dims must be a positive integer");
    }
    // the kernel counts u64 words
    if (codes.bits.length % 2 !== 0) throw new RangeError("bits must hold whole u64 words");
    const [err, cap] = this.#lib.syncErrorBuffer();
    const status = this.#lib.symbols.sim_encode(
      vectors,
      BigInt(vectors.length),
      BigInt(dims),
      codes.center ?? null,
      codes.int8,
      BigInt(codes.int8.length),
      codes.scales,
      BigInt(codes.scales.length),
      codes.bits,
      BigInt(codes.bits.length / 2),
      err,
      cap,
    );
    this.#lib.check(status);
  }

  async search(
    store: StoreView,
    query: Float32Array,
    k: number,
    options: SearchOptions = {},
  ): Promise<TopK> {
    const n = checkSearchArgs(store, query, k, options);
    const mode = options.mode ?? "exact";
    const out = this.#outputs(Math.min(k, n));
    const take = out.rows.length;
    if (scanBytes(mode, n, store.dims) < NONBLOCKING_BYTES) {
      const [err, cap] = this.#lib.syncErrorBuffer();
      const args = this.#args(asBuffer, MODES[mode], store, query, take, options, out, err, cap);
      this.#lib.check(this.#lib.symbols.sim_search(...args));
      return finish(out);
    }
    const [err, cap] = KernelLibrary.errorBuffer();
    const args = this.#args(asPointer, MODES[mode], store, query, take, options, out, err, cap);
    const status = await this.#lib.symbols.sim_search_async(...args);
    // the pointers' arrays must outlive the call: these references reach past the await
    keepAlive(store, query, options, out, err);
    this.#lib.check(status, err);
    return finish(out);
  }

  hugePages(buffer: ArrayBuffer, bytes: number, collapse: boolean): boolean {
    if (buffer.byteLength === 0) return false;
    const advised = new Uint32Array(1);
    const [err, cap] = this.#lib.syncErrorBuffer();
    const status = this.#lib.symbols.sim_huge_pages(
      Deno.UnsafePointer.of(buffer),
      BigInt(bytes),
      collapse ? 1 : 0,
      advised,
      err,
      cap,
    );
    this.#lib.check(status);
    return advised[0] === 1;
  }

  #outputs(take: number): Outputs {
    return {
      rows: new Uint32Array(take),
      scores: new Float32Array(take),
      found: new Uint32Array(1),
    };
  }

  /** sim_search's arguments, every array passed through `as` (itself, or its pointer). */
  #args<T>(
    as: (array: ArrayBufferView | null) => T,
    mode: number,
    store: StoreView,
    query: Float32Array,
    k: number,
    options: SearchOptions,
    out: Outputs,
    err: Uint8Array,
    errCap: bigint,
  ) {
    const codes = store.codes;
    const filtered = options.owner !== undefined;
    return [
      mode,
      as(store.vectors),
      BigInt(store.vectors.length),
      as(codes?.int8 ?? null),
      as(codes?.scales ?? null),
      as(codes?.bits ?? null),
      as(codes?.center ?? null),
      BigInt(store.dims),
      as(query),
      BigInt(query.length),
      BigInt(k),
      BigInt(options.wide ?? 0),
      BigInt(options.narrow ?? 0),
      as(filtered ? store.owners ?? null : null),
      filtered ? options.owner! >>> 0 : 0,
      as(options.allow ?? null),
      BigInt(options.allow?.length ?? 0),
      as(out.rows),
      as(out.scores),
      BigInt(out.rows.length),
      as(out.found),
      as(err),
      errCap,
    ] as const;
  }

  /** Test-only: a panic inside the kernel must come back as an error. */
  testPanic(): void {
    this.#lib.testPanic();
  }

  close(): void {
    this.#lib.close();
  }
}

const asBuffer = (array: ArrayBufferView | null): ArrayBufferView | null => array;
const asPointer = (array: ArrayBufferView | null): Deno.PointerValue =>
  array === null || array.byteLength === 0 ? null : Deno.UnsafePointer.of(array);

const pinned: unknown[][] = [];
/** Makes its arguments reachable at this point of the caller, whatever the optimizer does. */
function keepAlive(...values: unknown[]): void {
  pinned.push(values);
  pinned.pop();
}

interface Outputs {
  rows: Uint32Array;
  scores: Float32Array;
  found: Uint32Array;
}

function finish(out: Outputs): TopK {
  const found = out.found[0];
  return { rows: out.rows.subarray(0, found), scores: out.scores.subarray(0, found) };
}
