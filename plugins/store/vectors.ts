/**
 * Vectors are stored as little-endian f32 bytes. Every platform Deno runs on is little-endian,
 * so a Float32Array's bytes are the stored form and reading back is one copy.
 */
import type { VectorBatch } from "./types.ts";

export function vectorBytes(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Copies a stored vector into `out` at row `row`; throws when its length is not `dims`. */
export function copyVector(bytes: Uint8Array, out: Float32Array, row: number, dims: number): void {
  if (bytes.byteLength !== dims * 4) {
    throw new RangeError(`stored vector has ${bytes.byteLength} bytes, expected ${dims * 4}`);
  }
  new Uint8Array(out.buffer, out.byteOffset + row * dims * 4, dims * 4).set(bytes);
}

/** One stored row as streamVectors reads it: chunk id, owner id, document id, dims, bytes. */
export type VectorRow = [
  chunkId: number | string,
  ownerId: string,
  documentId: string,
  dims: number,
  data: Uint8Array,
];

/** Packs rows read in chunk id order into one batch with a single contiguous buffer. */
export function vectorBatch(rows: VectorRow[]): VectorBatch {
  const dims = Number(rows[0][3]);
  const batch: VectorBatch = {
    dims,
    chunkIds: new Array(rows.length),
    ownerIds: new Array(rows.length),
    documentIds: new Array(rows.length),
    vectors: new Float32Array(rows.length * dims),
  };
  for (const [i, [chunkId, ownerId, documentId, , data]] of rows.entries()) {
    batch.chunkIds[i] = Number(chunkId);
    batch.ownerIds[i] = ownerId;
    batch.documentIds[i] = documentId;
    copyVector(data, batch.vectors, i, dims);
  }
  return batch;
}
