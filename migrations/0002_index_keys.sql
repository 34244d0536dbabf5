-- Search keys (src/search/index-keys.ts): key → (shard, idx), fed by the sequencers' outboxes with the
-- leaf hashes. Search reads one key's rows in (shard, idx) order from a cursor: the primary key is
-- exactly that range scan, and WITHOUT ROWID keeps each row in that one B-tree.
CREATE TABLE IF NOT EXISTS index_keys (
  key TEXT NOT NULL,
  shard TEXT NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (key, shard, idx)
) WITHOUT ROWID;
-- Rekor v1 index/retrieve answers entry UUIDs: from a key's (shard, idx) rows to their leaf hashes.
CREATE INDEX IF NOT EXISTS entries_by_position ON entries (shard, idx);
