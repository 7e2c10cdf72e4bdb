/**
 * pgvector similarity: an HNSW index in PostgreSQL answers vector queries instead of the
 * in-process index, for vector sets beyond one machine's RAM (each instance would otherwise
 * hold every vector). Used only where the `vector` extension can be created; ligero never
 * requires it. The stored f32 vectors stay the source of truth: `sync()` copies those stored
 * since the last sync into a per-model table `(chunk_id, owner_id, embedding vector(dims))`
 * (idempotent, so any instance may run it), and deletes cascade from the chunks. Queries
 * rank by inner product (vectors are L2-normalized, so it is cosine) over ready documents of
 * one owner.
 */
import { connect, guard, type Sql } from "./postgres-database.ts";
import { streamPostgresVectors } from "./postgres-vectors.ts";
import { StoreError } from "./types.ts";

/** The `vector` extension is missing or cannot be created. */
export class PgvectorUnavailableError extends StoreError {
  override name = "PgvectorUnavailableError";
}

export interface PgvectorHit {
  chunkId: number;
  documentId: string;
  score: number;
}

/** pg_advisory_xact_lock key for creating the table: "pgvec" in ASCII. */
const SETUP_LOCK = 0x7067766563;
const SYNC_BATCH = 256;

export class PgvectorSearch {
  readonly implementation = "pgvector(hnsw)";

  private constructor(
    private readonly sql: Sql,
    private readonly model: string,
    private readonly table: string,
  ) {}

  /** Creates the extension, the model's table and its HNSW index when missing. */
  static async open(url: string, model: string, dims: number): Promise<PgvectorSearch> {
    if (!Number.isInteger(dims) || dims < 1) throw new RangeError("dims must be positive");
    const sql = connect(url, 2);
    const table = await tableFor(model, dims);
    try {
      await guard(() =>
        sql.begin(async (tx) => {
          await tx`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`;
          await tx`CREATE EXTENSION IF NOT EXISTS vector`;
          await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${table} (
            chunk_id bigint PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
            owner_id text NOT NULL,
            embedding vector(${dims}) NOT NULL)`);
          await tx.unsafe(`CREATE INDEX IF NOT EXISTS ${table}_hnsw ON ${table}
            USING hnsw (embedding vector_ip_ops)`);
        })
      );
    } catch (e) {
      await sql.end({ timeout: 1 });
      if (e instanceof StoreError) throw e;
      throw new PgvectorUnavailableError(
        `pgvector is not available in this database: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return new PgvectorSearch(sql, model, table);
  }

  /** Copies the vectors stored since the last sync into the HNSW table; returns how many. */
  async sync(): Promise<number> {
    const [row] = await guard(() =>
      this.sql`SELECT coalesce(max(chunk_id), 0) AS after FROM ${this.sql(this.table)}`
    );
    let copied = 0;
    const vectors = streamPostgresVectors(this.sql, this.model, SYNC_BATCH, Number(row.after));
    for await (const batch of vectors) {
      const literals = batch.chunkIds.map((_, i) =>
        literal(batch.vectors.subarray(i * batch.dims, (i + 1) * batch.dims))
      );
      await guard(() =>
        this.sql`INSERT INTO ${this.sql(this.table)} (chunk_id, owner_id, embedding)
          SELECT id, owner, embedding::vector
          FROM unnest(${batch.chunkIds.map(String)}::bigint[], ${batch.ownerIds}::text[],
            ${literals}::text[]) AS x(id, owner, embedding)
          ON CONFLICT (chunk_id) DO NOTHING`
      );
      copied += batch.chunkIds.length;
    }
    return copied;
  }

  /** Top `k` of one owner's ready documents by inner product, approximate (HNSW). */
  search(
    query: Float32Array,
    k: number,
    ownerId: string,
    documentIds?: string[],
  ): Promise<PgvectorHit[]> {
    if (k <= 0 || documentIds?.length === 0) return Promise.resolve([]);
    const q = literal(query);
    return guard(async () =>
      (await this.sql`SELECT h.chunk_id, c.document_id,
          -(h.embedding <#> ${q}::vector) AS score
        FROM ${this.sql(this.table)} h
          JOIN chunks c ON c.id = h.chunk_id
          JOIN documents d ON d.id = c.document_id
        WHERE h.owner_id = ${ownerId} AND d.status = 'ready'
          ${documentIds ? this.sql`AND c.document_id = ANY(${documentIds}::text[])` : this.sql``}
        ORDER BY h.embedding <#> ${q}::vector LIMIT ${k}`).map((r) => ({
        chunkId: Number(r.chunk_id),
        documentId: String(r.document_id),
        score: Number(r.score),
      }))
    );
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/** pgvector's text form: `[0.1,0.2,…]`; shortest round-trip digits keep every f32 exact. */
function literal(vector: Float32Array): string {
  return `[${Array.from(vector).join(",")}]`;
}

/** One table per model and size: `pgvector_<12 hex of sha256(model)>_<dims>`. */
async function tableFor(model: string, dims: number): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(model));
  const hex = Array.from(
    new Uint8Array(digest).subarray(0, 6),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return `pgvector_${hex}_${dims}`;
}
