/**
 * Vectors are stored as little-endian f32 bytes. Every platform Deno runs on is little-endian,
 * so a Float32Array's bytes are the stored form and reading back is one copy.
 */
import type { VectorBatch } from "./types.ts";

export function vectorBytes(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

/**
 * A batch as both backends read it: the database concatenates the batch's vectors into one
 * blob (in chunk id order), so loading makes one allocation per batch instead of one per row,
 * which is what keeps the RSS added by a startup load close to the vectors' own bytes.
 */
export interface PackedRows {
  chunkIds: (number | string)[];
  ownerIds: string[];
  documentIds: string[];
  minDims: number;
  maxDims: number;
  data: Uint8Array;
}

export function unpackBatch(rows: PackedRows): VectorBatch {
  const n = rows.chunkIds.length, dims = Number(rows.minDims);
  if (dims !== Number(rows.maxDims) || rows.data.byteLength !== n * dims * 4) {
    throw new RangeError(`stored vectors of one model differ in length (${dims}…${rows.maxDims})`);
  }
  const aligned = rows.data.byteOffset % 4 === 0;
  const bytes = aligned ? rows.data : rows.data.slice();
  return {
    dims,
    chunkIds: rows.chunkIds.map(Number),
    ownerIds: rows.ownerIds,
    documentIds: rows.documentIds,
    vectors: new Float32Array(bytes.buffer, bytes.byteOffset, n * dims),
  };
}
