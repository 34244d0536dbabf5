-- edgelog search index (D1, binding INDEX). Fed by the sequencers' outboxes after each round.
-- leaf_hash = SHA-256(0x00 || canonical entry): the Rekor v1 entry UUID.
CREATE TABLE IF NOT EXISTS entries (
  leaf_hash BLOB NOT NULL,
  shard TEXT NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (leaf_hash, shard)
);
