-- ligero's embedded schema. Times are ISO 8601 text; vectors are little-endian f32 blobs.
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  title TEXT NOT NULL,
  mime TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  page_count INTEGER NOT NULL DEFAULT 0,
  language TEXT NOT NULL DEFAULT 'other' CHECK (language IN ('es', 'en', 'other')),
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'extracting', 'embedding', 'ready', 'failed')),
  error_code TEXT,
  error_message TEXT,
  pages_done INTEGER NOT NULL DEFAULT 0,
  pages_total INTEGER NOT NULL DEFAULT 0,
  chunk_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX documents_owner ON documents (owner_id, created_at);
CREATE INDEX documents_owner_sha ON documents (owner_id, sha256);
CREATE INDEX documents_unfinished ON documents (created_at)
  WHERE status IN ('queued', 'extracting', 'embedding');

CREATE TABLE pages (
  document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  page_number INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (document_id, page_number)
) WITHOUT ROWID;

-- id only grows (AUTOINCREMENT never reuses), so it doubles as the index's change sequence.
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  page_start INTEGER NOT NULL,
  page_end INTEGER NOT NULL,
  text TEXT NOT NULL,
  token_count INTEGER NOT NULL,
  UNIQUE (document_id, ordinal)
);

-- A rowid table: rows of 1.5 KiB (384 f32) are far past what WITHOUT ROWID suits.
CREATE TABLE vectors (
  id INTEGER PRIMARY KEY,
  chunk_id INTEGER NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dims INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (model, chunk_id)
);
CREATE INDEX vectors_chunk ON vectors (chunk_id);

-- Contentless: rowid = chunks.id, `terms` holds terms made by terms.ts (stemmed, CJK
-- bigrams), `owner` one token naming the owner, so a query ranks only its owner's chunks; the
-- text itself stays in chunks. Rows are removed with the chunk (trigger).
CREATE VIRTUAL TABLE chunk_terms USING fts5 (
  terms,
  owner,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  DELETE FROM chunk_terms WHERE rowid = old.id;
END;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX conversations_owner ON conversations (owner_id, updated_at);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
  content TEXT NOT NULL,
  cited_chunk_ids TEXT NOT NULL DEFAULT '[]', -- JSON array of chunk ids
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  model TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
