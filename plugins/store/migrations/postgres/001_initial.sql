-- ligero's PostgreSQL schema. Ids are text (uuids made by the app) so a malformed id in a URL
-- is "not found", not a type error. Vectors are little-endian f32 in bytea.
CREATE TABLE documents (
  id text PRIMARY KEY,
  owner_id text NOT NULL,
  title text NOT NULL,
  mime text NOT NULL,
  sha256 text NOT NULL,
  bytes bigint NOT NULL,
  page_count integer NOT NULL DEFAULT 0,
  language text NOT NULL DEFAULT 'other' CHECK (language IN ('es', 'en', 'other')),
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'extracting', 'embedding', 'ready', 'failed')),
  error_code text,
  error_message text,
  pages_done integer NOT NULL DEFAULT 0,
  pages_total integer NOT NULL DEFAULT 0,
  chunk_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_owner ON documents (owner_id, created_at);
CREATE INDEX documents_owner_sha ON documents (owner_id, sha256);
CREATE INDEX documents_unfinished ON documents (created_at)
  WHERE status IN ('queued', 'extracting', 'embedding');

CREATE TABLE pages (
  document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  page_number integer NOT NULL,
  text text NOT NULL,
  PRIMARY KEY (document_id, page_number)
);

-- id only grows, so it doubles as the in-process index's change sequence.
-- tsv: the text under the document's configuration (spanish/english/simple) plus CJK bigrams.
CREATE TABLE chunks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  page_start integer NOT NULL,
  page_end integer NOT NULL,
  text text NOT NULL,
  token_count integer NOT NULL,
  tsv tsvector NOT NULL,
  UNIQUE (document_id, ordinal)
);
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);

CREATE TABLE vectors (
  chunk_id bigint NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
  model text NOT NULL,
  dims integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (model, chunk_id)
);
CREATE INDEX vectors_chunk ON vectors (chunk_id);

CREATE TABLE users (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE conversations (
  id text PRIMARY KEY,
  owner_id text NOT NULL,
  title text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_owner ON conversations (owner_id, updated_at);

CREATE TABLE messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
  content text NOT NULL,
  cited_chunk_ids bigint[] NOT NULL DEFAULT '{}',
  prompt_tokens integer,
  completion_tokens integer,
  model text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
