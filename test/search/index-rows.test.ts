// What the search index costs in D1, counted by D1 itself (each statement's meta.rows_written and
// rows_read, which D1 bills): an entry with two search keys (a hashedrekord: its digest and its key)
// writes three rows, a round one more for the shard's size; a repeated or older round writes nothing and
// never lowers the size; every lookup is an index seek, not a scan: it reads the rows it answers with and
// at most three more (the one that ends its range; the deployment's shard list, read into a temporary
// table), wherever in the index they are.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { d1SearchIndex, type IndexRow } from "../../src/storage/search-index.ts";

interface Meter {
  read: number;
  written: number;
}

/** INDEX, adding up D1's own row counters of every statement run through it. */
function metered(db: D1Database, meter: Meter): D1Database {
  const add = (meta: D1Meta) => {
    meter.read += meta.rows_read;
    meter.written += meta.rows_written;
  };
  const statement = (s: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(s, {
      get(target, key) {
        if (key === "bind") return (...values: unknown[]) => statement(target.bind(...values));
        if (key === "all" || key === "run")
          return async () => {
            const r = await target.all();
            add(r.meta);
            return r;
          };
        if (key === "first")
          return async () => {
            const r = await target.all();
            add(r.meta);
            return r.results[0] ?? null;
          };
        return Reflect.get(target, key, target);
      },
    });
  return new Proxy(db, {
    get(target, key) {
      if (key === "prepare") return (query: string) => statement(target.prepare(query));
      if (key === "batch")
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          for (const r of results) add(r.meta);
          return results;
        };
      return Reflect.get(target, key, target);
    },
  });
}

const leafHash = (shard: string, i: number) =>
  new Uint8Array(32).map((_, j) => (j < 4 ? (i >> (8 * j)) & 0xff : shard.charCodeAt(j % shard.length)));

/** Entries [from, to) of `shard`, each with a digest key of its own and the one signer's key. */
function round(shard: string, from: number, to: number): IndexRow[] {
  return Array.from({ length: to - from }, (_, k) => ({
    index: from + k,
    leafHash: leafHash(shard, from + k),
    keys: [`digest:sha256:${shard}-${from + k}`, `key:${shard}-signer`],
  }));
}

describe("search index rows in D1", () => {
  it("an entry with two keys writes three rows, a round one more; a repeated or older round writes none", async () => {
    const shard = `rows-${crypto.randomUUID()}`;
    const meter = { read: 0, written: 0 };
    const index = d1SearchIndex(metered(env.INDEX, meter));
    await index.insertEntries(shard, round(shard, 0, 50));
    expect(meter.written).toBe(50 * 3 + 1);
    meter.written = 0;
    await index.insertEntries(shard, round(shard, 50, 60));
    expect(meter.written).toBe(10 * 3 + 1);
    expect(await index.indexedSize(shard)).toBe(60);
    // A drain repeated after a failure that did land, and an older round arriving late: nothing changes.
    meter.written = 0;
    await index.insertEntries(shard, round(shard, 50, 60));
    await index.insertEntries(shard, round(shard, 0, 50));
    expect(meter.written).toBe(0);
    expect(await index.indexedSize(shard)).toBe(60);
    // An entry indexed by its leaf hash only: one row.
    meter.written = 0;
    await index.insertEntries(shard, [{ index: 60, leafHash: leafHash(shard, 60) }]);
    expect(meter.written).toBe(1 + 1);
    expect(await index.indexedSize(shard)).toBe(61);
    expect(await index.indexedSize(`${shard}-none`)).toBe(0);
  });

  it("every lookup reads the rows it answers with and at most three more, wherever they are", async () => {
    const shard = `seeks-${crypto.randomUUID()}`;
    const meter = { read: 0, written: 0 };
    const index = d1SearchIndex(metered(env.INDEX, meter));
    for (let i = 0; i < 1000; i += 250) await index.insertEntries(shard, round(shard, i, i + 250));
    const read = async <T>(lookup: () => Promise<T>): Promise<[T, number]> => {
      meter.read = 0;
      const answer = await lookup();
      return [answer, meter.read];
    };
    expect(await read(() => index.indexedSize(shard))).toEqual([1000, 1]);
    const [found, foundRead] = await read(() => index.findByLeafHash(leafHash(shard, 777)));
    expect(found).toEqual([{ shard, index: 777 }]);
    expect(foundRead).toBeLessThanOrEqual(1 + 3);
    // A page from a cursor seeks to it: as cheap deep in a key's entries as near their start.
    const page = (after: number) =>
      read(() =>
        index.findByKey({ key: `key:${shard}-signer`, shards: [shard], after: { shard, index: after }, limit: 3 }),
      );
    const [early, earlyRead] = await page(100);
    const [deep, deepRead] = await page(900);
    expect(early).toEqual([101, 102, 103].map((i) => ({ shard, index: i })));
    expect(deep).toEqual([901, 902, 903].map((i) => ({ shard, index: i })));
    expect(deepRead).toBe(earlyRead);
    expect(deepRead).toBeLessThanOrEqual(3 + 3);
    const [hits, hitsRead] = await read(() => index.leafHashesByKey(`key:${shard}-signer`, [shard], 4));
    expect(hits).toEqual([0, 1, 2, 3].map((i) => ({ shard, index: i, leafHash: leafHash(shard, i) })));
    expect(hitsRead).toBeLessThanOrEqual(4 + 3);
    const [one, oneRead] = await read(() => index.leafHashesByKey(`digest:sha256:${shard}-999`, [shard], 10));
    expect(one).toEqual([{ shard, index: 999, leafHash: leafHash(shard, 999) }]);
    expect(oneRead).toBeLessThanOrEqual(1 + 3);
  });
});
