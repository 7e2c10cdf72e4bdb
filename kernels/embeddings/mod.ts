/** The Rust embeddings kernel behind the EmbeddingKernel interface. */
import { KernelLibrary } from "../ffi.ts";
import { byteToUtf16, type EmbeddingKernel, type Encoded } from "../../plugins/embeddings/types.ts";

const symbols = {
  // i32 emb_open(const u8* dir, usize dir_len, u32 int8, u32 threads, u64* out_handle,
  //              u8* err, usize err_cap)
  emb_open: {
    parameters: ["buffer", "usize", "u32", "u32", "buffer", "buffer", "usize"],
    result: "i32",
    nonblocking: true,
  },
  // i32 emb_close(u64 handle)
  emb_close: { parameters: ["u64"], result: "i32" },
  // i32 emb_describe(u64 handle, u64 out[5], u8* err, usize err_cap)
  emb_describe: { parameters: ["u64", "buffer", "buffer", "usize"], result: "i32" },
  // i32 emb_embed(u64 handle, const u8* text, usize text_len, const u32* bounds, usize n,
  //               f32* out, u32* out_tokens, u8* out_truncated, u8* err, usize err_cap)
  emb_embed: {
    parameters: [
      "u64",
      "buffer",
      "usize",
      "buffer",
      "usize",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "usize",
    ],
    result: "i32",
    nonblocking: true,
  },
  // i32 emb_tokenize(u64 handle, const u8* text, usize text_len, u32* out_offsets, usize cap,
  //                  u32* out_count, u8* err, usize err_cap)
  emb_tokenize: {
    parameters: ["u64", "buffer", "usize", "buffer", "usize", "buffer", "buffer", "usize"],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

export interface RustEmbeddingsOptions {
  modelDir: string;
  modelId: string;
  int8: boolean;
  /** Kernel worker threads; 0 means one per core. */
  threads: number;
  /** Texts per kernel call; larger inputs are split (bounds the call's buffers). */
  batchSize: number;
  libraryDir?: string;
}

const encoder = new TextEncoder();

export class RustEmbeddings implements EmbeddingKernel {
  readonly implementation: string;
  readonly modelId: string;
  readonly dims: number;
  readonly maxTokens: number;
  readonly modelBytes: number;
  readonly #lib: KernelLibrary<typeof symbols>;
  readonly #handle: bigint;
  readonly #batchSize: number;
  /** Calls run one at a time: the kernel already spreads one call over every core. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    lib: KernelLibrary<typeof symbols>,
    handle: bigint,
    options: RustEmbeddingsOptions,
  ) {
    this.#lib = lib;
    this.#handle = handle;
    this.#batchSize = options.batchSize;
    this.modelId = options.modelId;
    const info = new BigUint64Array(5);
    const [err, cap] = lib.syncErrorBuffer();
    lib.check(lib.symbols.emb_describe(handle, info, err, cap));
    this.dims = Number(info[0]);
    this.maxTokens = Number(info[1]);
    this.modelBytes = Number(info[2]);
    this.implementation = `rust(${lib.info},${info[4] ? "int8" : "f32"})`;
  }

  static async open(options: RustEmbeddingsOptions): Promise<RustEmbeddings> {
    const lib = new KernelLibrary("embeddings", symbols, options.libraryDir);
    try {
      const dir = encoder.encode(options.modelDir);
      const handle = new BigUint64Array(1);
      const [err, cap] = KernelLibrary.errorBuffer();
      const status = await lib.symbols.emb_open(
        dir,
        BigInt(dir.length),
        options.int8 ? 1 : 0,
        options.threads,
        handle,
        err,
        cap,
      );
      lib.check(status, err);
      return new RustEmbeddings(lib, handle[0], options);
    } catch (e) {
      lib.close();
      throw e;
    }
  }

  async embed(texts: string[]): Promise<Float32Array> {
    return (await this.encode(texts)).vectors;
  }

  encode(texts: string[]): Promise<Encoded> {
    const run = this.#queue.then(() => this.#encodeAll(texts));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #encodeAll(texts: string[]): Promise<Encoded> {
    this.#assertOpen();
    const out: Encoded = {
      vectors: new Float32Array(texts.length * this.dims),
      tokens: new Uint32Array(texts.length),
      truncated: new Uint8Array(texts.length),
    };
    for (let first = 0; first < texts.length; first += this.#batchSize) {
      await this.#encodeBatch(texts.slice(first, first + this.#batchSize), out, first);
    }
    return out;
  }

  async #encodeBatch(texts: string[], out: Encoded, first: number): Promise<void> {
    const parts = texts.map((t) => encoder.encode(t));
    const bounds = new Uint32Array(texts.length + 1);
    parts.forEach((p, i) => bounds[i + 1] = bounds[i] + p.length);
    const bytes = new Uint8Array(bounds[texts.length]);
    parts.forEach((p, i) => bytes.set(p, bounds[i]));
    const n = texts.length;
    const vectors = out.vectors.subarray(first * this.dims, (first + n) * this.dims);
    const tokens = out.tokens.subarray(first, first + n);
    const truncated = out.truncated.subarray(first, first + n);
    const [err, cap] = KernelLibrary.errorBuffer();
    const status = await this.#lib.symbols.emb_embed(
      this.#handle,
      bytes,
      BigInt(bytes.length),
      bounds,
      BigInt(n),
      vectors,
      tokens,
      truncated,
      err,
      cap,
    );
    this.#lib.check(status, err);
  }

  countTokens(text: string): number {
    return this.#tokenize(encoder.encode(text), 0).count;
  }

  tokenOffsets(text: string): Uint32Array {
    const bytes = encoder.encode(text);
    // nearly always one call: tokens rarely outnumber bytes (a lowercased ligature can)
    let { count, offsets } = this.#tokenize(bytes, bytes.length);
    if (count > bytes.length) offsets = this.#tokenize(bytes, count).offsets;
    const toUtf16 = byteToUtf16(text);
    return offsets.subarray(0, 2 * count).map((b) => toUtf16[b]);
  }

  #tokenize(bytes: Uint8Array, capacity: number): { count: number; offsets: Uint32Array } {
    this.#assertOpen();
    const count = new Uint32Array(1);
    const offsets = new Uint32Array(2 * capacity);
    const [err, cap] = this.#lib.syncErrorBuffer();
    const status = this.#lib.symbols.emb_tokenize(
      this.#handle,
      bytes,
      BigInt(bytes.length),
      offsets,
      BigInt(capacity),
      count,
      err,
      cap,
    );
    this.#lib.check(status);
    return { count: count[0], offsets };
  }

  hold<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("embeddings kernel is closed");
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // wait for the call in flight before freeing the model it uses
    this.#queue.finally(() => {
      this.#lib.symbols.emb_close(this.#handle);
      this.#lib.close();
    });
  }
}
