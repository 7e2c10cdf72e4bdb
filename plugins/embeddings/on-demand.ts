/**
 * Holds the embedding model in memory only while it is used, the way Ollama's `keep_alive`
 * does: the weights, the tokenizer and the kernel's scratch are ~30 MiB of an idle server's
 * RSS, and a team's server is idle most of the day. The model loads on the first call after an
 * idle spell (~0.1–0.3 s) and is closed `keepAliveMs` after the last call ends.
 */
import { releaseFreedMemory } from "../../kernels/libc.ts";
import { log } from "../../server/log.ts";
import type { EmbeddingKernel, Encoded } from "./types.ts";

export class OnDemandEmbeddings implements EmbeddingKernel {
  readonly implementation: string;
  readonly modelId: string;
  readonly dims: number;
  readonly maxTokens: number;
  readonly #open: () => Promise<EmbeddingKernel>;
  readonly #keepAliveMs: number;
  #kernel: EmbeddingKernel | null;
  #loading: Promise<EmbeddingKernel> | null = null;
  /** Calls and holds in flight: the model is never closed under them. */
  #users = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  private constructor(
    first: EmbeddingKernel,
    open: () => Promise<EmbeddingKernel>,
    keepAliveMs: number,
  ) {
    this.implementation = first.implementation;
    this.modelId = first.modelId;
    this.dims = first.dims;
    this.maxTokens = first.maxTokens;
    this.#kernel = first;
    this.#open = open;
    this.#keepAliveMs = keepAliveMs;
  }

  /**
   * Opens the model once, so a missing or broken model stops startup and its dimensions are
   * known, then lets it go until the first call. keepAliveMs 0: the kernel itself, for good.
   */
  static async open(
    open: () => Promise<EmbeddingKernel>,
    keepAliveMs: number,
  ): Promise<EmbeddingKernel> {
    const first = await open();
    if (keepAliveMs <= 0) return first;
    const kernel = new OnDemandEmbeddings(first, open, keepAliveMs);
    kernel.#unload();
    return kernel;
  }

  get modelBytes(): number {
    return this.#kernel?.modelBytes ?? 0;
  }

  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.#users++;
    try {
      await this.#load();
      return await work();
    } finally {
      this.#release();
    }
  }

  embed(texts: string[]): Promise<Float32Array> {
    return this.hold(() => this.#resident().embed(texts));
  }

  encode(texts: string[]): Promise<Encoded> {
    return this.hold(() => this.#resident().encode(texts));
  }

  countTokens(text: string): number {
    return this.#resident().countTokens(text);
  }

  tokenOffsets(text: string): Uint32Array {
    return this.#resident().tokenOffsets(text);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    this.#kernel?.close();
    this.#kernel = null;
  }

  /** Tokenizing is synchronous, so it only works inside `hold` (or right after a call). */
  #resident(): EmbeddingKernel {
    if (this.#closed) throw new Error("embeddings are closed");
    if (!this.#kernel) throw new Error("embedding model not loaded: tokenize inside hold()");
    return this.#kernel;
  }

  async #load(): Promise<void> {
    clearTimeout(this.#idleTimer);
    if (this.#kernel || this.#closed) return;
    this.#loading ??= this.#reopen().finally(() => this.#loading = null);
    await this.#loading;
  }

  async #reopen(): Promise<EmbeddingKernel> {
    const started = performance.now();
    const kernel = await this.#open();
    if (this.#closed) {
      kernel.close();
      throw new Error("embeddings are closed");
    }
    this.#kernel = kernel;
    log.info("embedding model loaded", {
      model: this.modelId,
      ms: Math.round(performance.now() - started),
    });
    return kernel;
  }

  #release(): void {
    this.#users--;
    if (this.#users === 0) this.#scheduleUnload();
  }

  #scheduleUnload(): void {
    clearTimeout(this.#idleTimer);
    const timer = setTimeout(() => this.#unload(), this.#keepAliveMs);
    // an idle timer must not keep a stopping process alive
    Deno.unrefTimer(timer);
    this.#idleTimer = timer;
  }

  #unload(): void {
    if (this.#users > 0 || !this.#kernel) return;
    this.#kernel.close();
    this.#kernel = null;
    // close frees the weights once the kernel's queue settles, a task later; glibc keeps
    // freed pages in its arenas until trimmed
    setTimeout(releaseFreedMemory, 0);
    log.info("embedding model unloaded", { model: this.modelId });
  }
}
