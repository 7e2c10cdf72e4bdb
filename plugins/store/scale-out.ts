/**
 * What several ligero instances on one database share beyond plain records (PostgreSQL only;
 * the embedded SQLite store is single-instance and has none of these): the change log each
 * in-process vector index follows, leases on ingestion jobs, and the uploaded bytes.
 */

/** "chunks": a batch of a document still ingesting; "ready": its last batch; "removed":
 * deleted or failed, its vectors gone. */
export type ChangeKind = "chunks" | "ready" | "removed";

export interface Change {
  seq: number;
  kind: ChangeKind;
  documentId: string;
  /** The document's highest chunk id when the change committed (null for "removed"). */
  chunkId: number | null;
}

export interface ChangeFeed {
  /** Names this database, so an index snapshot made from another one is not resumed. */
  databaseId(): Promise<string>;
  /** The newest committed sequence number (0 when none). */
  latest(): Promise<number>;
  /**
   * Changes after `seq`, in order, at most `limit`. Sequence numbers commit in order. Only
   * complete when `pruned()`, read after this, is not above `seq`.
   */
  since(seq: number, limit: number): Promise<Change[]>;
  /**
   * The highest sequence pruned from the log (0 when none): changes up to it are gone, so an
   * index that has not applied them must load everything again.
   */
  pruned(): Promise<number>;
  /**
   * Calls `onChange(seq)` on each notification and `onConnect()` on each (re)connection of
   * the listening session (a reconnect may have missed notifications). Resolves once
   * listening, with a function that stops it.
   */
  listen(onChange: (seq: number) => void, onConnect: () => void): Promise<() => Promise<void>>;
}

/** Ingestion jobs claimed under a lease: a job whose instance died is taken over once its
 * lease runs out. */
export interface JobLeases {
  /** The oldest unfinished document with no live lease, now leased to `owner`; or null. */
  claim(owner: string, leaseMs: number): Promise<string | null>;
  /** False when the lease was lost (expired and taken, or the document is gone). */
  renew(documentId: string, owner: string, leaseMs: number): Promise<boolean>;
  release(documentId: string, owner: string): Promise<void>;
  /** Unfinished documents no instance holds a live lease on. */
  waiting(): Promise<number>;
}

/** The uploaded bytes of each document, deleted with it. */
export interface SourceBlobs {
  putSource(documentId: string, bytes: Uint8Array): Promise<void>;
  /** Null when the document has no stored bytes. */
  getSource(documentId: string): Promise<Uint8Array | null>;
}
