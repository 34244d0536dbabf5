/**
 * The search index seam (D1 in production), written from the sequencer's outbox after each round
 * and read at the edge:
 * - `entries`: leaf hash → (shard, index) (Rekor v1 lookups by entry UUID);
 * - `index_keys`: search key (src/search/index-keys.ts) → (shard, index, leaf hash);
 * - `index_sizes`: per shard, one past the highest index inserted.
 * D1 bills every B-tree an insert writes as a row, so each table is its one primary key (WITHOUT ROWID)
 * and an entry costs one row plus one per search key; each insert adds one row for the shard's size.
 * Losing D1 loses nothing: the outbox keeps rows until D1 has them.
 * @module
 */
import { toHex } from "../tlog/encoding.ts";

export interface IndexedEntry {
  shard: string;
  index: number;
}

export interface IndexRow {
  index: number;
  leafHash: Uint8Array;
  /** The leaf's search keys; absent or empty: indexed by leaf hash only. */
  keys?: readonly string[];
}

/** D1's own count of the rows a write read and wrote (`meta`): what D1 bills. */
export interface RowsBilled {
  read: number;
  written: number;
}

export interface KeyQuery {
  key: string;
  /** Only these shards (the deployment's), in the answer. */
  shards: readonly string[];
  /** Strictly after this position in (shard, index) order. */
  after?: IndexedEntry;
  limit: number;
}

export interface SearchIndex {
  /** Idempotent: re-inserting a row is a no-op. Resolves once D1 has the rows (all or none). */
  insertEntries(shard: string, rows: readonly IndexRow[]): Promise<RowsBilled>;
  findByLeafHash(leafHash: Uint8Array): Promise<IndexedEntry[]>;
  /** A key's entries in (shard, index) order, from a cursor. */
  findByKey(query: KeyQuery): Promise<IndexedEntry[]>;
  /** A key's entries with their leaf hashes (Rekor v1 entry UUIDs), at most `limit`. */
  leafHashesByKey(
    key: string,
    shards: readonly string[],
    limit: number,
  ): Promise<(IndexedEntry & { leafHash: Uint8Array })[]>;
  /**
   * One past the highest index of the shard's indexed entries (0: none). Both writers, the outbox drain
   * and reindex, fill the index in index order, so every entry below it is searchable.
   */
  indexedSize(shard: string): Promise<number>;
}

/**
 * Rows per statement: the rows travel as one JSON parameter expanded by json_each, so a batch is one
 * statement instead of one per 33 rows (D1 allows 100 bound parameters per statement); ~80 bytes a
 * row keeps the parameter far below D1's 2 MB value limit.
 */
const ROWS_PER_STATEMENT = 2000;
/** Key rows are as long as their keys: a statement's JSON parameter is cut at about this many bytes. */
const KEY_BYTES_PER_STATEMENT = 500_000;

export function d1SearchIndex(db: D1Database): SearchIndex {
  return {
    async insertEntries(shard, rows) {
      const statements: D1PreparedStatement[] = [];
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => [toHex(r.leafHash), r.index]);
        statements.push(
          db
            .prepare(
              "INSERT OR IGNORE INTO entries (leaf_hash, shard, idx) " +
                "SELECT unhex(json_extract(value, '$[0]')), ?1, json_extract(value, '$[1]') FROM json_each(?2)",
            )
            .bind(shard, JSON.stringify(chunk)),
        );
      }
      let keyRows: [string, number, string][] = [];
      let size = 0;
      const flushKeys = () => {
        if (keyRows.length === 0) return;
        statements.push(
          db
            .prepare(
              "INSERT OR IGNORE INTO index_keys (key, shard, idx, leaf_hash) SELECT json_extract(value, '$[0]'), " +
                "?1, json_extract(value, '$[1]'), unhex(json_extract(value, '$[2]')) FROM json_each(?2)",
            )
            .bind(shard, JSON.stringify(keyRows)),
        );
        keyRows = [];
        size = 0;
      };
      let end = 0;
      for (const r of rows) {
        end = Math.max(end, r.index + 1);
        const leafHash = toHex(r.leafHash);
        for (const key of r.keys ?? []) {
          keyRows.push([key, r.index, leafHash]);
          size += 3 * key.length + 84;
          if (size >= KEY_BYTES_PER_STATEMENT) flushKeys();
        }
      }
      flushKeys();
      if (rows.length > 0)
        // Raised with the rows, never lowered: a retried or older batch leaves it (and writes nothing).
        statements.push(
          db
            .prepare(
              "INSERT INTO index_sizes (shard, size) VALUES (?1, ?2) " +
                "ON CONFLICT (shard) DO UPDATE SET size = excluded.size WHERE excluded.size > index_sizes.size",
            )
            .bind(shard, end),
        );
      // One batch is one D1 transaction: a round's leaf hashes and keys arrive together or not at all.
      const billed = { read: 0, written: 0 };
      if (statements.length > 0)
        for (const { meta } of await db.batch(statements)) {
          billed.read += meta.rows_read;
          billed.written += meta.rows_written;
        }
      return billed;
    },
    async findByLeafHash(leafHash) {
      const { results } = await db
        .prepare("SELECT shard, idx FROM entries WHERE leaf_hash = ? ORDER BY shard")
        .bind(leafHash)
        .all();
      return results.map((r) => ({ shard: r.shard as string, index: r.idx as number }));
    },
    async findByKey({ key, shards, after, limit }) {
      // The cursor is the range's start: one seek wherever the page is. `+shard` keeps the shard list a
      // filter (as an index constraint it would turn the cursor into a scan of the key's rows from the
      // shard's first). Rows of a shard not listed would be read past; a deployment never drops a shard
      // that holds entries from SHARDS (README "Shards").
      const { results } = await db
        .prepare(
          "SELECT shard, idx FROM index_keys WHERE key = ?1 AND (shard, idx) > (?2, ?3) " +
            "AND +shard IN (SELECT value FROM json_each(?4)) ORDER BY shard, idx LIMIT ?5",
        )
        .bind(key, after?.shard ?? "", after?.index ?? -1, JSON.stringify(shards), limit)
        .all();
      return results.map((r) => ({ shard: r.shard as string, index: r.idx as number }));
    },
    async leafHashesByKey(key, shards, limit) {
      const { results } = await db
        .prepare(
          "SELECT shard, idx, leaf_hash FROM index_keys " +
            "WHERE key = ?1 AND shard IN (SELECT value FROM json_each(?2)) ORDER BY shard, idx LIMIT ?3",
        )
        .bind(key, JSON.stringify(shards), limit)
        .all();
      return results.map((r) => ({
        shard: r.shard as string,
        index: r.idx as number,
        leafHash: new Uint8Array(r.leaf_hash as ArrayBuffer),
      }));
    },
    async indexedSize(shard) {
      const row = await db
        .prepare("SELECT size FROM index_sizes WHERE shard = ?")
        .bind(shard)
        .first<{ size: number }>();
      return row?.size ?? 0;
    },
  };
}
