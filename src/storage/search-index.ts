/**
 * The search index seam (D1 in production): leaf hash → (shard, index), written from the
 * sequencer's outbox after each round and read at the edge. Losing D1 loses nothing: the outbox
 * keeps rows until D1 has them.
 * @module
 */
import { toHex } from "../tlog/encoding.ts";
import { FaultSwitch, InjectedFault } from "./faults.ts";

export interface IndexedEntry {
  shard: string;
  index: number;
}

export interface SearchIndex {
  /** Idempotent: re-inserting a row is a no-op. Resolves once D1 has the rows. */
  insertEntries(shard: string, rows: readonly { index: number; leafHash: Uint8Array }[]): Promise<void>;
  findByLeafHash(leafHash: Uint8Array): Promise<IndexedEntry[]>;
}

/**
 * Rows per statement: the rows travel as one JSON parameter expanded by json_each, so a batch is one
 * statement instead of one per 33 rows (D1 allows 100 bound parameters per statement); ~80 bytes a
 * row keeps the parameter far below D1's 2 MB value limit.
 */
const ROWS_PER_STATEMENT = 2000;

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
      if (statements.length > 0) await db.batch(statements);
    },
    async findByLeafHash(leafHash) {
      const { results } = await db.prepare("SELECT shard, idx FROM entries WHERE leaf_hash = ? ORDER BY shard").bind(leafHash).all();
      return results.map((r) => ({ shard: r.shard as string, index: r.idx as number }));
    },
  };
}

export function faultySearchIndex(inner: SearchIndex, faults: FaultSwitch): SearchIndex {
  return {
    async insertEntries(shard, rows) {
      const d = faults.check("d1.write", shard);
      if (d.fail && !d.persist) throw new InjectedFault("injected d1.write failure");
      await inner.insertEntries(shard, rows);
      if (d.fail) throw new InjectedFault("injected d1.write failure (after write)");
    },
    findByLeafHash: (h) => inner.findByLeafHash(h),
  };
}
