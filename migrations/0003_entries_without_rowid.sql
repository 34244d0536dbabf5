-- entries becomes a WITHOUT ROWID table. Its primary key (leaf_hash, shard) was a second B-tree beside
-- the rowid table, and D1 bills each B-tree an insert writes as a row written: an entry cost three rows
-- (table, primary key, entries_by_position), now two. Lookups are unchanged; entries_by_position now
-- carries the leaf hash itself, so turning search hits into UUIDs reads the index alone.
-- Applying this copies the existing rows once (billed as rows written once).
CREATE TABLE IF NOT EXISTS entries_compact (
  leaf_hash BLOB NOT NULL,
  shard TEXT NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (leaf_hash, shard)
) WITHOUT ROWID;
INSERT OR IGNORE INTO entries_compact (leaf_hash, shard, idx) SELECT leaf_hash, shard, idx FROM entries;
DROP INDEX IF EXISTS entries_by_position;
DROP TABLE entries;
ALTER TABLE entries_compact RENAME TO entries;
CREATE INDEX IF NOT EXISTS entries_by_position ON entries (shard, idx);
