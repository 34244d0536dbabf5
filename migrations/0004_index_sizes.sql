-- One B-tree fewer per entry. D1 bills every B-tree an insert writes as a row written; entries_by_position
-- (shard, idx) was written once per entry to serve two reads, which now need no index of their own:
-- - a shard's indexed size (/healthz, search pages) is one row in index_sizes, raised in the same D1 batch
--   (transaction) as each round's rows and never lowered, so it is true whenever the rows are;
-- - a search hit's leaf hash (the Rekor v1 entry UUID) is a column of its index_keys row.
-- An entry now costs one row in entries plus one per search key, and each round one more.
-- Applying this copies the existing index_keys rows once (billed as rows written once).
CREATE TABLE IF NOT EXISTS index_sizes (
  shard TEXT PRIMARY KEY,
  size INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO index_sizes (shard, size) SELECT shard, MAX(idx) + 1 FROM entries GROUP BY shard;
-- Every writer inserts an entry's key rows in the same transaction as its entries row, so each has its leaf hash.
CREATE TABLE IF NOT EXISTS index_keys_with_leaf (
  key TEXT NOT NULL,
  shard TEXT NOT NULL,
  idx INTEGER NOT NULL,
  leaf_hash BLOB NOT NULL,
  PRIMARY KEY (key, shard, idx)
) WITHOUT ROWID;
INSERT OR IGNORE INTO index_keys_with_leaf (key, shard, idx, leaf_hash)
  SELECT k.key, k.shard, k.idx, e.leaf_hash FROM index_keys k JOIN entries e ON e.shard = k.shard AND e.idx = k.idx;
DROP TABLE index_keys;
ALTER TABLE index_keys_with_leaf RENAME TO index_keys;
DROP INDEX IF EXISTS entries_by_position;
