/** The TypeScript twin of the similarity kernel: the fallback where the cdylib is missing. */
import { checkTopKArgs, type SimilarityKernel, type TopK } from "./types.ts";

export class TsSimilarity implements SimilarityKernel {
  readonly implementation = "ts";

  dot(a: Float32Array, b: Float32Array): number {
    if (a.length !== b.length) throw new RangeError("vectors differ in length");
    return dotAt(a, 0, b, a.length);
  }

  topK(store: Float32Array, dims: number, query: Float32Array, k: number): TopK {
    checkTopKArgs(store, dims, query, k);
    const n = store.length / dims;
    const take = Math.min(k, n);
    const rows = new Uint32Array(take);
    const scores = new Float32Array(take);
    let filled = 0;
    for (let row = 0; row < n; row++) {
      const score = Math.fround(dotAt(store, row * dims, query, dims));
      if (filled === take && (take === 0 || score <= scores[take - 1])) continue;
      // insertion into the sorted prefix; k is small, so this beats a heap
      let i = filled < take ? filled++ : take - 1;
      while (i > 0 && scores[i - 1] < score) {
        scores[i] = scores[i - 1];
        rows[i] = rows[i - 1];
        i--;
      }
      scores[i] = score;
      rows[i] = row;
    }
    return { rows, scores };
  }

  close(): void {}
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
