// Leaves kept for later bundles are stored as runs (one row per round and bundle): a run never crosses a
// bundle boundary or a gap, fits a SQLite row, and gives back every leaf with its time; a Durable Object
// whose leaves were stored one row each by an earlier version reads them after its upgrade.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LogDatabase } from "../../src/sequencer/database.ts";
import { leafRuns, runLeaves, type StoredLeaf } from "../../src/sequencer/leaf-runs.ts";
import { enc, sequencer } from "../helpers/log.ts";

const leaf = (index: number, size = 10): StoredLeaf => ({
  index,
  data: new Uint8Array(size).fill(index % 251),
  time: 1_700_000_000 + index,
});

describe("leaf runs", () => {
  it("split at bundle boundaries, gaps and the row size, and give back every leaf", () => {
    const leaves = [250, 251, 252, 253, 254, 255, 256, 257, 300, 301].map((i) => leaf(i));
    const runs = leafRuns(leaves);
    expect(runs.map((r) => r.firstIndex)).toEqual([250, 256, 300]);
    expect(runs.flatMap((r) => runLeaves(r.firstIndex, r.data, r.times))).toEqual(leaves);
    // 256 leaves of 64 KiB (a bundle too large to stage as one row): runs of at most ~1.8 MB.
    const large = Array.from({ length: 256 }, (_, i) => leaf(512 + i, 65_535));
    const big = leafRuns(large);
    expect(big.length).toBeGreaterThan(8);
    for (const r of big) expect(r.data.length).toBeLessThanOrEqual(1_800_000);
    expect(big.flatMap((r) => runLeaves(r.firstIndex, r.data, r.times))).toEqual(large);
    expect(leafRuns([])).toEqual([]);
  });

  it("a Durable Object's leaves stored one row each by an earlier version are read after the upgrade", async () => {
    const log = sequencer(`leaf-runs-${crypto.randomUUID()}`);
    await runInDurableObject(log, (_: unknown, state: DurableObjectState) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE IF EXISTS leaves");
      sql.exec("CREATE TABLE leaves (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, time INTEGER NOT NULL)");
      const old = [leaf(512), leaf(513, 0), leaf(514, 65_535), leaf(768)];
      for (const l of old) sql.exec("INSERT INTO leaves (idx, data, time) VALUES (?, ?, ?)", l.index, l.data, l.time);
      const db = new LogDatabase(state.storage);
      const want = (ls: StoredLeaf[]) => ls.map((l) => ({ data: l.data, time: l.time }));
      expect(db.leaves(512, 3)).toEqual(want(old.slice(0, 3)));
      expect(db.leaves(513, 2)).toEqual(want(old.slice(1, 3)));
      expect(db.leaves(768, 1)).toEqual(want(old.slice(3)));
      expect(() => db.leaves(512, 4)).toThrow(/not all stored/);
      expect(sql.exec("SELECT name FROM sqlite_master WHERE name = 'leaves'").toArray()).toEqual([]);
      expect(db.counts().leaves).toBe(4);
      // Uploading the tree of 769 leaves leaves only the tail bundle's (768).
      db.markUploaded(769);
      db.flush();
      expect(db.counts().leaves).toBe(1);
      expect(db.leaves(768, 1)).toEqual(want(old.slice(3)));
    });
  });
});
