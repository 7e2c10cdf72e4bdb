/**
 * Clustered synthetic embeddings for tests and benchmarks, until real ones exist: the model
 * of kernels/similarity/src/synthetic.rs (shared mean direction, topics, documents, chunks
 * with anisotropic noise; rows of a document contiguous), with a 32-bit generator instead of
 * SplitMix64, so the numbers differ but the structure is the same.
 */

const MEAN = 0.5;
const TOPIC = 0.7;
const DOC = 0.35;
const NOISE = 0.7;
const QUERY_NOISE = 0.9;
export const CHUNKS_PER_DOC = 50;

/** sfc32: fast, 32-bit, deterministic. */
class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d = 1;
  #spare = NaN;
  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = seed >>> 0;
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }
  /** Uniform in (0, 1]. */
  uniform(): number {
    return (this.u32() + 1) / 4294967296;
  }
  /** Standard normal (Box–Muller, both values used). */
  gauss(): number {
    if (!Number.isNaN(this.#spare)) {
      const s = this.#spare;
      this.#spare = NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const t = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
  unit(dims: number): Float64Array {
    const v = new Float64Array(dims);
    for (let i = 0; i < dims; i++) v[i] = this.gauss();
    return normalize(v);
  }
}

function normalize(v: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

export class Clustered {
  readonly #mean: Float64Array;
  readonly #topics: { center: Float64Array; sigma: Float64Array }[] = [];

  /** A corpus of `topics` topics; ~3 000 rows a topic is what the defaults were tuned on. */
  constructor(readonly dims: number, topics: number, readonly seed: number) {
    const rng = new Rng(seed);
    this.#mean = rng.unit(dims);
    for (let t = 0; t < Math.max(1, topics); t++) {
      const center = rng.unit(dims);
      const sigma = new Float64Array(dims);
      for (let j = 0; j < dims; j++) sigma[j] = 1 / Math.sqrt(1 + j / 8);
      for (let i = dims - 1; i > 0; i--) {
        const j = rng.u32() % (i + 1);
        [sigma[i], sigma[j]] = [sigma[j], sigma[i]];
      }
      this.#topics.push({ center, sigma: normalize(sigma) });
    }
  }

  #document(doc: number): { base: Float64Array; sigma: Float64Array } {
    const { center, sigma } = this.#topics[doc % this.#topics.length];
    const own = new Rng((this.seed ^ Math.imul(doc + 1, 0x9e3779b1)) >>> 0).unit(this.dims);
    const base = new Float64Array(this.dims);
    for (let j = 0; j < this.dims; j++) {
      base[j] = MEAN * this.#mean[j] + TOPIC * center[j] + DOC * own[j];
    }
    return { base, sigma };
  }

  #chunk(
    base: Float64Array,
    sigma: Float64Array,
    noise: number,
    rng: Rng,
    out: Float32Array,
    at: number,
  ) {
    let s = 0;
    for (let j = 0; j < this.dims; j++) {
      const v = base[j] + noise * sigma[j] * rng.gauss();
      out[at + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < this.dims; j++) out[at + j] *= inv;
  }

  /** Fills `out` (rows × dims) with rows `CHUNKS_PER_DOC` to a document. */
  rows(out: Float32Array): Float32Array {
    const n = out.length / this.dims;
    const rng = new Rng(this.seed + 1);
    let doc = this.#document(0);
    for (let row = 0; row < n; row++) {
      if (row % CHUNKS_PER_DOC === 0) doc = this.#document(row / CHUNKS_PER_DOC);
      this.#chunk(doc.base, doc.sigma, NOISE, rng, out, row * this.dims);
    }
    return out;
  }

  /** `count` queries, each about a random document among the first `n` rows'. */
  queries(n: number, count: number): Float32Array {
    const docs = Math.max(1, Math.ceil(n / CHUNKS_PER_DOC));
    const out = new Float32Array(count * this.dims);
    const rng = new Rng(this.seed + 2);
    for (let q = 0; q < count; q++) {
      const { base, sigma } = this.#document(rng.u32() % docs);
      this.#chunk(base, sigma, QUERY_NOISE, rng, out, q * this.dims);
    }
    return out;
  }
}
