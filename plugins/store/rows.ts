/**
 * Database rows → the records of types.ts, shared by both backends. Column names are the
 * schema's snake_case; PostgreSQL gives Dates and bigints-as-strings where SQLite gives text
 * and numbers, so every field goes through a converter.
 */
import type {
  ApiKeyRecord,
  Chunk,
  Conversation,
  DocumentPatch,
  DocumentRecord,
  DocumentStatus,
  Language,
  Message,
  MessageRole,
  User,
} from "./types.ts";

// deno-lint-ignore no-explicit-any
export type Row = Record<string, any>;

const iso = (v: unknown): string => v instanceof Date ? v.toISOString() : String(v);
const int = (v: unknown): number => Number(v);
const text = (v: unknown): string | null => v === null || v === undefined ? null : String(v);

export function toDocument(r: Row): DocumentRecord {
  return {
    id: String(r.id),
    ownerId: r.owner_id,
    title: r.title,
    mime: r.mime,
    sha256: r.sha256,
    bytes: int(r.bytes),
    pageCount: int(r.page_count),
    language: r.language as Language,
    status: r.status as DocumentStatus,
    errorCode: text(r.error_code),
    errorMessage: text(r.error_message),
    pagesDone: int(r.pages_done),
    pagesTotal: int(r.pages_total),
    chunkCount: int(r.chunk_count),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** Expects the chunk columns plus `title` and `owner_id` of its document. */
export function toChunk(r: Row): Chunk {
  return {
    id: int(r.id),
    documentId: String(r.document_id),
    documentTitle: r.title,
    documentLanguage: r.language as Language,
    ownerId: r.owner_id,
    ordinal: int(r.ordinal),
    pageStart: int(r.page_start),
    pageEnd: int(r.page_end),
    text: r.text,
    tokenCount: int(r.token_count),
  };
}

export function toConversation(r: Row): Conversation {
  return {
    id: String(r.id),
    ownerId: r.owner_id,
    title: r.title,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toMessage(r: Row): Message {
  const cited = typeof r.cited_chunk_ids === "string"
    ? JSON.parse(r.cited_chunk_ids)
    : r.cited_chunk_ids;
  return {
    id: int(r.id),
    conversationId: String(r.conversation_id),
    role: r.role as MessageRole,
    content: r.content,
    citedChunkIds: (cited as unknown[]).map(int),
    usage: r.prompt_tokens === null || r.prompt_tokens === undefined
      ? null
      : { promptTokens: int(r.prompt_tokens), completionTokens: int(r.completion_tokens) },
    model: text(r.model),
    createdAt: iso(r.created_at),
  };
}

export function toUser(r: Row): User {
  return { id: String(r.id), name: r.name, createdAt: iso(r.created_at) };
}

export function toApiKey(r: Row): ApiKeyRecord {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    name: r.name,
    prefix: r.prefix,
    createdAt: iso(r.created_at),
  };
}

/** The columns a DocumentPatch sets (without updated_at), for both backends' UPDATE. */
export function patchColumns(patch: DocumentPatch): Record<string, string | number | null> {
  const columns: Record<string, string | number | null> = {};
  if (patch.title !== undefined) columns.title = patch.title;
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.pageCount !== undefined) columns.page_count = patch.pageCount;
  if (patch.language !== undefined) columns.language = patch.language;
  if (patch.pagesDone !== undefined) columns.pages_done = patch.pagesDone;
  if (patch.pagesTotal !== undefined) columns.pages_total = patch.pagesTotal;
  if (patch.error !== undefined) {
    columns.error_code = patch.error?.code ?? null;
    columns.error_message = patch.error?.message ?? null;
  }
  return columns;
}
