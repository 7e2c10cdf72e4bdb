/**
 * A local copy of what the in-process index loaded from a shared PostgreSQL, so a restarted
 * instance resumes from the change sequence it had reached instead of reloading every vector.
 * Two files under `<dataDir>/index/`: `rows.bin`, the vector batches appended as they stream
 * in, and `state.json`, written after them (temp file + rename) with the sequence reached,
 * the valid length of rows.bin and the documents removed or pending since. A crash between
 * the two leaves extra bytes past `bytes`, which are cut off at the next start.
 *
 * Record: u32 header length, u32 rows, the header (JSON chunk, owner and document ids),
 * zero padding to 4 bytes, then `rows × dims` little-endian f32.
 */
import type { VectorBatch } from "../plugins/store/types.ts";

export interface SnapshotState {
  databaseId: string;
  model: string;
  dims: number;
  seq: number;
  lastChunkId: number;
  /** Valid bytes of rows.bin. */
  bytes: number;
  /** Documents whose rows in rows.bin are dead (dropped at the next start). */
  removed: string[];
  pending: string[];
}

export type SnapshotProgress = Pick<SnapshotState, "seq" | "lastChunkId" | "pending">;

export interface Resumed {
  state: SnapshotState;
  rows: AsyncGenerator<VectorBatch>;
}

export class IndexSnapshot {
  readonly #rowsPath: string;
  readonly #statePath: string;
  #file: Deno.FsFile | undefined;
  #identity: Pick<SnapshotState, "databaseId" | "model" | "dims"> | undefined;
  #bytes = 0;
  readonly #removed = new Set<string>();

  constructor(readonly dir: string, readonly model: string, readonly dims: number) {
    this.#rowsPath = `${dir}/rows.bin`;
    this.#statePath = `${dir}/state.json`;
  }

  /**
   * The saved state and its live rows when they come from this database and model (read the
   * rows before anything is appended); otherwise null, and the snapshot starts empty.
   */
  async open(databaseId: string): Promise<Resumed | null> {
    await Deno.mkdir(this.dir, { recursive: true });
    this.#identity = { databaseId, model: this.model, dims: this.dims };
    const state = await this.#readState();
    const usable = state !== null && state.databaseId === databaseId &&
      state.model === this.model && state.dims === this.dims &&
      (await fileSize(this.#rowsPath)) >= state.bytes;
    if (!usable) {
      await this.reset();
      return null;
    }
    return { state, rows: this.#compact(state) };
  }

  /** Appends one streamed batch (durable at the next `save`). */
  async append(batch: VectorBatch): Promise<void> {
    if (!this.#file) return;
    const record = encode(batch);
    await writeAll(this.#file, record);
    this.#bytes += record.length;
  }

  /** A document's rows no longer count (its rows stay in rows.bin until the next start). */
  removed(documentId: string): void {
    this.#removed.add(documentId);
  }

  async save(progress: SnapshotProgress): Promise<void> {
    if (!this.#file || !this.#identity) return;
    await this.#file.syncData();
    const state: SnapshotState = {
      ...this.#identity,
      ...progress,
      bytes: this.#bytes,
      removed: [...this.#removed],
    };
    const temp = `${this.#statePath}.tmp`;
    await Deno.writeTextFile(temp, JSON.stringify(state));
    await Deno.rename(temp, this.#statePath);
  }

  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  async #readState(): Promise<SnapshotState | null> {
    try {
      return JSON.parse(await Deno.readTextFile(this.#statePath)) as SnapshotState;
    } catch {
      return null;
    }
  }

  /** Starts empty (also after rows that could not be read). */
  async reset(): Promise<void> {
    this.close();
    this.#removed.clear();
    await Deno.remove(this.#statePath).catch(() => {});
    this.#file = await Deno.open(this.#rowsPath, { create: true, write: true, truncate: true });
    this.#bytes = 0;
  }

  /** Yields the live rows of `state` and rewrites rows.bin with only them. */
  async *#compact(state: SnapshotState): AsyncGenerator<VectorBatch> {
    const dead = new Set(state.removed);
    const temp = `${this.#rowsPath}.tmp`;
    const input = await Deno.open(this.#rowsPath, { read: true });
    const output = await Deno.open(temp, { create: true, write: true, truncate: true });
    let written = 0;
    try {
      for (let at = 0; at < state.bytes;) {
        const { batch, length } = await readRecord(input, this.dims);
        at += length;
        const live = dead.size === 0 ? batch : keep(batch, (i) => !dead.has(batch.documentIds[i]));
        if (live.chunkIds.length === 0) continue;
        const record = encode(live);
        await writeAll(output, record);
        written += record.length;
        yield live;
      }
      await output.syncData();
    } finally {
      input.close();
      output.close();
    }
    await Deno.rename(temp, this.#rowsPath);
    this.#file = await Deno.open(this.#rowsPath, { write: true, append: true });
    this.#bytes = written;
    await this.save({ seq: state.seq, lastChunkId: state.lastChunkId, pending: state.pending });
  }
}

function encode(batch: VectorBatch): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ c: batch.chunkIds, o: batch.ownerIds, d: batch.documentIds }),
  );
  const padded = align4(8 + header.length);
  const out = new Uint8Array(padded + batch.vectors.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, header.length, true);
  view.setUint32(4, batch.chunkIds.length, true);
  out.set(header, 8);
  out.set(
    new Uint8Array(batch.vectors.buffer, batch.vectors.byteOffset, batch.vectors.byteLength),
    padded,
  );
  return out;
}

async function readRecord(
  file: Deno.FsFile,
  dims: number,
): Promise<{ batch: VectorBatch; length: number }> {
  const head = await readExactly(file, 8);
  const view = new DataView(head.buffer);
  const headerLength = view.getUint32(0, true);
  const rows = view.getUint32(4, true);
  const rest = await readExactly(file, align4(8 + headerLength) - 8 + rows * dims * 4);
  const ids = JSON.parse(new TextDecoder().decode(rest.subarray(0, headerLength)));
  const vectors = new Float32Array(rest.buffer, align4(8 + headerLength) - 8, rows * dims);
  return {
    batch: { dims, chunkIds: ids.c, ownerIds: ids.o, documentIds: ids.d, vectors },
    length: 8 + rest.length,
  };
}

function keep(batch: VectorBatch, wanted: (row: number) => boolean): VectorBatch {
  const rows = batch.chunkIds.flatMap((_, i) => wanted(i) ? [i] : []);
  const vectors = new Float32Array(rows.length * batch.dims);
  rows.forEach((row, i) =>
    vectors.set(batch.vectors.subarray(row * batch.dims, (row + 1) * batch.dims), i * batch.dims)
  );
  return {
    dims: batch.dims,
    chunkIds: rows.map((r) => batch.chunkIds[r]),
    ownerIds: rows.map((r) => batch.ownerIds[r]),
    documentIds: rows.map((r) => batch.documentIds[r]),
    vectors,
  };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return -1;
  }
}

async function readExactly(file: Deno.FsFile, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  for (let at = 0; at < length;) {
    const n = await file.read(out.subarray(at));
    if (n === null) throw new Error("index snapshot: rows.bin ends inside a record");
    at += n;
  }
  return out;
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  for (let done = 0; done < data.length;) done += await file.write(data.subarray(done));
}
