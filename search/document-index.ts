/**
 * The in-process vector index in the store's terms: document and owner ids are strings in the
 * store and small integers in the index's per-row columns, and documents still ingesting are
 * pending: held, but never returned by a search.
 */
import type { VectorBatch } from "../plugins/store/types.ts";
import type { SimilarityKernel } from "../plugins/similarity/types.ts";
import { Interner } from "./interner.ts";
import { VectorIndex } from "./vector-index.ts";

export interface VectorHit {
  chunkId: number;
  documentId: string;
  score: number;
}

export class DocumentIndex {
  readonly index: VectorIndex;
  /** Documents whose chunks may be in the index but which are not ready yet. */
  readonly pending = new Set<string>();
  readonly #documentIds = new Interner();
  readonly #ownerIds = new Interner();

  constructor(kernel: SimilarityKernel, dims: number) {
    this.index = new VectorIndex(kernel, dims);
  }

  add(batch: VectorBatch): void {
    if (batch.chunkIds.length === 0) return;
    const owners = Uint32Array.from(batch.ownerIds, (id) => this.#ownerIds.intern(id));
    const documents = Uint32Array.from(batch.documentIds, (id) => this.#documentIds.intern(id));
    this.index.addMany(batch.chunkIds, owners, documents, batch.vectors);
  }

  removeDocument(documentId: string): void {
    this.pending.delete(documentId);
    const id = this.#documentIds.lookup(documentId);
    if (id !== undefined) this.index.removeDocument(id);
  }

  /** Every document ever held (removed ones included). */
  documents(): readonly string[] {
    return this.#documentIds.names();
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
    const extra = this.pending.size > 0 ? Math.min(k, 16) : 0;
    const hits = await this.index.search(query, k + extra, {
      ownerId: owner,
      documentIds: allowed,
    });
    const out: VectorHit[] = [];
    for (const hit of hits) {
      const documentId = this.#documentIds.name(hit.documentId);
      if (this.pending.has(documentId)) continue;
      out.push({ chunkId: hit.chunkId, documentId, score: hit.score });
      if (out.length === k) break;
    }
    return out;
  }
}
