/**
 * Keeps the in-process vector index in step with the store. The store's chunk ids only grow,
 * so the index remembers the last id it holds and catches up by streaming what came after
 * (at start-up: everything, one batch at a time, never an array of objects).
 *
 * When the store is shared by several instances (it has a change feed: PostgreSQL), the index
 * follows the feed's sequence: each round reads the changes after the last one applied, marks
 * documents still ingesting as pending, streams vectors up to the highest chunk id those
 * changes name, then applies "ready" and "removed". NOTIFY wakes a round at once; a poll every
 * `pollMs` covers notifications missed while the listening connection was down. A local
 * snapshot (index-snapshot.ts) lets a restart resume from the sequence it had reached. The
 * log is pruned (plugins/store/postgres-shared.ts): a snapshot, or a running index, behind
 * the highest sequence pruned would miss changes, so it loads everything again instead.
 * Searches go through document-index.ts (string ids, pending documents hidden).
 *
 * With `pgvector` the vectors stay in the database (an HNSW index): rounds copy new vectors
 * into it instead of into memory, and searches go there.
 */
import type { Store, VectorBatch } from "../plugins/store/types.ts";
import type { ChangeFeed } from "../plugins/store/scale-out.ts";
import type { VectorIndex } from "./vector-index.ts";
import { DocumentIndex, type VectorHit } from "./document-index.ts";
import type { SimilarityKernel } from "../plugins/similarity/types.ts";
import type { IndexSnapshot } from "./index-snapshot.ts";
import type { PgvectorSearch } from "../plugins/store/postgres-pgvector.ts";
import { log } from "../server/log.ts";
import { Gauge, metrics } from "../server/metrics.ts";

/** Rows per batch while loading: 256 holds ~17 MiB less at 100k vectors than 1024. */
const STREAM_BATCH = 256;
/** Changes read per round. */
const CHANGE_BATCH = 1000;

const lagGauge = metrics.register(
  new Gauge(
    "ligero_index_lag_changes",
    "Changes committed to the shared store that the in-process index has not applied yet.",
  ),
);

export interface IndexSyncOptions {
  /** Resume point across restarts, used only with a shared store. */
  snapshot?: IndexSnapshot;
  /** How often to look for changes a notification did not announce. */
  pollMs?: number;
  /** Search the database's HNSW index instead of holding the vectors in memory. */
  pgvector?: PgvectorSearch;
}

export class IndexSync {
  readonly index: VectorIndex;
  #lastChunkId = 0;
  /** Last change applied, and the newest one known to exist. */
  #seq = 0;
  #latest = 0;
  /** Set until the first round: stream everything, not only up to the changes' chunk ids. */
  #full = true;
  readonly #docs: DocumentIndex;
  #current: Promise<void> = Promise.resolve();
  #next: Promise<void> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #failing = false;

  constructor(
    private readonly store: Store,
    kernel: SimilarityKernel,
    private readonly model: string,
    dims: number,
    private readonly options: IndexSyncOptions = {},
  ) {
    this.#docs = new DocumentIndex(kernel, dims);
    this.index = this.#docs.index;
    lagGauge.collect(() => this.lag);
  }

  /** Changes known to be committed and not applied yet (0 without a change feed). */
  get lag(): number {
    return Math.max(0, this.#latest - this.#seq);
  }

  /** The last change sequence applied. */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Loads the index and, with a shared store, follows its changes from then on. Returns the
   * sequence a snapshot resumed from, or null after a full load.
   */
  async start(): Promise<number | null> {
    const feed = this.store.changes;
    if (!feed) {
      await this.catchUp();
      return null;
    }
    const resumedFrom = await this.#resume(feed);
    if (resumedFrom === null) await this.#startOver(feed);
    this.#latest = this.#seq;
    this.#unlisten = await feed.listen((seq) => {
      this.#latest = Math.max(this.#latest, seq);
      this.catchUp().then(() => this.#recovered(), (e) => this.#failed(e));
    }, () => void this.catchUp().then(() => this.#recovered(), (e) => this.#failed(e)));
    await this.catchUp();
    this.#poll = setInterval(() => this.#check(), this.options.pollMs ?? 1000);
    return resumedFrom;
  }

  async stop(): Promise<void> {
    clearInterval(this.#poll);
    await this.#unlisten?.().catch(() => {});
    await this.#current.catch(() => {});
    this.options.snapshot?.close();
  }

  /** Applies what changed since the last round; one round at a time, callers coalesce. */
  catchUp(): Promise<void> {
    this.#next ??= this.#current.catch(() => {}).then(() => {
      this.#next = undefined;
      return this.#current = this.#round();
    });
    return this.#next;
  }

  async #check(): Promise<void> {
    try {
      this.#latest = Math.max(this.#latest, await this.store.changes!.latest());
      if (this.#latest > this.#seq) await this.catchUp();
      this.#recovered();
    } catch (e) {
      this.#failed(e);
    }
  }

  /** Logged once per outage, not once per poll. */
  #failed(e: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    log.warn("index catch-up failed; retrying", { error: String(e), seq: this.#seq });
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    log.info("index catch-up recovered", { seq: this.#seq, lag: this.lag });
  }

  async #round(): Promise<void> {
    const feed = this.store.changes;
    if (!feed) return await this.#stream(Infinity);
    while (true) {
      const changes = await feed.since(this.#seq, CHANGE_BATCH);
      // read after the changes: a prune that deleted any of them shows here
      const pruned = await feed.pruned();
      if (pruned > this.#seq) {
        log.warn("index behind the pruned change log; reloading", { seq: this.#seq, pruned });
        await this.#forget();
        await this.#startOver(feed);
        continue;
      }
      const first = this.#full;
      let upTo = this.#full ? Infinity : this.#lastChunkId;
      for (const change of changes) {
        // before its vectors arrive, so a search never sees an unfinished document
        if (change.kind === "chunks") this.#docs.pending.add(change.documentId);
        if (change.chunkId !== null) upTo = Math.max(upTo, change.chunkId);
      }
      if (upTo > this.#lastChunkId) await this.#stream(upTo);
      this.#full = false;
      for (const change of changes) {
        if (change.kind === "ready") this.markReady(change.documentId);
        if (change.kind === "removed") this.removeDocument(change.documentId);
      }
      if (changes.length > 0) this.#seq = changes[changes.length - 1].seq;
      this.#latest = Math.max(this.#latest, this.#seq);
      if (changes.length === 0 && !first) return;
      await this.options.snapshot?.save({
        seq: this.#seq,
        lastChunkId: this.#lastChunkId,
        pending: [...this.#docs.pending],
      });
      if (changes.length < CHANGE_BATCH) return;
    }
  }

  /** Streams every vector after the last one held, up to chunk id `upTo`. */
  async #stream(upTo: number): Promise<void> {
    const { pgvector } = this.options;
    if (pgvector) {
      await pgvector.sync();
      this.#lastChunkId = upTo === Infinity ? this.#lastChunkId : upTo;
      return;
    }
    for await (
      const batch of this.store.streamVectors(this.model, STREAM_BATCH, this.#lastChunkId)
    ) {
      const inRange = batch.chunkIds.findIndex((id) => id > upTo);
      const rows = inRange < 0 ? batch : cut(batch, inRange);
      this.#add(rows);
      await this.options.snapshot?.append(rows);
      if (inRange >= 0) return;
    }
  }

  #add(batch: VectorBatch): void {
    if (batch.chunkIds.length === 0) return;
    this.#docs.add(batch);
    this.#lastChunkId = batch.chunkIds[batch.chunkIds.length - 1];
  }

  /**
   * Loads the snapshot when it matches this database and the log still holds every change
   * after it; the sequence it reached, or null.
   */
  async #resume(feed: ChangeFeed): Promise<number | null> {
    const snapshot = this.options.snapshot;
    const saved = await snapshot?.open(await feed.databaseId());
    if (!snapshot || !saved) return null;
    const pruned = await feed.pruned();
    if (saved.state.seq < pruned) {
      log.warn("index snapshot behind the pruned change log; loading everything", {
        seq: saved.state.seq,
        pruned,
      });
      await snapshot.reset();
      return null;
    }
    try {
      for await (const batch of saved.rows) this.#add(batch);
    } catch (e) {
      log.warn("index snapshot unreadable; loading everything", { error: String(e) });
      await this.#forget();
      return null;
    }
    this.#seq = saved.state.seq;
    this.#lastChunkId = Math.max(this.#lastChunkId, saved.state.lastChunkId);
    for (const id of saved.state.pending) this.#docs.pending.add(id);
    this.#full = false;
    log.info("vector index resumed from snapshot", {
      seq: this.#seq,
      lastChunkId: this.#lastChunkId,
      vectors: this.index.size,
    });
    return this.#seq;
  }

  /** Drops every row held, and the snapshot, before loading everything again. */
  async #forget(): Promise<void> {
    for (const name of this.#docs.documents()) this.removeDocument(name);
    this.#lastChunkId = 0;
    await this.options.snapshot?.reset();
  }

  /** Sets up a full load: from the newest change on, with what is ingesting now pending. */
  async #startOver(feed: ChangeFeed): Promise<void> {
    this.#seq = await feed.latest();
    this.#docs.pending.clear();
    for (const doc of await this.store.listUnfinished()) this.#docs.pending.add(doc.id);
    this.#full = true;
  }

  markPending(documentId: string): void {
    this.#docs.pending.add(documentId);
  }

  markReady(documentId: string): void {
    this.#docs.pending.delete(documentId);
  }

  removeDocument(documentId: string): void {
    this.options.snapshot?.removed(documentId);
    this.#docs.removeDocument(documentId);
  }

  /** Top `k` of one owner's ready documents, filtered inside the kernel scan. */
  search(
    query: Float32Array,
    k: number,
    ownerId: string,
    documentIds?: string[],
  ): Promise<VectorHit[]> {
    // the database filters by owner and readiness itself
    if (this.options.pgvector) return this.options.pgvector.search(query, k, ownerId, documentIds);
    return this.#docs.search(query, k, ownerId, documentIds);
  }
}

/** The first `rows` rows of a batch. */
function cut(batch: VectorBatch, rows: number): VectorBatch {
  return {
    dims: batch.dims,
    chunkIds: batch.chunkIds.slice(0, rows),
    ownerIds: batch.ownerIds.slice(0, rows),
    documentIds: batch.documentIds.slice(0, rows),
    vectors: batch.vectors.subarray(0, rows * batch.dims),
  };
}
