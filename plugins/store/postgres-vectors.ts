/** PostgreSQL's vector stream: batches in chunk id order, each read as one concatenated bytea. */
import { guard, type Sql } from "./postgres-database.ts";
import type { VectorBatch } from "./types.ts";
import { unpackBatch } from "./vectors.ts";

export async function* streamPostgresVectors(
  sql: Sql,
  model: string,
  batchSize: number,
  afterChunkId: number,
): AsyncGenerator<VectorBatch> {
  // The batch is cut from the vectors' primary key first, so each query is an index range
  // plus `batchSize` lookups whatever the statistics say (a join-first plan re-read every
  // chunk before `after` on each batch).
  let after = afterChunkId;
  while (true) {
    const [row] = await guard(() =>
      sql`SELECT count(*) AS scanned,
          array_agg(v.chunk_id ORDER BY v.chunk_id) AS ids,
          array_agg(m.owner_id ORDER BY v.chunk_id) AS owners,
          array_agg(m.document_id ORDER BY v.chunk_id) AS docs,
          min(v.dims) AS min_dims, max(v.dims) AS max_dims,
          string_agg(v.data, ''::bytea ORDER BY v.chunk_id) AS data
        FROM (SELECT chunk_id, dims, data FROM vectors
            WHERE model = ${model} AND chunk_id > ${after}
            ORDER BY chunk_id LIMIT ${batchSize}) AS v
          JOIN LATERAL (SELECT d.owner_id, c.document_id
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.id = v.chunk_id) AS m ON true`
    );
    if (Number(row.scanned) === 0) return;
    const batch = unpackBatch({
      chunkIds: row.ids,
      ownerIds: row.owners,
      documentIds: row.docs,
      minDims: row.min_dims,
      maxDims: row.max_dims,
      data: row.data,
    });
    yield batch;
    if (batch.chunkIds.length < batchSize) return;
    after = batch.chunkIds[batch.chunkIds.length - 1];
  }
}
