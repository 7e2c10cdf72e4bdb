/**
 * The in-process vector index: every chunk vector in one contiguous f32 store plus the
 * similarity kernel's int8 and sign-bit codes, scanned with one kernel call per query.
 *
 * API (stable; search/index-sync.ts drives it from the store):
 * - `new VectorIndex(kernel, dims, { maxRows?, mode? })` (mode "auto": see `autoMode`)
 * - `add(chunkId, ownerId, documentId, vector)`; `addMany(chunkIds, ownerIds, documentIds,
 *   vectors)` for streaming loads (one encode call per batch); ids are numbers (owner and
 *   document ids u32, chunk ids any integer)
 * - `remove(chunkId)` → boolean; `removeDocument(documentId)` → rows removed
 * - `search(query, k, { ownerId?, documentIds? })` → best first `{ chunkId, documentId,
 *   score }[]`, filters applied inside the kernel scan
 * - `size` (rows), `bytes` (all memory held; `ligero_vector_index_bytes` in /metrics)
 *
 * Memory: each column lives in a resizable ArrayBuffer that reserves address space for
 * `maxRows` and grows in place, so loading never copies (no doubling spike) and untouched
 * capacity costs no RSS. Deletes tombstone (a live-row bitmap the scan filters on) and the
 * index compacts in place once a quarter of its rows are dead and no search is in flight,
 * so row numbers never change under a running scan.
 */
import { Gauge, metrics } from "../server/metrics.ts";
import {
  defaultWide,
  type SearchMode,
  type SimilarityKernel,
} from "../plugins/similarity/types.ts";
import { Columns } from "./vector-columns.ts";

export interface VectorIndexOptions {
  /** Rows the index can ever hold (address space is reserved, not memory). */
  maxRows?: number;
  /** "auto" (default): `autoMode`. */
  mode?: SearchMode | "auto";
}

export interface IndexFilter {
  ownerId?: number;
  documentIds?: number[];
}

export interface IndexHit {
  chunkId: number;
  documentId: number;
  score: number;
}

const bytesGauge = metrics.register(
  new Gauge("ligero_vector_index_bytes", "Memory held by the in-process vector index."),
);
/** Every live index, for the gauge (weak: a dropped index is not kept alive by metrics). */
const live = new Set<WeakRef<VectorIndex>>();
bytesGauge.collect(() => {
  let total = 0;
  for (const ref of live) {
    const index = ref.deref();
    if (index) total += index.bytes;
    else live.delete(ref);
  }
  return total;
});

/** Rows below which an exact scan costs under ~0.1 ms: no reason to approximate. */
const EXACT_BELOW = 4096;

/**
 * The cheapest mode at recall@10 ≥ 0.99 for `n` rows (docs/similarity.md): exact for a few
 * thousand rows, int8 + rescoring until the binary stage would keep more than an eighth of
 * the rows (it then costs more than it saves), a cascade beyond — the asymmetric one where
 * the kernel has VNNI (`vnni` in its implementation name: ~2× the Hamming cascade's CPU time, far
 * better recall where neighbourhoods are crowded), else the Hamming one (without VNNI the
 * asymmetric score costs several times a popcount scan, in the TS twin too).
 */
export function autoMode(n: number, k: number, implementation: string): SearchMode {
  if (n < EXACT_BELOW) return "exact";
  if (n < 8 * defaultWide(k)) return "int8";
  return implementation.includes("vnni") ? "cascade-asym" : "cascade";
}

/** Rough V8 cost of one Map entry (key, value, hash slot), counted in `bytes`. */
const MAP_ENTRY_BYTES = 40;
const DEFAULT_MAX_ROWS = 1 << 22;

export class VectorIndex {
  readonly #kernel: SimilarityKernel;
  readonly #columns: Columns;
  readonly #mode: SearchMode | "auto";
  /** chunk id → row, for `remove`. */
  readonly #rowOf = new Map<number, number>();
  /** document id → its live rows, for `removeDocument` and document filters. */
  readonly #rowsOf = new Map<number, number[]>();
  #dead = 0;
  #searching = 0;

  constructor(kernel: SimilarityKernel, readonly dims: number, options: VectorIndexOptions = {}) {
    if (!Number.isInteger(dims) || dims < 1) {
      throw new RangeError("dims must be a positive integer");
    }
    this.#kernel = kernel;
    this.#columns = new Columns(
      dims,
      options.maxRows ?? DEFAULT_MAX_ROWS,
      (buffer, bytes, collapse) => kernel.hugePages(buffer, bytes, collapse),
    );
    this.#mode = options.mode ?? "auto";
    live.add(new WeakRef(this));
  }

  /** Live rows. */
  get size(): number {
    return this.#columns.rows - this.#dead;
  }

  get bytes(): number {
    let listed = 0;
    for (const rows of this.#rowsOf.values()) listed += rows.length * 8 + MAP_ENTRY_BYTES;
    return this.#columns.bytes + this.#rowOf.size * MAP_ENTRY_BYTES + listed;
  }

  add(chunkId: number, ownerId: number, documentId: number, vector: Float32Array): void {
    this.addMany([chunkId], [ownerId], [documentId], vector);
  }

  /**
   * Appends `chunkIds.length` rows; `vectors` holds them row-major. A chunk id already held is
   * replaced; ids must be unique within one batch.
   */
  addMany(
    chunkIds: ArrayLike<number>,
    ownerIds: ArrayLike<number>,
    documentIds: ArrayLike<number>,
    vectors: Float32Array,
  ): void {
    const count = chunkIds.length;
    if (ownerIds.length !== count || documentIds.length !== count) {
      throw new RangeError("chunkIds, ownerIds and documentIds differ in length");
    }
    if (vectors.length !== count * this.dims) {
      throw new RangeError(
        `vectors has ${vectors.length} floats, ${count} rows need ${count * this.dims}`,
      );
    }
    if (count === 0) return;
    for (let i = 0; i < count; i++) {
      if (this.#rowOf.has(chunkIds[i])) this.remove(chunkIds[i]);
    }
    const c = this.#columns;
    const first = c.append(count);
    try {
      this.#kernel.encode(vectors, this.dims, c.codesFor(first, first + count));
    } catch (e) {
      c.rows = first; // a batch the kernel refuses (non-finite values) leaves no trace
      throw e;
    }
    c.vectors.set(vectors, first * this.dims);
    for (let i = 0; i < count; i++) {
      const row = first + i;
      c.chunkIds[row] = chunkIds[i];
      c.owners[row] = ownerIds[i];
      c.documents[row] = documentIds[i];
      c.setLive(row, true);
      this.#rowOf.set(chunkIds[i], row);
      const rows = this.#rowsOf.get(documentIds[i]);
      if (rows) rows.push(row);
      else this.#rowsOf.set(documentIds[i], [row]);
    }
  }

  remove(chunkId: number): boolean {
    const row = this.#rowOf.get(chunkId);
    if (row === undefined) return false;
    const document = this.#columns.documents[row];
    const rows = this.#rowsOf.get(document)!;
    rows.splice(rows.indexOf(row), 1);
    if (rows.length === 0) this.#rowsOf.delete(document);
    this.#bury(row);
    this.#maybeCompact();
    return true;
  }

  removeDocument(documentId: number): number {
    const rows = this.#rowsOf.get(documentId);
    if (!rows) return 0;
    this.#rowsOf.delete(documentId);
    for (const row of rows) this.#bury(row);
    this.#maybeCompact();
    return rows.length;
  }

  async search(query: Float32Array, k: number, filter: IndexFilter = {}): Promise<IndexHit[]> {
    if (query.length !== this.dims) {
      throw new RangeError(`query has ${query.length} dimensions, expected ${this.dims}`);
    }
    const c = this.#columns;
    const n = c.rows;
    if (n === 0 || k <= 0 || filter.documentIds?.length === 0) return [];
    let allow = this.#dead > 0 ? c.liveBits(n) : undefined;
    if (filter.documentIds) allow = this.#documentBits(filter.documentIds, n);
    const mode = this.#mode === "auto" ? autoMode(n, k, this.#kernel.implementation) : this.#mode;
    this.#searching++;
    let top;
    try {
      top = await this.#kernel.search(c.view(n), query, Math.min(k, n), {
        mode,
        owner: filter.ownerId,
        allow,
      });
    } finally {
      this.#searching--;
    }
    const hits: IndexHit[] = [];
    for (let i = 0; i < top.rows.length; i++) {
      const row = top.rows[i];
      // removed while the scan ran (rows keep their numbers until no scan is in flight)
      if (!c.isLive(row)) continue;
      hits.push({ chunkId: c.chunkIds[row], documentId: c.documents[row], score: top.scores[i] });
    }
    this.#maybeCompact();
    return hits;
  }

  #bury(row: number): void {
    const c = this.#columns;
    this.#rowOf.delete(c.chunkIds[row]);
    c.setLive(row, false);
    this.#dead++;
  }

  #documentBits(documentIds: number[], n: number): Uint8Array {
    const bits = new Uint8Array(Math.ceil(n / 8));
    for (const id of documentIds) {
      for (const row of this.#rowsOf.get(id) ?? []) bits[row >> 3] |= 1 << (row & 7);
    }
    return bits;
  }

  /** Compacts once a quarter of the rows are dead, never under a running scan. */
  #maybeCompact(): void {
    const rows = this.#columns.rows;
    if (this.#searching > 0 || this.#dead === 0 || this.#dead * 4 < rows) return;
    const moved = this.#columns.compact();
    this.#dead = 0;
    this.#rowOf.clear();
    this.#rowsOf.clear();
    const c = this.#columns;
    for (let row = 0; row < moved; row++) {
      this.#rowOf.set(c.chunkIds[row], row);
      const list = this.#rowsOf.get(c.documents[row]);
      if (list) list.push(row);
      else this.#rowsOf.set(c.documents[row], [row]);
    }
  }
}
