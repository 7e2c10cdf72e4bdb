/**
 * Keeps the in-process vector index in step with the store. The store's chunk ids only grow,
 * so the index remembers the last id it holds and catches up by streaming what came after
 * (at start-up: everything, one batch at a time, never an array of objects). Document and
 * owner ids are strings in the store and small integers in the index's per-row columns.
 */
import type { Store } from "../plugins/store/types.ts";
import { VectorIndex } from "./vector-index.ts";
import type { SimilarityKernel } from "../plugins/similarity/types.ts";

/** Rows per batch while loading: 256 holds ~17 MiB less at 100k vectors than 1024. */
const STREAM_BATCH = 256;

export interface VectorHit {
  chunkId: number;
  documentId: string;
  score: number;
}

export class IndexSync {
  readonly index: VectorIndex;
  #lastChunkId = 0;
  readonly #documentIds = new Interner();
  readonly #ownerIds = new Interner();
  /** Documents whose chunks may be in the index but which are not ready yet. */
  readonly #pending = new Set<string>();
  #catchingUp: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    kernel: SimilarityKernel,
    private readonly model: string,
    dims: number,
  ) {
    this.index = new VectorIndex(kernel, dims);
  }

  /** Streams every vector stored after the last one the index holds. */
  catchUp(): Promise<void> {
    // one catch-up at a time; a caller arriving meanwhile waits for it and then runs its own
    const previous = this.#catchingUp ?? Promise.resolve();
    const next = previous.then(() => this.#stream());
    this.#catchingUp = next.finally(() => {
      if (this.#catchingUp === next) this.#catchingUp = undefined;
    });
    return next;
  }

  async #stream(): Promise<void> {
    for await (
      const batch of this.store.streamVectors(this.model, STREAM_BATCH, this.#lastChunkId)
    ) {
      const owners = Uint32Array.from(batch.ownerIds, (id) => this.#ownerIds.intern(id));
      const documents = Uint32Array.from(batch.documentIds, (id) => this.#documentIds.intern(id));
      this.index.addMany(batch.chunkIds, owners, documents, batch.vectors);
      this.#lastChunkId = batch.chunkIds[batch.chunkIds.length - 1];
    }
  }

  markPending(documentId: string): void {
    this.#pending.add(documentId);
  }

  markReady(documentId: string): void {
    this.#pending.delete(documentId);
  }

  removeDocument(documentId: string): void {
    this.#pending.delete(documentId);
    const id = this.#documentIds.lookup(documentId);
    if (id !== undefined) this.index.removeDocument(id);
  }

  /** Top `k` of one owner's ready documents, filtered inside the kernel scan. */
  async search(
    query: Float32Array,
    k: number,
    ownerId: string,
    documentIds?: string[],
  ): Promise<VectorHit[]> {
    const owner = this.#ownerIds.lookup(ownerId);
    if (owner === undefined) return [];
    let allowed: number[] | undefined;
    if (documentIds) {
      allowed = documentIds.flatMap((id) => {
        const n = this.#documentIds.lookup(id);
        return n === undefined ? [] : [n];
      });
      if (allowed.length === 0) return [];
    }
    // pending documents are rare and few: ask for a little more, then drop them
    const extra = this.#pending.size > 0 ? Math.min(k, 16) : 0;
    const hits = await this.index.search(query, k + extra, {
      ownerId: owner,
      documentIds: allowed,
    });
    const out: VectorHit[] = [];
    for (const hit of hits) {
      const documentId = this.#documentIds.name(hit.documentId);
      if (this.#pending.has(documentId)) continue;
      out.push({ chunkId: hit.chunkId, documentId, score: hit.score });
      if (out.length === k) break;
    }
    return out;
  }
}

/** Strings to dense integers and back. */
class Interner {
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];

  intern(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#ids.set(name, id);
      this.#names.push(name);
    }
    return id;
  }

  lookup(name: string): number | undefined {
    return this.#ids.get(name);
  }

  name(id: number): string {
    return this.#names[id];
  }
}
