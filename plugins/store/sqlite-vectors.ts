/**
 * The embedded store's vector stream: batches in chunk id order, each read as one blob the
 * database concatenates (see vectors.ts), paged by chunk id so no statement stays open across
 * the consumer's awaits.
 */
import type { SqliteDatabase } from "./sqlite-database.ts";
import type { VectorBatch } from "./types.ts";
import { unpackBatch } from "./vectors.ts";

export async function* streamSqliteVectors(
  s: SqliteDatabase,
  model: string,
  batchSize: number,
  afterChunkId: number,
): AsyncGenerator<VectorBatch> {
  // group_concat appends the blobs' bytes as they are; the CAST keeps them a blob.
  const statement = s.db.prepare(
    `SELECT json_group_array(chunk_id ORDER BY chunk_id) AS ids,
       json_group_array(owner_id ORDER BY chunk_id) AS owners,
       json_group_array(document_id ORDER BY chunk_id) AS docs,
       min(dims) AS min_dims, max(dims) AS max_dims,
       CAST(group_concat(data, '' ORDER BY chunk_id) AS BLOB) AS data
     FROM (SELECT v.chunk_id, d.owner_id, c.document_id, v.dims, v.data
       FROM vectors v JOIN chunks c ON c.id = v.chunk_id JOIN documents d ON d.id = c.document_id
       WHERE v.model = ? AND v.chunk_id > ?
       ORDER BY v.chunk_id LIMIT ?)`,
  );
  let after = afterChunkId;
  while (true) {
    const row = s.guard(() => statement.get(model, after, batchSize))!;
    const chunkIds: number[] = JSON.parse(row.ids as string);
    if (chunkIds.length === 0) return;
    yield unpackBatch({
      chunkIds,
      ownerIds: JSON.parse(row.owners as string),
      documentIds: JSON.parse(row.docs as string),
      minDims: Number(row.min_dims),
      maxDims: Number(row.max_dims),
      data: row.data as Uint8Array,
    });
    if (chunkIds.length < batchSize) return;
    after = chunkIds[chunkIds.length - 1];
  }
}
