/**
 * The TypeScript twin of the similarity kernel: the fallback where the cdylib is missing.
 * Same modes, same quantization arithmetic (f32 rounding emulated with Math.fround) and the
 * same candidate order as kernels/similarity, so approximate modes pick the same rows.
 */
import { BestK } from "./best.ts";
import {
  checkSearchArgs,
  checkTopKArgs,
  type Codes,
  codeSizes,
  defaultNarrow,
  defaultWide,
  type SearchOptions,
  type SimilarityKernel,
  type StoreView,
  type TopK,
  wordsFor,
} from "./types.ts";

export class TsSimilarity implements SimilarityKernel {
  readonly implementation = "ts";

  dot(a: Float32Array, b: Float32Array): number {
    if (a.length !== b.length) throw new RangeError("vectors differ in length");
    return dotAt(a, 0, b, a.length);
  }

  topK(store: Float32Array, dims: number, query: Float32Array, k: number): TopK {
    checkTopKArgs(store, dims, query, k);
    return exact({ vectors: store, dims }, query, Math.min(k, store.length / dims), admitAll);
  }

  encode(vectors: Float32Array, dims: number, codes: Codes): void {
    if (!Number.isInteger(dims) || dims < 1) {
      throw new RangeError("dims must be a positive integer");
    }
    const n = vectors.length / dims;
    const size = codeSizes(n, dims);
    if (
      !Number.isInteger(n) || codes.int8.length !== size.int8 ||
      codes.scales.length !== n || codes.bits.length !== size.bits
    ) {
      throw new RangeError(`codes are not sized for ${vectors.length / dims} rows of ${dims}`);
    }
    const words32 = wordsFor(dims) * 2;
    for (let row = 0; row < n; row++) {
      const at = row * dims;
      for (let j = at; j < at + dims; j++) {
        if (!Number.isFinite(vectors[j])) {
          throw new RangeError(`row ${row}, dimension ${j - at} is not finite`);
        }
      }
      codes.scales[row] = quantize(vectors, at, dims, codes.int8, at, 128);
      signBits(vectors, at, dims, codes.center, codes.bits, row * words32);
    }
  }

  search(
    store: StoreView,
    query: Float32Array,
    k: number,
    options: SearchOptions = {},
  ): Promise<TopK> {
    // a bad call rejects, as the Rust kernel's does, rather than throwing
    try {
      return Promise.resolve(searchNow(store, query, k, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  hugePages(): boolean {
    return false;
  }

  close(): void {}
}

function searchNow(store: StoreView, query: Float32Array, k: number, options: SearchOptions): TopK {
  const n = checkSearchArgs(store, query, k, options);
  const take = Math.min(k, n);
  const admits = filterFor(store, options);
  const narrow = Math.max(options.narrow || defaultNarrow(take), take);
  switch (options.mode ?? "exact") {
    case "exact":
      return exact(store, query, take, admits);
    case "int8":
      return int8(store, query, take, narrow, admits);
    case "cascade":
    case "cascade-asym": {
      const wide = Math.max(options.wide || defaultWide(take), narrow);
      const asymmetric = options.mode === "cascade-asym";
      return cascade(store, query, take, wide, narrow, admits, asymmetric);
    }
  }
}

type Admits = (row: number) => boolean;
const admitAll: Admits = () => true;

function filterFor(store: StoreView, options: SearchOptions): Admits {
  const { owner, allow } = options;
  const owners = store.owners;
  if (owner === undefined && !allow) return admitAll;
  return (row) =>
    (owner === undefined || owners![row] === owner) &&
    (!allow || (allow[row >> 3] & (1 << (row & 7))) !== 0);
}

function exact(store: StoreView, query: Float32Array, k: number, admits: Admits): TopK {
  const { vectors, dims } = store;
  const n = vectors.length / dims;
  const top = new BestK(k);
  for (let row = 0; row < n; row++) {
    if (admits(row)) top.offer(finite(dotAt(vectors, row * dims, query, dims)), row);
  }
  return result(top);
}

function int8(store: StoreView, query: Float32Array, k: number, narrow: number, admits: Admits) {
  const { dims } = store;
  const n = store.vectors.length / dims;
  const q = new Int8Array(dims);
  const bias = quantizedQuery(query, q);
  const candidates = new BestK(narrow);
  for (let row = 0; row < n; row++) {
    if (admits(row)) candidates.offer(int8Score(store, row, q, bias), row);
  }
  return rescore(store, query, candidates, k);
}

/** Mirrors `cascade` in kernels/similarity/src/search.rs. */
function cascade(
  store: StoreView,
  query: Float32Array,
  k: number,
  wide: number,
  narrow: number,
  admits: Admits,
  asymmetric: boolean,
): TopK {
  const { dims } = store;
  const codes = store.codes!;
  const n = store.vectors.length / dims;
  const words32 = wordsFor(dims) * 2;
  const q = new Int8Array(dims);
  const bias = quantizedQuery(query, q);
  const code = new Uint32Array(words32);
  signBits(query, 0, dims, codes.center, code, 0);
  const coarse = new BestK(wide);
  for (let row = 0; row < n; row++) {
    if (!admits(row)) continue;
    const at = row * words32;
    coarse.offer(asymmetric ? signDot(codes.bits, at, q) : -hamming(codes.bits, at, code), row);
  }
  const fine = new BestK(narrow);
  for (let i = 0; i < coarse.size; i++) {
    const row = coarse.rows[i];
    fine.offer(int8Score(store, row, q, bias), row);
  }
  return rescore(store, query, fine, k);
}

function rescore(store: StoreView, query: Float32Array, candidates: BestK, k: number): TopK {
  const top = new BestK(k);
  for (let i = 0; i < candidates.size; i++) {
    const row = candidates.rows[i];
    top.offer(finite(dotAt(store.vectors, row * store.dims, query, store.dims)), row);
  }
  return result(top);
}

/** NaN ranks as the worst score, as in the Rust kernel. */
function finite(score: number): number {
  return Number.isNaN(score) ? -Infinity : score;
}

function result(top: BestK): TopK {
  return {
    rows: top.rows.slice(0, top.size),
    scores: Float32Array.from(top.keys.subarray(0, top.size)),
  };
}

/**
 * Symmetric int8 codes of `x[at..at+len]` into `out[to..]`, offset by `bias` (128 for stored
 * rows, 0 for queries); returns the scale. f32 steps as in kernels/similarity/src/encode.rs.
 */
function quantize(
  x: Float32Array,
  at: number,
  len: number,
  out: Uint8Array | Int8Array,
  to: number,
  bias: number,
): number {
  let max = 0;
  for (let i = 0; i < len; i++) max = Math.max(max, Math.abs(x[at + i]));
  if (max === 0) {
    out.fill(bias, to, to + len);
    return 0;
  }
  const inv = Math.fround(127 / max);
  for (let i = 0; i < len; i++) {
    // the kernel's f32 steps: scale, add ±0.5 (sign of the scaled value), truncate
    const v = Math.fround(x[at + i] * inv);
    const c = Math.min(127, Math.max(-127, Math.trunc(Math.fround(v + (v < 0 ? -0.5 : 0.5)))));
    out[to + i] = c + bias;
  }
  return Math.fround(max / 127);
}

/** The int8 query into `q`; returns the bias `128 · Σ q` that biased row dots carry. */
function quantizedQuery(query: Float32Array, q: Int8Array): number {
  quantize(query, 0, query.length, q, 0, 0);
  let sum = 0;
  for (let i = 0; i < q.length; i++) sum += q[i];
  return 128 * sum;
}

function int8Score(store: StoreView, row: number, q: Int8Array, bias: number): number {
  const { int8, scales } = store.codes!;
  const dims = store.dims;
  const at = row * dims;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= dims; i += 4) {
    s0 += int8[at + i] * q[i];
    s1 += int8[at + i + 1] * q[i + 1];
    s2 += int8[at + i + 2] * q[i + 2];
    s3 += int8[at + i + 3] * q[i + 3];
  }
  for (; i < dims; i++) s0 += int8[at + i] * q[i];
  return Math.fround(Math.fround(s0 + s1 + s2 + s3 - bias) * scales[row]);
}

/** Sign bits of `x[at..at+len] − center` into `out[to..]` as u32 halves of u64 words. */
function signBits(
  x: Float32Array,
  at: number,
  len: number,
  center: Float32Array | undefined,
  out: Uint32Array,
  to: number,
): void {
  out.fill(0, to, to + wordsFor(len) * 2);
  for (let i = 0; i < len; i++) {
    if (x[at + i] > (center ? center[i] : 0)) out[to + (i >>> 5)] |= 1 << (i & 31);
  }
}

/** Σ of the int8 query over the row's set sign bits (the asymmetric binary score). */
function signDot(bits: Uint32Array, at: number, q: Int8Array): number {
  let sum = 0;
  for (let i = 0; i < q.length; i++) {
    // branch-free: -(bit) is 0 or all ones
    sum += q[i] & -((bits[at + (i >>> 5)] >>> (i & 31)) & 1);
  }
  return sum;
}

function hamming(bits: Uint32Array, at: number, code: Uint32Array): number {
  let total = 0;
  for (let i = 0; i < code.length; i++) {
    let v = bits[at + i] ^ code[i];
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    total += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return total;
}

/** Dot product of `len` floats of `a` from `offset` with `b`, unrolled by four. */
function dotAt(a: Float32Array, offset: number, b: Float32Array, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    s0 += a[offset + i] * b[i];
    s1 += a[offset + i + 1] * b[i + 1];
    s2 += a[offset + i + 2] * b[i + 2];
    s3 += a[offset + i + 3] * b[i + 3];
  }
  for (; i < len; i++) s0 += a[offset + i] * b[i];
  return s0 + s1 + s2 + s3;
}
