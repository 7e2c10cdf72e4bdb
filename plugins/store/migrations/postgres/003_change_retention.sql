-- The change log is pruned: changes older than store.changeRetentionHours are deleted, a
-- prefix of the log at a time. `changes_pruned.seq` is the highest sequence ever deleted, so
-- an index that still needs a change at or below it knows it must load everything again
-- instead of silently missing it.
CREATE TABLE changes_pruned (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  seq bigint NOT NULL DEFAULT 0
);
INSERT INTO changes_pruned DEFAULT VALUES;

-- the hourly prune finds the old rows without reading the whole log
CREATE INDEX changes_created ON changes (created_at);
