/**
 * The embedded store's full-text search: FTS5 BM25 over the owner's ready chunks.
 *
 * Where the time goes (8.3k chunks, a question matching ~1 400 of them): finding the matches
 * takes ~0.8 ms, bm25 over them ~5 ms, so the query is shaped to rank no more than it must:
 * - FTS5 ranks first and the join to chunks and documents sees only the top k rows; joining
 *   every match before sorting cost another ~3 ms. Rows the join then drops (a document still
 *   ingesting) can leave fewer than k, and then the exact join-first query runs instead.
 * - bm25 computes each phrase's IDF by walking its whole doclist once per query, and the owner
 *   token's doclist is every chunk of the owner (~2 ms at 8k). When no other owner has
 *   documents the token selects nothing and is left out; scores are the same (its column has
 *   weight 0).
 * - With `documentIds` the filter must apply before ranking, so the join-first query runs.
 */
import type { SqliteDatabase } from "./sqlite-database.ts";
import { queryTerms } from "./terms.ts";
import type { TextHit, TextSearchQuery } from "./types.ts";
import type { Row } from "./rows.ts";

const RANKED_FIRST = `SELECT c.id, c.document_id, c.page_start, c.page_end, t.rank,
    d.owner_id = ? AND d.status = 'ready' AS visible
  FROM (SELECT rowid, bm25(chunk_terms, 1.0, 0.0) AS rank FROM chunk_terms
    WHERE chunk_terms MATCH ? ORDER BY rank, rowid LIMIT ?) t
  JOIN chunks c ON c.id = t.rowid JOIN documents d ON d.id = c.document_id
  ORDER BY t.rank, c.id`;

const FILTERED_FIRST = `SELECT c.id, c.document_id, c.page_start, c.page_end,
    bm25(chunk_terms, 1.0, 0.0) AS rank
  FROM chunk_terms JOIN chunks c ON c.id = chunk_terms.rowid
    JOIN documents d ON d.id = c.document_id
  WHERE chunk_terms MATCH ? AND d.owner_id = ? AND d.status = 'ready'
    AND (? IS NULL OR d.id IN (SELECT value FROM json_each(?)))
  ORDER BY rank, c.id LIMIT ?`;

export function searchSqliteText(
  s: SqliteDatabase,
  { ownerId, query, k, documentIds }: TextSearchQuery,
): TextHit[] {
  const terms = queryTerms(query);
  if (terms.length === 0 || k <= 0 || documentIds?.length === 0) return [];
  const words = `terms : (${terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(" OR ")})`;
  const soleOwner = !s.q("SELECT 1 FROM documents WHERE owner_id != ? LIMIT 1").get(ownerId);
  const match = soleOwner ? words : `owner : "${ownerToken(ownerId)}" AND ${words}`;
  if (!documentIds) {
    const rows = s.q(RANKED_FIRST).all(ownerId, match, k);
    const visible = rows.filter((r) => r.visible);
    if (visible.length === rows.length || rows.length < k) return visible.map(toHit);
  }
  const ids = documentIds ? JSON.stringify(documentIds) : null;
  return s.q(FILTERED_FIRST).all(match, ownerId, ids, ids, k).map(toHit);
}

function toHit(r: Row): TextHit {
  return {
    chunkId: Number(r.id),
    documentId: String(r.document_id),
    score: -Number(r.rank),
    pageStart: Number(r.page_start),
    pageEnd: Number(r.page_end),
  };
}

/** An owner id as one FTS5 token: "o" + hex of its UTF-8 bytes (any id, no collisions). */
export function ownerToken(ownerId: string): string {
  let hex = "o";
  for (const byte of new TextEncoder().encode(ownerId)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
