// deno-lint-ignore-file require-await -- the Store interface is async (PostgreSQL); node:sqlite
// is synchronous, and `async` turns its throws into rejections like the other backend's.
/**
 * The embedded store (no DATABASE_URL): SQLite through Deno's built-in `node:sqlite`, one
 * file, one process. Calls are synchronous underneath; the async signatures are the Store
 * interface's, shared with PostgreSQL.
 */
import { SqliteAccounts } from "./sqlite-accounts.ts";
import { SqliteDatabase } from "./sqlite-database.ts";
import { indexTerms } from "./terms.ts";
import { patchColumns, toChunk, toDocument } from "./rows.ts";
import { ownerToken, searchSqliteText } from "./sqlite-search.ts";
import { streamSqliteVectors } from "./sqlite-vectors.ts";
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

const now = (): string => new Date().toISOString();

export class SqliteStore extends SqliteAccounts {
  readonly implementation = "sqlite";

  static open(dataDir: string): SqliteStore {
    return new SqliteStore(new SqliteDatabase(dataDir));
  }

  async ping(): Promise<void> {
    this.guard(() => this.s.q("SELECT 1").get());
  }

  async close(): Promise<void> {
    this.s.close();
  }

  async createDocument(input: NewDocument): Promise<DocumentRecord> {
    const id = crypto.randomUUID(), at = now();
    this.guard(() =>
      this.s.q(
        `INSERT INTO documents (id, owner_id, title, mime, sha256, bytes, pages_total, language,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        input.ownerId,
        input.title,
        input.mime,
        input.sha256,
        input.bytes,
        input.pagesTotal ?? 0,
        input.language ?? "other",
        at,
        at,
      )
    );
    return (await this.getDocument(id))!;
  }

  async getDocument(id: string, ownerId?: string): Promise<DocumentRecord | null> {
    const row = this.guard(() => this.s.q("SELECT * FROM documents WHERE id = ?").get(id));
    if (!row || (ownerId !== undefined && row.owner_id !== ownerId)) return null;
    return toDocument(row);
  }

  async findDocumentBySha256(ownerId: string, sha256: string): Promise<DocumentRecord | null> {
    const row = this.guard(() =>
      this.s.q(
        `SELECT * FROM documents WHERE owner_id = ? AND sha256 = ? AND status != 'failed'
         ORDER BY created_at LIMIT 1`,
      ).get(ownerId, sha256)
    );
    return row ? toDocument(row) : null;
  }

  async listDocuments(
    ownerId: string,
    { limit = 50, offset = 0 }: { limit?: number; offset?: number } = {},
  ): Promise<Page<DocumentRecord>> {
    return this.guard(() => ({
      items: this.s.q(
        "SELECT * FROM documents WHERE owner_id = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
      ).all(ownerId, limit, offset).map(toDocument),
      total: Number(
        this.s.q("SELECT count(*) AS n FROM documents WHERE owner_id = ?").get(ownerId)!.n,
      ),
    }));
  }

  async updateDocument(id: string, patch: DocumentPatch): Promise<void> {
    const columns = { ...patchColumns(patch), updated_at: now() };
    const sets = Object.keys(columns).map((column) => `${column} = ?`).join(", ");
    const changes = this.guard(() =>
      this.s.db.prepare(`UPDATE documents SET ${sets} WHERE id = ?`)
        .run(...Object.values(columns), id).changes
    );
    if (changes === 0) throw new RecordMissingError(`document ${id} does not exist`);
  }

  async failDocument(id: string, code: string, message: string): Promise<void> {
    this.guard(() =>
      this.s.transaction(() => {
        this.s.q("DELETE FROM chunks WHERE document_id = ?").run(id);
        this.s.q(
          `UPDATE documents SET status = 'failed', error_code = ?, error_message = ?,
           chunk_count = 0, updated_at = ? WHERE id = ?`,
        ).run(code, message, now(), id);
      })
    );
  }

  async deleteDocument(id: string, ownerId?: string): Promise<boolean> {
    return this.guard(() =>
      this.s.transaction(() =>
        ownerId === undefined
          ? this.s.q("DELETE FROM documents WHERE id = ?").run(id).changes > 0
          : this.s.q("DELETE FROM documents WHERE id = ? AND owner_id = ?").run(id, ownerId)
            .changes > 0
      )
    );
  }

  async listUnfinished(): Promise<DocumentRecord[]> {
    return this.guard(() =>
      this.s.q(
        `SELECT * FROM documents WHERE status IN ('queued', 'extracting', 'embedding')
         ORDER BY created_at, id`,
      ).all().map(toDocument)
    );
  }

  async resumePoint(documentId: string): Promise<ResumePoint> {
    return this.guard(() => ({
      pagesStored: Number(
        this.s.q("SELECT count(*) AS n FROM pages WHERE document_id = ?").get(documentId)!.n,
      ),
      nextOrdinal: Number(
        this.s.q("SELECT coalesce(max(ordinal) + 1, 0) AS n FROM chunks WHERE document_id = ?")
          .get(documentId)!.n,
      ),
    }));
  }

  async writePages(documentId: string, pages: PageInput[]): Promise<void> {
    this.guard(() =>
      this.s.transaction(() => {
        this.#requireDocument(documentId);
        const insert = this.s.q(
          `INSERT INTO pages (document_id, page_number, text) VALUES (?, ?, ?)
           ON CONFLICT (document_id, page_number) DO UPDATE SET text = excluded.text`,
        );
        for (const page of pages) insert.run(documentId, page.pageNumber, page.text);
      })
    );
  }

  async getPage(documentId: string, pageNumber: number): Promise<string | null> {
    const row = this.guard(() =>
      this.s.q("SELECT text FROM pages WHERE document_id = ? AND page_number = ?")
        .get(documentId, pageNumber)
    );
    return row ? String(row.text) : null;
  }

  async writeChunks(batch: ChunkBatch): Promise<void> {
    const { documentId, model, chunks } = batch;
    this.guard(() =>
      this.s.transaction(() => {
        const { language, owner } = this.#requireDocument(documentId);
        const insertChunk = this.s.q(
          `INSERT INTO chunks (document_id, ordinal, page_start, page_end, text, token_count)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (document_id, ordinal) DO NOTHING RETURNING id`,
        );
        const insertTerms = this.s.q(
          "INSERT INTO chunk_terms (rowid, terms, owner) VALUES (?, ?, ?)",
        );
        const insertVector = this.s.q(
          "INSERT INTO vectors (chunk_id, model, dims, data) VALUES (?, ?, ?, ?)",
        );
        for (const c of chunks) {
          const row = insertChunk.get(
            documentId,
            c.ordinal,
            c.pageStart,
            c.pageEnd,
            c.text,
            c.tokenCount,
          );
          if (!row) continue; // already committed by an earlier run of this job
          insertTerms.run(row.id, indexTerms(c.text, language), ownerToken(owner));
          if (c.vector) insertVector.run(row.id, model, c.vector.length, vectorBytes(c.vector));
        }
        this.s.q(
          `UPDATE documents SET pages_done = coalesce(?, pages_done), updated_at = ?,
           chunk_count = (SELECT count(*) FROM chunks WHERE document_id = ?),
           status = CASE WHEN ? THEN 'ready' ELSE status END,
           error_code = CASE WHEN ? THEN NULL ELSE error_code END,
           error_message = CASE WHEN ? THEN NULL ELSE error_message END
           WHERE id = ?`,
        ).run(
          batch.pagesDone ?? null,
          now(),
          documentId,
          ...Array(3).fill(batch.final ? 1 : 0),
          documentId,
        );
      })
    );
  }

  async getChunks(ids: number[], ownerId?: string): Promise<Chunk[]> {
    if (ids.length === 0) return [];
    const rows = this.guard(() =>
      this.s.q(
        `SELECT c.*, d.title, d.owner_id, d.language FROM chunks c
         JOIN documents d ON d.id = c.document_id
         WHERE c.id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(ids))
    );
    const byId = new Map(
      rows.filter((r) => ownerId === undefined || r.owner_id === ownerId).map((r) => [r.id, r]),
    );
    return ids.flatMap((id) => byId.has(id) ? [toChunk(byId.get(id)!)] : []);
  }

  async searchText(query: TextSearchQuery): Promise<TextHit[]> {
    return this.guard(() => searchSqliteText(this.s, query));
  }

  streamVectors(model: string, batchSize: number, afterChunkId = 0): AsyncGenerator<VectorBatch> {
    return streamSqliteVectors(this.s, model, batchSize, afterChunkId);
  }

  async countVectors(model: string): Promise<number> {
    return this.guard(() =>
      Number(this.s.q("SELECT count(*) AS n FROM vectors WHERE model = ?").get(model)!.n)
    );
  }

  /** The document's language and owner; throws when it is gone (deleted while its job ran). */
  #requireDocument(id: string): { language: Language; owner: string } {
    const row = this.s.q("SELECT language, owner_id FROM documents WHERE id = ?").get(id);
    if (!row) throw new RecordMissingError(`document ${id} does not exist`);
    return { language: row.language as Language, owner: String(row.owner_id) };
  }
}
