-- Several ligero instances on one database: a change log each instance's in-process vector
-- index follows, leases on ingestion jobs, and the uploaded bytes, so any instance can run
-- any job.

-- One row per index-relevant change, written in the transaction that makes it and under the
-- chunk-write advisory lock, so seq becomes visible in seq order. chunk_id: the document's
-- highest chunk id when the change committed (chunks and ready).
CREATE TABLE changes (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('chunks', 'ready', 'removed')),
  document_id text NOT NULL,
  chunk_id bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Tells a local index snapshot made from this database from one made from another.
CREATE TABLE database_identity (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO database_identity DEFAULT VALUES;

-- The instance running a document's ingestion, until when (renewed while it runs).
ALTER TABLE documents ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz;

-- Uploaded bytes in parts (a statement never carries a whole 50 MB upload).
CREATE TABLE document_sources (
  document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  part integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (document_id, part)
);
