/**
 * The per-row columns of the vector index (f32 vectors, int8 codes and scales, sign bits,
 * owner, document and chunk ids, a live bitmap), each in a resizable ArrayBuffer that
 * reserves address space for `maxRows` up front and grows in place: appends never copy, an
 * in-flight nonblocking scan never sees its buffer move, and capacity not yet written costs
 * no RSS. Compaction moves live rows down in place and shrinks the buffers, which returns
 * the memory.
 */
import { type Codes, type StoreView, wordsFor } from "../plugins/similarity/types.ts";

/** Rows added per resize: few resizes, at most one step of committed-but-unused space. */
export const GROW_ROWS = 4096;

/**
 * Committed bytes from which a scanned column asks for huge pages (2 MiB each): big enough
 * that rounding up to one costs little RSS, early enough that nearly all of a large column
 * gets them. Rows already written are collapsed once, at that moment.
 */
export const HUGE_PAGE_BYTES = 8 << 20;

/** `SimilarityKernel.hugePages`, injected so the columns need no kernel. */
export type AdviseHugePages = (buffer: ArrayBuffer, bytes: number, collapse: boolean) => boolean;

type Column = Float32Array | Float64Array | Uint32Array | Uint8Array;

function column<T extends Column>(
  make: new (buffer: ArrayBuffer) => T,
  bytesPerRow: number,
  maxRows: number,
): T {
  return new make(new ArrayBuffer(0, { maxByteLength: bytesPerRow * maxRows }));
}

export class Columns {
  /** Rows appended, live and dead. */
  rows = 0;
  #capacity = 0;
  readonly #words32: number;
  readonly vectors: Float32Array;
  readonly int8: Uint8Array;
  readonly scales: Float32Array;
  readonly bits: Uint32Array;
  readonly owners: Uint32Array;
  readonly documents: Uint32Array;
  readonly chunkIds: Float64Array;
  readonly #live: Uint8Array;
  readonly #all: Column[];
  /** The columns a search streams through, until each has been advised. */
  readonly #unadvised: Set<Column>;

  constructor(
    readonly dims: number,
    readonly maxRows: number,
    readonly hugePages: AdviseHugePages = () => false,
  ) {
    this.#words32 = wordsFor(dims) * 2;
    this.vectors = column(Float32Array, dims * 4, maxRows);
    this.int8 = column(Uint8Array, dims, maxRows);
    this.scales = column(Float32Array, 4, maxRows);
    this.bits = column(Uint32Array, this.#words32 * 4, maxRows);
    this.owners = column(Uint32Array, 4, maxRows);
    this.documents = column(Uint32Array, 4, maxRows);
    this.chunkIds = column(Float64Array, 8, maxRows);
    // one bit a row, whole bytes: maxRows / 8 rounded up, plus slack for the rounding
    this.#live = column(Uint8Array, 1, Math.ceil(maxRows / 8) + 1);
    this.#all = [
      this.vectors,
      this.int8,
      this.scales,
      this.bits,
      this.owners,
      this.documents,
      this.chunkIds,
      this.#live,
    ];
    this.#unadvised = new Set([this.vectors, this.int8, this.bits]);
  }

  /** Bytes committed across every column. */
  get bytes(): number {
    return this.#all.reduce((sum, c) => sum + c.buffer.byteLength, 0);
  }

  /** Makes room for `count` more rows; returns the first new row. */
  append(count: number): number {
    const first = this.rows;
    const needed = first + count;
    if (needed > this.maxRows) {
      throw new RangeError(`vector index is full: ${needed} rows exceed maxRows ${this.maxRows}`);
    }
    if (needed > this.#capacity) {
      this.#resize(Math.min(this.maxRows, Math.ceil(needed / GROW_ROWS) * GROW_ROWS));
    }
    this.rows = needed;
    return first;
  }

  #resize(capacity: number): void {
    const perRow = (c: Column) => c === this.#live ? 0 : c.buffer.maxByteLength / this.maxRows;
    for (const c of this.#all) {
      const bytes = c === this.#live ? Math.ceil(capacity / 8) : perRow(c) * capacity;
      (c.buffer as ArrayBuffer).resize(bytes);
    }
    this.#capacity = capacity;
    for (const c of this.#unadvised) {
      const buffer = c.buffer as ArrayBuffer;
      if (buffer.byteLength < HUGE_PAGE_BYTES) continue;
      // the whole reservation, so growth faults in huge pages too; else what is committed
      this.hugePages(buffer, buffer.maxByteLength, true) ||
        this.hugePages(buffer, buffer.byteLength, true);
      this.#unadvised.delete(c);
    }
  }

  /** The codes of rows `[from, to)`, as views into the columns. */
  codesFor(from: number, to: number): Codes {
    return {
      int8: this.int8.subarray(from * this.dims, to * this.dims),
      scales: this.scales.subarray(from, to),
      bits: this.bits.subarray(from * this.#words32, to * this.#words32),
    };
  }

  /** The first `n` rows as the kernel scans them. */
  view(n: number): StoreView {
    return {
      vectors: this.vectors.subarray(0, n * this.dims),
      dims: this.dims,
      codes: this.codesFor(0, n),
      owners: this.owners.subarray(0, n),
    };
  }

  liveBits(n: number): Uint8Array {
    return this.#live.subarray(0, Math.ceil(n / 8));
  }

  isLive(row: number): boolean {
    return (this.#live[row >> 3] & (1 << (row & 7))) !== 0;
  }

  setLive(row: number, on: boolean): void {
    if (on) this.#live[row >> 3] |= 1 << (row & 7);
    else this.#live[row >> 3] &= ~(1 << (row & 7));
  }

  /** Moves live rows down in order, shrinks the buffers; returns the new row count. */
  compact(): number {
    const d = this.dims, w = this.#words32;
    let to = 0;
    for (let row = 0; row < this.rows; row++) {
      if (!this.isLive(row)) continue;
      if (row !== to) {
        this.vectors.copyWithin(to * d, row * d, (row + 1) * d);
        this.int8.copyWithin(to * d, row * d, (row + 1) * d);
        this.bits.copyWithin(to * w, row * w, (row + 1) * w);
        this.scales[to] = this.scales[row];
        this.owners[to] = this.owners[row];
        this.documents[to] = this.documents[row];
        this.chunkIds[to] = this.chunkIds[row];
      }
      to++;
    }
    this.#live.fill(0);
    for (let row = 0; row < to; row++) this.setLive(row, true);
    this.rows = to;
    this.#resize(Math.ceil(to / GROW_ROWS) * GROW_ROWS);
    return to;
  }
}
