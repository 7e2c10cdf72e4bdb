/**
 * Query embeddings kept for the queries most recently asked, so a repeated query — the next
 * page of results, a switch between modes, the same question from several users, a chat turn
 * retrieving for a question just searched — skips the encoder (~1–2 ms of CPU a query, the
 * largest cost left in a search). Keyed by model and the query with its whitespace
 * normalized; least recently used first out, bounded by entry count. Identical queries in
 * flight at once share one encoder call.
 */
import type { EmbeddingKernel } from "../plugins/embeddings/types.ts";
import { Counter, Gauge, metrics } from "../server/metrics.ts";

const lookups = metrics.register(
  new Counter("ligero_query_embedding_cache_total", "Query embedding lookups by result."),
);
const bytesGauge = metrics.register(
  new Gauge("ligero_query_embedding_cache_bytes", "Memory held by cached query embeddings."),
);

export class QueryEmbeddings {
  /** A Map iterates in insertion order: re-inserting on a hit keeps the oldest first. */
  readonly #entries = new Map<string, Float32Array>();
  readonly #pending = new Map<string, Promise<Float32Array>>();
  #bytes = 0;

  constructor(private readonly kernel: EmbeddingKernel, private readonly capacity: number) {
    bytesGauge.collect(() => this.#bytes);
  }

  /** Keys (UTF-16, 2 bytes a char) and vectors, not the Map's own overhead. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The L2-normalized embedding of `query`, from the cache when it was asked recently. */
  embed(query: string): Promise<Float32Array> {
    const key = this.kernel.modelId + "\n" + query.trim().replace(/\s+/g, " ");
    const cached = this.#entries.get(key);
    if (cached) {
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      lookups.inc({ result: "hit" });
      return Promise.resolve(cached);
    }
    const pending = this.#pending.get(key);
    if (pending) {
      lookups.inc({ result: "hit" });
      return pending;
    }
    lookups.inc({ result: "miss" });
    const encoded = this.kernel.embed([query]).then((vector) => {
      this.#remember(key, vector);
      return vector;
    }).finally(() => this.#pending.delete(key));
    this.#pending.set(key, encoded);
    return encoded;
  }

  #remember(key: string, vector: Float32Array): void {
    if (this.capacity === 0) return;
    this.#entries.set(key, vector);
    this.#bytes += key.length * 2 + vector.byteLength;
    for (const [oldest, old] of this.#entries) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(oldest);
      this.#bytes -= oldest.length * 2 + old.byteLength;
    }
  }
}
