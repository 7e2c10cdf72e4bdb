/** The similarity slot: scoring a query against a contiguous store of vectors. */

export interface TopK {
  /** Row numbers in the store, best first. */
  rows: Uint32Array;
  /** Dot-product scores (cosine for L2-normalized vectors), same order as `rows`. */
  scores: Float32Array;
}

export interface SimilarityKernel {
  /** "rust(avx512)", "ts", ...: reported in /ready and as a metrics label. */
  readonly implementation: string;
  dot(a: Float32Array, b: Float32Array): number;
  /**
   * Exact top-k by dot product over `store`, `n × dims` floats row-major. Ties keep the
   * lower row first, so every implementation returns the same order.
   */
  topK(store: Float32Array, dims: number, query: Float32Array, k: number): TopK;
  close(): void;
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
