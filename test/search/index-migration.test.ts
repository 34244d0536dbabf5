// A deployment's index filled under the earlier schemas (migrations 0001-0003) migrates to the current
// one: after the remaining migrations every lookup answers as it did, the indexed size is each shard's,
// and new rounds continue from it.
import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { d1SearchIndex } from "../../src/storage/search-index.ts";
import { toHex } from "../../src/tlog/encoding.ts";

const { MIGRATION_TEST: db, TEST_MIGRATIONS: migrations } = env as unknown as {
  MIGRATION_TEST: D1Database;
  TEST_MIGRATIONS: D1Migration[];
};

const hash = (shard: string, i: number) => new Uint8Array(32).fill(i).map((b, j) => (j === 0 ? shard.length : b));

describe("search index migrations", () => {
  it("keeps every lookup's answer across the move to the current schema", async () => {
    const before = migrations.filter((m) => m.name < "0004");
    expect(before.map((m) => m.name)).toEqual([
      "0001_entries.sql",
      "0002_index_keys.sql",
      "0003_entries_without_rowid.sql",
    ]);
    await applyD1Migrations(db, before);
    // Two shards' rows as the sequencers wrote them under that schema: entries, and key → (shard, idx).
    const shards = { a: 5, bb: 3 };
    const writes: D1PreparedStatement[] = [];
    for (const [shard, n] of Object.entries(shards))
      for (let i = 0; i < n; i++) {
        writes.push(
          db.prepare("INSERT INTO entries (leaf_hash, shard, idx) VALUES (?, ?, ?)").bind(hash(shard, i), shard, i),
          db.prepare("INSERT INTO index_keys (key, shard, idx) VALUES (?, ?, ?)").bind(`digest:${shard}${i}`, shard, i),
          db.prepare("INSERT INTO index_keys (key, shard, idx) VALUES ('key:shared', ?, ?)").bind(shard, i),
        );
      }
    await db.batch(writes);

    await applyD1Migrations(db, migrations);
    const index = d1SearchIndex(db);
    const both = ["a", "bb"];
    expect(await index.indexedSize("a")).toBe(5);
    expect(await index.indexedSize("bb")).toBe(3);
    expect(await index.findByLeafHash(hash("bb", 2))).toEqual([{ shard: "bb", index: 2 }]);
    expect(await index.findByKey({ key: "digest:a4", shards: both, limit: 10 })).toEqual([{ shard: "a", index: 4 }]);
    const shared = await index.leafHashesByKey("key:shared", both, 100);
    expect(shared.map((h) => `${h.shard} ${h.index} ${toHex(h.leafHash)}`)).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `a ${i} ${toHex(hash("a", i))}`),
      ...[0, 1, 2].map((i) => `bb ${i} ${toHex(hash("bb", i))}`),
    ]);
    expect(
      await index.findByKey({ key: "key:shared", shards: both, after: { shard: "a", index: 3 }, limit: 3 }),
    ).toEqual([
      { shard: "a", index: 4 },
      { shard: "bb", index: 0 },
      { shard: "bb", index: 1 },
    ]);
    // The next round of a shard continues it.
    await index.insertEntries("bb", [{ index: 3, leafHash: hash("bb", 3), keys: ["key:shared"] }]);
    expect(await index.indexedSize("bb")).toBe(4);
    expect((await index.leafHashesByKey("key:shared", ["bb"], 100)).map((h) => h.index)).toEqual([0, 1, 2, 3]);
    const { results } = await db.prepare("SELECT name FROM sqlite_master WHERE name = 'entries_by_position'").all();
    expect(results).toEqual([]);
  });
});
