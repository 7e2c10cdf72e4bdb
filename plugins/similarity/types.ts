/**
 * The similarity slot: top-k search of a query against a contiguous, caller-owned store of
 * vectors (`n × dims` f32, row-major, L2-normalized), exact or through quantized codes.
 */

export interface TopK {
  /** Row numbers in the store, best first. */
  rows: Uint32Array;
  /** Exact dot-product scores (cosine for normalized vectors), same order as `rows`. */
  scores: Float32Array;
}

/**
 * The quantized forms of a store, built by `encode` into buffers the caller owns (sizes:
 * `codeSizes`). `bits` holds u64 words as little-endian u32 pairs and must be 8-byte aligned.
 */
export interface Codes {
  /** int8 codes biased by +128, `n × dims`. */
  int8: Uint8Array;
  /** Per-row scale: value ≈ (code − 128) · scale. */
  scales: Float32Array;
  /** Sign bits of `row − center`, `wordsFor(dims)` u64 words a row. */
  bits: Uint32Array;
  /** What `bits` are taken around (`dims` floats); absent: zero. Search with the same one. */
  center?: Float32Array;
}

/** A store to search: `vectors` holds exactly `n × dims` floats (pass a subarray). */
export interface StoreView {
  vectors: Float32Array;
  dims: number;
  /** Required by the "int8" and "cascade" modes; sized for the same `n` rows. */
  codes?: Codes;
  /** Per-row owner ids, `n` of them; required by `SearchOptions.owner`. */
  owners?: Uint32Array;
}

/**
 * "exact": every row scored in f32. "int8": int8 scan, best `narrow` rescored in f32.
 * "cascade": sign-bit scan by Hamming distance keeps `wide`, int8 keeps `narrow`, f32 picks
 * k. "cascade-asym": the same with the int8 query summed over each row's sign bits as the
 * first stage (orders neighbourhoods better, costs a little more). Approximate modes still
 * return exact scores; only which rows get scored is approximate.
 */
export type SearchMode = "exact" | "int8" | "cascade" | "cascade-asym";

export interface SearchOptions {
  mode?: SearchMode;
  /** Only rows whose `owners` entry equals this. */
  owner?: number;
  /** Only rows whose bit is set (bit `row % 8` of byte `row >> 3`), ≥ ⌈n / 8⌉ bytes. */
  allow?: Uint8Array;
  /** Candidates the binary stage keeps (cascade); default `defaultWide(k)`. */
  wide?: number;
  /** Candidates the int8 stage keeps for f32 rescoring; default `defaultNarrow(k)`. */
  narrow?: number;
}

export interface SimilarityKernel {
  /** "rust(avx512+vnni+vpopcntdq)", "ts", ...: reported in /ready and as a metrics label. */
  readonly implementation: string;
  dot(a: Float32Array, b: Float32Array): number;
  /**
   * Exact top-min(k, n) by dot product over `store`, `n × dims` floats row-major, computed
   * synchronously. Ties keep the lower row first, so every implementation agrees.
   */
  topK(store: Float32Array, dims: number, query: Float32Array, k: number): TopK;
  /** Writes the codes of every row of `vectors` (`codes` sized for exactly those rows). */
  encode(vectors: Float32Array, dims: number, codes: Codes): void;
  /**
   * One query, one kernel call: the best min(k, n) admitted rows, best first (fewer only
   * when the filter admits fewer). Large scans run off the event loop.
   */
  search(store: StoreView, query: Float32Array, k: number, options?: SearchOptions): Promise<TopK>;
  /**
   * Asks for huge pages behind `buffer` (a big store or code column; scans of 4 KiB pages
   * miss the TLB every 4 KiB): `bytes` from its start, which may reach into capacity a
   * resizable buffer has reserved; `collapse` also merges pages already written. Returns
   * whether it was done (the TS twin cannot: false).
   */
  hugePages(buffer: ArrayBuffer, bytes: number, collapse: boolean): boolean;
  close(): void;
}

/** u64 words of sign code per row. */
export function wordsFor(dims: number): number {
  return Math.ceil(dims / 64);
}

/** Element counts of each `Codes` buffer for `n` rows. */
export function codeSizes(n: number, dims: number): { int8: number; scales: number; bits: number } {
  return { int8: n * dims, scales: n, bits: n * wordsFor(dims) * 2 };
}

/** Fresh zeroed codes for `n` rows (bits 8-byte aligned: typed arrays start aligned). */
export function allocateCodes(n: number, dims: number, center?: Float32Array): Codes {
  const size = codeSizes(n, dims);
  return {
    int8: new Uint8Array(size.int8),
    scales: new Float32Array(size.scales),
    bits: new Uint32Array(size.bits),
    center,
  };
}

/**
 * Rows the int8 stage keeps for exact rescoring. Mirrors `default_narrow` in
 * kernels/similarity/src/search.rs (the conformance suite checks both pick the same rows).
 */
export function defaultNarrow(k: number): number {
  return Math.max(4 * k, 40);
}

/**
 * Rows the binary stage keeps (recall measurements in docs/similarity.md). Mirrors
 * `default_wide` in kernels/similarity/src/search.rs.
 */
export function defaultWide(k: number): number {
  return Math.max(100 * k, 4000);
}

/** Argument checks every implementation shares, so they fail alike. */
export function checkTopKArgs(store: Float32Array, dims: number, query: Float32Array, k: number) {
  if (!Number.isInteger(dims) || dims < 1) throw new RangeError("dims must be a positive integer");
  if (query.length !== dims) {
    throw new RangeError(`query has ${query.length} dimensions, expected ${dims}`);
  }
  if (store.length % dims !== 0) {
    throw new RangeError(`store length ${store.length} is not a multiple of dims ${dims}`);
  }
  if (!Number.isInteger(k) || k < 0) throw new RangeError("k must be a non-negative integer");
}

/** Checks a search call; returns n. */
export function checkSearchArgs(
  store: StoreView,
  query: Float32Array,
  k: number,
  options: SearchOptions,
): number {
  checkTopKArgs(store.vectors, store.dims, query, k);
  const n = store.vectors.length / store.dims;
  const mode = options.mode ?? "exact";
  if (mode !== "exact") {
    const c = store.codes;
    if (!c) throw new RangeError(`mode "${mode}" needs the store's codes`);
    const size = codeSizes(n, store.dims);
    if (c.int8.length !== size.int8 || c.scales.length !== n || c.bits.length !== size.bits) {
      throw new RangeError(`codes are not sized for ${n} rows of ${store.dims} dimensions`);
    }
    if (c.center && c.center.length !== store.dims) {
      throw new RangeError(`center has ${c.center.length} dimensions, expected ${store.dims}`);
    }
  }
  if (options.owner !== undefined) {
    if (!store.owners || store.owners.length !== n) {
      throw new RangeError(`an owner filter needs ${n} owner ids`);
    }
  }
  if (options.allow && options.allow.length < Math.ceil(n / 8)) {
    throw new RangeError(`allow has ${options.allow.length} bytes, ${n} rows need more`);
  }
  return n;
}
