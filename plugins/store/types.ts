/**
 * The store slot: everything ligero keeps across restarts (documents, pages, chunks, vectors,
 * conversations, users, API keys) and full-text search over chunks. Routes and services talk
 * to this interface only; SQL lives in the implementations (`sqlite.ts`, `postgres.ts`).
 */
import type { ChangeFeed, JobLeases, SourceBlobs } from "./scale-out.ts";

export type DocumentStatus = "queued" | "extracting" | "embedding" | "ready" | "failed";
/** The language a document is indexed in for full text; "other" is indexed unstemmed. */
export type Language = "es" | "en" | "other";

export interface DocumentRecord {
  id: string;
  ownerId: string;
  title: string;
  mime: string;
  sha256: string;
  bytes: number;
  pageCount: number;
  language: Language;
  status: DocumentStatus;
  errorCode: string | null;
  errorMessage: string | null;
  pagesDone: number;
  pagesTotal: number;
  chunkCount: number;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface NewDocument {
  ownerId: string;
  title: string;
  mime: string;
  sha256: string;
  bytes: number;
  pagesTotal?: number;
  language?: Language;
}

/** Fields an ingestion job moves forward; status "ready" is set by the final chunk batch. */
export interface DocumentPatch {
  title?: string;
  status?: Exclude<DocumentStatus, "ready">;
  pageCount?: number;
  language?: Language;
  pagesDone?: number;
  pagesTotal?: number;
  error?: { code: string; message: string } | null;
}

export interface PageInput {
  /** 1-based. */
  pageNumber: number;
  text: string;
}

export interface ChunkInput {
  /** 0-based position in the document; (document, ordinal) is unique, so a resumed job can
   * re-send a batch and the store skips what it already has. */
  ordinal: number;
  pageStart: number;
  pageEnd: number;
  text: string;
  tokenCount: number;
  /** Stored as little-endian f32; every vector of one batch has the same length. */
  vector?: Float32Array;
}

export interface ChunkBatch {
  documentId: string;
  /** The embedding model the vectors come from (e.g. "all-MiniLM-L6-v2"). */
  model: string;
  chunks: ChunkInput[];
  /** Progress to record with this batch. */
  pagesDone?: number;
  /** The last batch: the document becomes "ready" in the same transaction. */
  final?: boolean;
}

export interface Chunk {
  id: number;
  documentId: string;
  documentTitle: string;
  /** The document's full-text language: what its snippet highlights by. */
  documentLanguage: Language;
  ownerId: string;
  ordinal: number;
  pageStart: number;
  pageEnd: number;
  text: string;
  tokenCount: number;
}

/** Where an interrupted job stands: pages and chunks already committed. */
export interface ResumePoint {
  pagesStored: number;
  /** Highest committed chunk ordinal + 1 (0 when none). */
  nextOrdinal: number;
}

export interface TextSearchQuery {
  ownerId: string;
  query: string;
  k: number;
  documentIds?: string[];
}

export interface TextHit {
  chunkId: number;
  documentId: string;
  /** Higher is better; comparable only within one result list (bm25 vs ts_rank_cd). */
  score: number;
  pageStart: number;
  pageEnd: number;
}

/** One batch of `streamVectors`: `vectors` holds `chunkIds.length × dims` floats, row-major. */
export interface VectorBatch {
  dims: number;
  chunkIds: number[];
  ownerIds: string[];
  documentIds: string[];
  vectors: Float32Array;
}

export interface Conversation {
  id: string;
  ownerId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export type MessageRole = "system" | "user" | "assistant";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface NewMessage {
  conversationId: string;
  role: MessageRole;
  content: string;
  citedChunkIds?: number[];
  usage?: TokenUsage | null;
  /** Provider/model that produced an assistant message. */
  model?: string | null;
}

export interface Message extends Required<Omit<NewMessage, "usage" | "model">> {
  id: number;
  usage: TokenUsage | null;
  model: string | null;
  createdAt: string;
}

export interface User {
  id: string;
  name: string;
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  /** First characters of the key, to tell keys apart in listings; never the key. */
  prefix: string;
  createdAt: string;
}

export interface NewApiKey {
  userId: string;
  name: string;
  prefix: string;
  /** A hash of the key (the caller chooses and computes it); the key itself is never stored. */
  hash: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Store {
  /** "sqlite" or "postgres": reported in /ready. */
  readonly implementation: string;
  /** Set when several instances may share the database (PostgreSQL): see scale-out.ts. */
  readonly changes?: ChangeFeed;
  readonly jobs?: JobLeases;
  readonly sources?: SourceBlobs;
  /** Cheap round trip; throws StoreUnavailableError when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createDocument(input: NewDocument): Promise<DocumentRecord>;
  /** With `ownerId`, a document of another owner is reported as missing. */
  getDocument(id: string, ownerId?: string): Promise<DocumentRecord | null>;
  findDocumentBySha256(ownerId: string, sha256: string): Promise<DocumentRecord | null>;
  listDocuments(ownerId: string, opts?: { limit?: number; offset?: number }): Promise<
    Page<DocumentRecord>
  >;
  updateDocument(id: string, patch: DocumentPatch): Promise<void>;
  /** Marks a document failed and drops its partial chunks, vectors and pages. */
  failDocument(id: string, code: string, message: string): Promise<void>;
  /** Removes the document with its pages, chunks and vectors; false when it did not exist. */
  deleteDocument(id: string, ownerId?: string): Promise<boolean>;
  /** Documents left queued/extracting/embedding (after a crash or restart), oldest first. */
  listUnfinished(): Promise<DocumentRecord[]>;
  resumePoint(documentId: string): Promise<ResumePoint>;

  /** Upserts pages in one transaction (a resumed job may send a page twice). */
  writePages(documentId: string, pages: PageInput[]): Promise<void>;
  getPage(documentId: string, pageNumber: number): Promise<string | null>;

  /** Chunks + vectors + progress in one transaction; with `final`, also status "ready". */
  writeChunks(batch: ChunkBatch): Promise<void>;
  /** Chunks by id, in the order asked, skipping ids that do not exist or belong to others. */
  getChunks(ids: number[], ownerId?: string): Promise<Chunk[]>;
  /** Ranked full-text hits over ready documents of one owner. */
  searchText(query: TextSearchQuery): Promise<TextHit[]>;
  /**
   * Every stored vector of `model` with chunk id > `afterChunkId`, in chunk id order, in
   * batches of at most `batchSize` rows, so the in-process index fills without holding more
   * than one batch of rows. Chunk ids only grow, so the last id seen is a resume point. Vectors
   * of documents still ingesting are included (a document that becomes ready later can have
   * lower chunk ids than one ready before it, and a catch-up by id must not skip them): the
   * index hides unfinished documents (`listUnfinished`) until they are ready.
   */
  streamVectors(model: string, batchSize: number, afterChunkId?: number): AsyncIterable<
    VectorBatch
  >;
  /** How many vectors `streamVectors(model, …)` yields from the start: sizes the index once. */
  countVectors(model: string): Promise<number>;

  createConversation(ownerId: string, title: string): Promise<Conversation>;
  getConversation(id: string, ownerId: string): Promise<Conversation | null>;
  listConversations(ownerId: string, opts?: { limit?: number; offset?: number }): Promise<
    Page<Conversation>
  >;
  renameConversation(id: string, ownerId: string, title: string): Promise<boolean>;
  deleteConversation(id: string, ownerId: string): Promise<boolean>;
  addMessage(message: NewMessage): Promise<Message>;
  listMessages(conversationId: string): Promise<Message[]>;

  createUser(name: string): Promise<User>;
  getUser(id: string): Promise<User | null>;
  listUsers(): Promise<User[]>;
  createApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  /** The key and its user, by the hash of a presented key. */
  findApiKeyByHash(hash: string): Promise<{ key: ApiKeyRecord; user: User } | null>;
  listApiKeys(userId: string): Promise<ApiKeyRecord[]>;
  deleteApiKey(id: string): Promise<boolean>;
}

export class StoreError extends Error {
  override name = "StoreError";
}

/** The database does not answer (down, unreachable, locked too long): HTTP 503
 * `store_unavailable`. */
export class StoreUnavailableError extends StoreError {
  override name = "StoreUnavailableError";
}

/** The database's disk is full (SQLITE_FULL, PostgreSQL 53100): HTTP 507 `disk_full`; the write
 * was rolled back, what was committed before stays. */
export class StoreFullError extends StoreError {
  override name = "StoreFullError";
}

/** Another process holds the embedded database: ligero's SQLite mode is single-instance. */
export class StoreLockedError extends StoreError {
  override name = "StoreLockedError";
}

/** A write named a document or conversation that does not exist (deleted meanwhile). */
export class RecordMissingError extends StoreError {
  override name = "RecordMissingError";
}
