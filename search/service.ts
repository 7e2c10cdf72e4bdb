/**
 * Retrieval: the query embedded and scanned by the similarity kernel over the in-process
 * index, full-text search in the store, fused by RRF. Owner and document filters apply inside
 * both scans, never after.
 */
import type { Config } from "../config/schema.ts";
import type { EmbeddingKernel } from "../plugins/embeddings/types.ts";
import { queryTerms } from "../plugins/store/terms.ts";
import type { Store } from "../plugins/store/types.ts";
import { reciprocalRankFusion } from "./fusion.ts";
import type { IndexSync } from "./index-sync.ts";
import type { VectorHit } from "./document-index.ts";
import { QueryEmbeddings } from "./query-embeddings.ts";
import { snippet } from "./snippet.ts";

export type SearchMode = "vector" | "text" | "hybrid";

export interface SearchQuery {
  ownerId: string;
  query: string;
  k: number;
  mode: SearchMode;
  documentIds?: string[];
}

export interface SearchResult {
  chunkId: number;
  documentId: string;
  title: string;
  pageStart: number;
  pageEnd: number;
  score: number;
  /** Where each list ranked it (1-based), null when it did not find it. */
  ranks: { vector: number | null; text: number | null };
  snippet: string;
  text: string;
}

export class SearchService {
  readonly #queries: QueryEmbeddings;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    embeddings: EmbeddingKernel,
    private readonly index: IndexSync,
  ) {
    this.#queries = new QueryEmbeddings(embeddings, config.retrieval.queryCacheEntries);
  }

  async search(q: SearchQuery): Promise<SearchResult[]> {
    const { candidates, rrfK, vectorWeight, textWeight } = this.config.retrieval;
    const depth = Math.max(candidates, q.k);
    const [vector, text] = await Promise.all([
      q.mode === "text" ? [] : this.#vector(q, depth),
      q.mode === "vector" ? [] : this.store.searchText({ ...q, k: depth }),
    ]);
    const fused = reciprocalRankFusion([
      { ids: vector.map((h) => h.chunkId), weight: vectorWeight },
      { ids: text.map((h) => h.chunkId), weight: textWeight },
    ], rrfK).slice(0, q.k);

    const chunks = await this.store.getChunks(fused.map((f) => f.id), q.ownerId);
    const byId = new Map(chunks.map((c) => [c.id, c]));
    const terms = new Set(queryTerms(q.query));
    return fused.flatMap((f) => {
      const chunk = byId.get(f.id);
      if (!chunk) return []; // deleted between the scan and now
      return [{
        chunkId: chunk.id,
        documentId: chunk.documentId,
        title: chunk.documentTitle,
        pageStart: chunk.pageStart,
        pageEnd: chunk.pageEnd,
        score: f.score,
        ranks: { vector: f.ranks[0], text: f.ranks[1] },
        snippet: snippet(chunk.text, chunk.documentLanguage, terms),
        text: chunk.text,
      }];
    });
  }

  async #vector(q: SearchQuery, depth: number): Promise<VectorHit[]> {
    const query = await this.#queries.embed(q.query);
    return this.index.search(query, depth, q.ownerId, q.documentIds);
  }
}
