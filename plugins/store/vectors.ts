/**
 * Vectors are stored as little-endian f32 bytes. Every platform Deno runs on is little-endian,
 * so a Float32Array's bytes are the stored form and reading back is one copy.
 */

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
