/** The Rust similarity kernel behind the SimilarityKernel interface. */
import { KernelLibrary } from "../ffi.ts";
import { checkTopKArgs, type SimilarityKernel, type TopK } from "../../plugins/similarity/types.ts";

const symbols = {
  // i32 sim_dot_f32(const f32* a, const f32* b, usize len, f32* out, u8* err, usize err_cap)
  sim_dot_f32: {
    parameters: ["buffer", "buffer", "usize", "buffer", "buffer", "usize"],
    result: "i32",
  },
  // i32 sim_topk_f32(const f32* store, usize n, usize dims, const f32* query, usize k,
  //                  u32* out_rows, f32* out_scores, u8* err, usize err_cap)
  sim_topk_f32: {
    parameters: [
      "buffer",
      "usize",
      "usize",
      "buffer",
      "usize",
      "buffer",
      "buffer",
      "buffer",
      "usize",
    ],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

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
    const n = store.length / dims;
    const take = Math.min(k, n);
    const rows = new Uint32Array(take);
    const scores = new Float32Array(take);
    const [err, cap] = this.#lib.syncErrorBuffer();
    const status = this.#lib.symbols.sim_topk_f32(
      store,
      BigInt(n),
      BigInt(dims),
      query,
      BigInt(k),
      rows,
      scores,
      err,
      cap,
    );
    this.#lib.check(status);
    return { rows, scores };
  }

  /** Test-only: a panic inside the kernel must come back as an error. */
  testPanic(): void {
    this.#lib.testPanic();
  }

  close(): void {
    this.#lib.close();
  }
}
