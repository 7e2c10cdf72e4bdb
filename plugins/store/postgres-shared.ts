/**
 * PostgreSQL's side of scale-out (scale-out.ts): the change log with LISTEN/NOTIFY and its
 * pruning, job leases claimed with FOR UPDATE SKIP LOCKED, and uploaded bytes stored in parts.
 */
import type { TransactionSql } from "postgres";
import { log } from "../../server/log.ts";
import { guard, type Sql } from "./postgres-database.ts";
import type { Change, ChangeFeed, ChangeKind, JobLeases, SourceBlobs } from "./scale-out.ts";

const CHANNEL = "ligero_changes";
/** Bytes per document_sources row. */
const SOURCE_PART = 1 << 20;
const UNFINISHED = ["queued", "extracting", "embedding"];
/** How often each instance prunes the change log (it also prunes once at start). */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Appends a change and notifies listeners (delivered at commit). Call inside the transaction
 * that makes the change, after taking the chunk-write lock, so sequence numbers become
 * visible in order.
 */
export async function recordChange(
  tx: TransactionSql,
  kind: ChangeKind,
  documentId: string,
): Promise<void> {
  await tx`WITH c AS (
      INSERT INTO changes (kind, document_id, chunk_id)
      VALUES (${kind}, ${documentId}, CASE WHEN ${kind} = 'removed' THEN NULL
        ELSE (SELECT max(id) FROM chunks WHERE document_id = ${documentId}) END)
      RETURNING seq)
    SELECT pg_notify(${CHANNEL}, seq::text) FROM c`;
}

export class PostgresChanges implements ChangeFeed {
  constructor(private readonly sql: Sql) {}

  databaseId(): Promise<string> {
    return guard(async () => String((await this.sql`SELECT id FROM database_identity`)[0].id));
  }

  latest(): Promise<number> {
    // a log pruned empty still has a latest sequence: the last one pruned
    return guard(async () =>
      Number(
        (await this.sql`SELECT greatest((SELECT coalesce(max(seq), 0) FROM changes),
          (SELECT seq FROM changes_pruned)) AS seq`)[0].seq,
      )
    );
  }

  pruned(): Promise<number> {
    return guard(async () => Number((await this.sql`SELECT seq FROM changes_pruned`)[0].seq));
  }

  /**
   * Deletes the changes committed more than `retentionMs` ago by the database's clock (so
   * instance clocks need not agree), always a prefix of the log, and raises the watermark to
   * the highest sequence deleted, both in one statement. Instances pruning at once are
   * harmless: the second finds the rows gone, and the watermark only grows.
   */
  prune(retentionMs: number): Promise<{ deleted: number; pruned: number }> {
    return guard(async () => {
      const [row] = await this.sql`WITH gone AS (
          DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes
            WHERE created_at < now() - ${retentionMs} * interval '1 millisecond')
          RETURNING seq)
        UPDATE changes_pruned SET seq = greatest(seq, (SELECT coalesce(max(seq), 0) FROM gone))
        RETURNING seq, (SELECT count(*) FROM gone) AS deleted`;
      return { deleted: Number(row.deleted), pruned: Number(row.seq) };
    });
  }

  since(seq: number, limit: number): Promise<Change[]> {
    return guard(async () =>
      (await this.sql`SELECT seq, kind, document_id, chunk_id FROM changes
        WHERE seq > ${seq} ORDER BY seq LIMIT ${limit}`).map((r) => ({
        seq: Number(r.seq),
        kind: r.kind as ChangeKind,
        documentId: String(r.document_id),
        chunkId: r.chunk_id === null ? null : Number(r.chunk_id),
      }))
    );
  }

  async listen(
    onChange: (seq: number) => void,
    onConnect: () => void,
  ): Promise<() => Promise<void>> {
    const { unlisten } = await guard(() =>
      this.sql.listen(CHANNEL, (payload) => onChange(Number(payload)), onConnect)
    );
    return unlisten;
  }
}

/**
 * Prunes the change log now and every hour, keeping `retentionMs` of it; returns the function
 * that stops it. A failed run is logged and retried at the next.
 */
export function keepPruned(changes: PostgresChanges, retentionMs: number): () => void {
  const run = () =>
    changes.prune(retentionMs).then(({ deleted, pruned }) => {
      if (deleted > 0) log.info("change log pruned", { deleted, pruned });
    }, (e) => log.warn("change log pruning failed", { error: String(e) }));
  run();
  const timer = setInterval(run, PRUNE_EVERY_MS);
  return () => clearInterval(timer);
}

export class PostgresJobs implements JobLeases {
  constructor(private readonly sql: Sql) {}

  claim(owner: string, leaseMs: number): Promise<string | null> {
    return guard(async () => {
      // a document's bytes are stored right after its row: never claim one without them
      const [row] = await this.sql`UPDATE documents SET lease_owner = ${owner},
          lease_until = now() + ${leaseMs} * interval '1 millisecond'
        WHERE id = (SELECT d.id FROM documents d
          WHERE d.status IN ${this.sql(UNFINISHED)}
            AND (d.lease_until IS NULL OR d.lease_until < now())
            AND EXISTS (SELECT 1 FROM document_sources s WHERE s.document_id = d.id)
          ORDER BY d.created_at, d.id
          FOR UPDATE SKIP LOCKED LIMIT 1)
        RETURNING id`;
      return row ? String(row.id) : null;
    });
  }

  renew(documentId: string, owner: string, leaseMs: number): Promise<boolean> {
    return guard(async () =>
      (await this.sql`UPDATE documents
        SET lease_until = now() + ${leaseMs} * interval '1 millisecond'
        WHERE id = ${documentId} AND lease_owner = ${owner}`).count > 0
    );
  }

  release(documentId: string, owner: string): Promise<void> {
    return guard(async () =>
      void await this.sql`UPDATE documents SET lease_owner = NULL, lease_until = NULL
        WHERE id = ${documentId} AND lease_owner = ${owner}`
    );
  }

  waiting(): Promise<number> {
    return guard(async () =>
      Number(
        (await this.sql`SELECT count(*) AS n FROM documents
          WHERE status IN ${this.sql(UNFINISHED)}
            AND (lease_until IS NULL OR lease_until < now())`)[0].n,
      )
    );
  }
}

export class PostgresSources implements SourceBlobs {
  constructor(private readonly sql: Sql) {}

  putSource(documentId: string, bytes: Uint8Array): Promise<void> {
    return guard(() =>
      this.sql.begin(async (tx) => {
        await tx`DELETE FROM document_sources WHERE document_id = ${documentId}`;
        for (let part = 0, at = 0; at < bytes.length || part === 0; part++, at += SOURCE_PART) {
          await tx`INSERT INTO document_sources (document_id, part, data)
            VALUES (${documentId}, ${part}, ${bytes.subarray(at, at + SOURCE_PART)})`;
        }
      })
    );
  }

  getSource(documentId: string): Promise<Uint8Array | null> {
    return guard(async () => {
      const rows = await this.sql`SELECT data FROM document_sources
        WHERE document_id = ${documentId} ORDER BY part`;
      if (rows.length === 0) return null;
      const out = new Uint8Array(rows.reduce((n, r) => n + r.data.length, 0));
      let at = 0;
      for (const r of rows) {
        out.set(r.data, at);
        at += r.data.length;
      }
      return out;
    });
  }
}
