/**
 * The search index seam (D1 in production), written from the sequencer's outbox after each round
 * and read at the edge:
 * - `entries`: leaf hash → (shard, index) (Rekor v1 lookups by entry UUID);
 * - `index_keys`: search key (src/search/index-keys.ts) → (shard, index).
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
  insertEntries(shard: string, rows: readonly IndexRow[]): Promise<void>;
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
      let keyRows: [string, number][] = [];
      let size = 0;
      const flushKeys = () => {
        if (keyRows.length === 0) return;
        statements.push(
          db
            .prepare(
              "INSERT OR IGNORE INTO index_keys (key, shard, idx) " +
                "SELECT json_extract(value, '$[0]'), ?1, json_extract(value, '$[1]') FROM json_each(?2)",
            )
            .bind(shard, JSON.stringify(keyRows)),
        );
        keyRows = [];
        size = 0;
      };
      for (const r of rows) {
        for (const key of r.keys ?? []) {
          keyRows.push([key, r.index]);
          size += 3 * key.length + 16;
          if (size >= KEY_BYTES_PER_STATEMENT) flushKeys();
        }
      }
      flushKeys();
      // One batch is one D1 transaction: a round's leaf hashes and keys arrive together or not at all.
      if (statements.length > 0) await db.batch(statements);
    },
    async findByLeafHash(leafHash) {
      const { results } = await db
        .prepare("SELECT shard, idx FROM entries WHERE leaf_hash = ? ORDER BY shard")
        .bind(leafHash)
        .all();
      return results.map((r) => ({ shard: r.shard as string, index: r.idx as number }));
    },
    async findByKey({ key, shards, after, limit }) {
      const { results } = await db
        .prepare(
          "SELECT shard, idx FROM index_keys WHERE key = ?1 AND (shard, idx) > (?2, ?3) " +
            "AND shard IN (SELECT value FROM json_each(?4)) ORDER BY shard, idx LIMIT ?5",
        )
        .bind(key, after?.shard ?? "", after?.index ?? -1, JSON.stringify(shards), limit)
        .all();
      return results.map((r) => ({ shard: r.shard as string, index: r.idx as number }));
    },
    async leafHashesByKey(key, shards, limit) {
      const { results } = await db
        .prepare(
          "SELECT k.shard, k.idx, e.leaf_hash FROM index_keys k JOIN entries e ON e.shard = k.shard AND e.idx = k.idx " +
            "WHERE k.key = ?1 AND k.shard IN (SELECT value FROM json_each(?2)) ORDER BY k.shard, k.idx LIMIT ?3",
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
      // entries_by_position (shard, idx): one index seek, not a scan.
      const row = await db
        .prepare("SELECT MAX(idx) AS m FROM entries WHERE shard = ?")
        .bind(shard)
        .first<{ m: number | null }>();
      return row?.m === null || row?.m === undefined ? 0 : row.m + 1;
    },
  };
}
