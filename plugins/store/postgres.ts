/**
 * The PostgreSQL store (DATABASE_URL set), through postgres.js. Several ligero instances may
 * share one database. Full text uses PostgreSQL's own stemming: each chunk's `tsvector` is
 * built with its document's configuration (spanish, english or simple), plus CJK bigrams.
 */
import type { TransactionSql } from "postgres";
import { PostgresAccounts } from "./postgres-accounts.ts";
import { connect, guard, migrate } from "./postgres-database.ts";
import { patchColumns, toChunk, toDocument } from "./rows.ts";
import { cjkTerms, queryWords } from "./terms.ts";
import {
  keepPruned,
  PostgresChanges,
  PostgresJobs,
  PostgresSources,
  recordChange,
} from "./postgres-shared.ts";
import { streamPostgresVectors } from "./postgres-vectors.ts";
import { vectorBytes } from "./vectors.ts";
import {
  type Chunk,
  type ChunkBatch,
  type DocumentPatch,
  type DocumentRecord,
  type Language,
  type NewDocument,
  type Page,
  type PageInput,
  RecordMissingError,
  type ResumePoint,
  type TextHit,
  type TextSearchQuery,
  type VectorBatch,
} from "./types.ts";

/** pg_advisory_xact_lock key serializing chunk writes: "chunks" in ASCII. */
const CHUNK_WRITE_LOCK = 0x6368756e6b73;

const CONFIG: Record<Language, string> = { es: "spanish", en: "english", other: "simple" };

export class PostgresStore extends PostgresAccounts {
  readonly implementation = "postgres";
  readonly changes = new PostgresChanges(this.sql);
  readonly jobs = new PostgresJobs(this.sql);
  readonly sources = new PostgresSources(this.sql);
  #stopPruning: (() => void) | undefined;

  /** With `changeRetentionMs`, this instance prunes the change log (at open, then hourly). */
  static async open(url: string, poolSize: number, changeRetentionMs = 0): Promise<PostgresStore> {
    const sql = connect(url, poolSize);
    try {
      await guard(() => migrate(sql));
    } catch (e) {
      await sql.end({ timeout: 1 });
      throw e;
    }
    const store = new PostgresStore(sql);
    if (changeRetentionMs > 0) store.#stopPruning = keepPruned(store.changes, changeRetentionMs);
    return store;
  }

  ping(): Promise<void> {
    return guard(async () => void await this.sql`SELECT 1`);
  }

  async close(): Promise<void> {
    this.#stopPruning?.();
    await this.sql.end({ timeout: 5 });
  }

  createDocument(input: NewDocument): Promise<DocumentRecord> {
    return guard(async () => {
      const [row] = await this.sql`INSERT INTO documents
          (id, owner_id, title, mime, sha256, bytes, pages_total, language)
        VALUES (${crypto.randomUUID()}, ${input.ownerId}, ${input.title}, ${input.mime},
          ${input.sha256}, ${input.bytes}, ${input.pagesTotal ?? 0}, ${input.language ?? "other"})
        RETURNING *`;
      return toDocument(row);
    });
  }

  getDocument(id: string, ownerId?: string): Promise<DocumentRecord | null> {
    return guard(async () => {
      const [row] = await this.sql`SELECT * FROM documents WHERE id = ${id}`;
      if (!row || (ownerId !== undefined && row.owner_id !== ownerId)) return null;
      return toDocument(row);
    });
  }

  findDocumentBySha256(ownerId: string, sha256: string): Promise<DocumentRecord | null> {
    return guard(async () => {
      const [row] = await this.sql`SELECT * FROM documents
        WHERE owner_id = ${ownerId} AND sha256 = ${sha256} AND status <> 'failed'
        ORDER BY created_at LIMIT 1`;
      return row ? toDocument(row) : null;
    });
  }

  listDocuments(
    ownerId: string,
    { limit = 50, offset = 0 }: { limit?: number; offset?: number } = {},
  ): Promise<Page<DocumentRecord>> {
    return guard(async () => {
      const [items, [count]] = await Promise.all([
        this.sql`SELECT * FROM documents WHERE owner_id = ${ownerId}
          ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
        this.sql`SELECT count(*) AS n FROM documents WHERE owner_id = ${ownerId}`,
      ]);
      return { items: items.map(toDocument), total: Number(count.n) };
    });
  }

  updateDocument(id: string, patch: DocumentPatch): Promise<void> {
    const columns = { ...patchColumns(patch), updated_at: new Date() };
    return guard(async () => {
      const result = await this.sql`UPDATE documents SET ${this.sql(columns)} WHERE id = ${id}`;
      if (result.count === 0) throw new RecordMissingError(`document ${id} does not exist`);
    });
  }

  failDocument(id: string, code: string, message: string): Promise<void> {
    return guard(() =>
      this.sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${CHUNK_WRITE_LOCK})`;
        await tx`DELETE FROM chunks WHERE document_id = ${id}`;
        await tx`UPDATE documents SET status = 'failed', error_code = ${code},
          error_message = ${message}, chunk_count = 0, updated_at = now() WHERE id = ${id}`;
        await recordChange(tx, "removed", id);
      })
    );
  }

  deleteDocument(id: string, ownerId?: string): Promise<boolean> {
    return guard(() =>
      this.sql.begin(async (tx) => {
        // in the change sequence, so other instances drop the vectors too
        await tx`SELECT pg_advisory_xact_lock(${CHUNK_WRITE_LOCK})`;
        const result = ownerId === undefined
          ? await tx`DELETE FROM documents WHERE id = ${id}`
          : await tx`DELETE FROM documents WHERE id = ${id} AND owner_id = ${ownerId}`;
        if (result.count > 0) await recordChange(tx, "removed", id);
        return result.count > 0;
      })
    );
  }

  listUnfinished(): Promise<DocumentRecord[]> {
    return guard(async () =>
      (await this.sql`SELECT * FROM documents
        WHERE status IN ('queued', 'extracting', 'embedding') ORDER BY created_at, id`)
        .map(toDocument)
    );
  }

  resumePoint(documentId: string): Promise<ResumePoint> {
    return guard(async () => {
      const [row] = await this.sql`SELECT
        (SELECT count(*) FROM pages WHERE document_id = ${documentId}) AS pages,
        (SELECT coalesce(max(ordinal) + 1, 0) FROM chunks WHERE document_id = ${documentId}) AS next`;
      return { pagesStored: Number(row.pages), nextOrdinal: Number(row.next) };
    });
  }

  writePages(documentId: string, pages: PageInput[]): Promise<void> {
    return guard(() =>
      this.sql.begin(async (tx) => {
        await lockDocument(tx, documentId);
        if (pages.length === 0) return;
        await tx`INSERT INTO pages (document_id, page_number, text)
          SELECT ${documentId}, * FROM unnest(${pages.map((p) => p.pageNumber)}::int[],
            ${pages.map((p) => p.text)}::text[])
          ON CONFLICT (document_id, page_number) DO UPDATE SET text = excluded.text`;
      })
    );
  }

  getPage(documentId: string, pageNumber: number): Promise<string | null> {
    return guard(async () => {
      const [row] = await this.sql`SELECT text FROM pages
        WHERE document_id = ${documentId} AND page_number = ${pageNumber}`;
      return row ? String(row.text) : null;
    });
  }

  writeChunks(batch: ChunkBatch): Promise<void> {
    const { documentId, model, chunks } = batch;
    const withVectors = chunks.filter((c) => c.vector).length;
    if (withVectors !== 0 && withVectors !== chunks.length) {
      throw new RangeError("a chunk batch has vectors for all its chunks or for none");
    }
    const dims = chunks[0]?.vector?.length ?? 0;
    const packed = new Float32Array(withVectors * dims);
    for (const [i, c] of chunks.entries()) {
      if (!c.vector) continue;
      if (c.vector.length !== dims) throw new RangeError("vectors of one batch differ in length");
      packed.set(c.vector, i * dims);
    }
    const column = <K extends keyof (typeof chunks)[number]>(k: K) => chunks.map((c) => c[k]);
    return guard(() =>
      this.sql.begin(async (tx) => {
        // Chunk writers take turns, so chunk ids become visible in id order and a reader
        // catching up by "id > last seen" never misses a batch that committed late.
        await tx`SELECT pg_advisory_xact_lock(${CHUNK_WRITE_LOCK})`;
        const language = await lockDocument(tx, documentId);
        if (chunks.length > 0) {
          await tx`WITH input AS (
              SELECT * FROM unnest(${column("ordinal")}::int[], ${column("pageStart")}::int[],
                ${column("pageEnd")}::int[], ${column("text")}::text[],
                ${column("tokenCount")}::int[], ${chunks.map((c) => cjkTerms(c.text))}::text[])
                WITH ORDINALITY AS x(ordinal, page_start, page_end, text, token_count, cjk, n)
            ), inserted AS (
              INSERT INTO chunks (document_id, ordinal, page_start, page_end, text, token_count,
                tsv)
              SELECT ${documentId}, ordinal, page_start, page_end, text, token_count,
                to_tsvector(${CONFIG[language]}::regconfig, text) || to_tsvector('simple', cjk)
              FROM input ORDER BY n
              ON CONFLICT (document_id, ordinal) DO NOTHING
              RETURNING id, ordinal
            )
            INSERT INTO vectors (chunk_id, model, dims, data)
            SELECT inserted.id, ${model}, ${dims},
              substring(${vectorBytes(packed)}::bytea FROM ((n - 1) * ${dims * 4} + 1)::int
                FOR ${dims * 4})
            FROM inserted JOIN input USING (ordinal) WHERE ${dims} > 0`;
        }
        await tx`UPDATE documents SET
            pages_done = coalesce(${batch.pagesDone ?? null}::int, pages_done),
            chunk_count = (SELECT count(*) FROM chunks WHERE document_id = ${documentId}),
            status = CASE WHEN ${!!batch.final} THEN 'ready' ELSE status END,
            error_code = CASE WHEN ${!!batch.final} THEN NULL ELSE error_code END,
            error_message = CASE WHEN ${!!batch.final} THEN NULL ELSE error_message END,
            updated_at = now()
          WHERE id = ${documentId}`;
        await recordChange(tx, batch.final ? "ready" : "chunks", documentId);
      })
    );
  }

  getChunks(ids: number[], ownerId?: string): Promise<Chunk[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return guard(async () => {
      const rows = await this.sql`SELECT c.id, c.document_id, c.ordinal, c.page_start,
          c.page_end, c.text, c.token_count, d.title, d.owner_id, d.language
        FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.id = ANY(${ids.map(String)}::bigint[])`;
      const byId = new Map(
        rows.filter((r) => ownerId === undefined || r.owner_id === ownerId)
          .map((r) => [Number(r.id), r]),
      );
      return ids.flatMap((id) => byId.has(id) ? [toChunk(byId.get(id)!)] : []);
    });
  }

  searchText({ ownerId, query, k, documentIds }: TextSearchQuery): Promise<TextHit[]> {
    const words = queryWords(query);
    if (words.length === 0 || k <= 0 || documentIds?.length === 0) return Promise.resolve([]);
    const stemmed = words.join(" | ");
    const cjk = words.map(cjkTerms).join(" ").split(" ").filter((t) => t.length > 0);
    const plain = [...words, ...cjk].join(" | ");
    return guard(async () => {
      const rows = await this.sql`WITH q AS (SELECT to_tsquery('spanish', ${stemmed})
            || to_tsquery('english', ${stemmed}) || to_tsquery('simple', ${plain}) AS q)
        SELECT c.id, c.document_id, c.page_start, c.page_end, ts_rank_cd(c.tsv, q.q) AS rank
        FROM q, chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.tsv @@ q.q AND d.owner_id = ${ownerId} AND d.status = 'ready'
          ${documentIds ? this.sql`AND d.id = ANY(${documentIds}::text[])` : this.sql``}
        ORDER BY rank DESC, c.id LIMIT ${k}`;
      return rows.map((r) => ({
        chunkId: Number(r.id),
        documentId: String(r.document_id),
        score: Number(r.rank),
        pageStart: Number(r.page_start),
        pageEnd: Number(r.page_end),
      }));
    });
  }

  countVectors(model: string): Promise<number> {
    return guard(async () =>
      Number((await this.sql`SELECT count(*) AS n FROM vectors WHERE model = ${model}`)[0].n)
    );
  }

  streamVectors(model: string, batchSize: number, afterChunkId = 0): AsyncGenerator<VectorBatch> {
    return streamPostgresVectors(this.sql, model, batchSize, afterChunkId);
  }
}

/** Locks the document row for this transaction (a delete waits) and returns its language. */
async function lockDocument(tx: TransactionSql, id: string): Promise<Language> {
  const [row] = await tx`SELECT language FROM documents WHERE id = ${id} FOR UPDATE`;
  if (!row) throw new RecordMissingError(`document ${id} does not exist`);
  return row.language as Language;
}
