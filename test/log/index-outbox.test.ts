// The index outbox: rows reach D1 after each round; with D1 failing, appends still succeed and
// nothing is lost: the outbox keeps the rows until D1 is back. Also: integrated times on bundles.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { INTEGRATED_TIMES_METADATA, integratedTimeAt } from "../../src/log/integrated-times.ts";
import { d1SearchIndex } from "../../src/storage/search-index.ts";
import { Backoff } from "../../src/sequencer/backoff.ts";
import { enc, sequencer } from "../helpers/log.ts";

describe("index outbox", () => {
  it("feeds D1 after each round, and survives D1 failing", async () => {
    const shard = `outbox-${crypto.randomUUID()}`;
    const log = sequencer(shard);
    const index = d1SearchIndex(env.INDEX);
    const a = await log.add(enc("indexed a"));
    expect(a.kind).toBe("sequenced");
    await log.status(); // drains
    expect(await index.findByLeafHash(hashLeaf(enc("indexed a")))).toEqual([{ shard, index: 0 }]);

    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = (op) => (op === "d1.write" ? { fail: true, persist: false } : { fail: false });
    });
    const results = await Promise.all(["b", "c", "d"].map((x) => log.add(enc(`indexed ${x}`))));
    expect(results.map((r) => r.kind)).toEqual(["sequenced", "sequenced", "sequenced"]);
    const during = await log.status();
    expect(during.rows.outbox).toBe(3);
    expect(await index.findByLeafHash(hashLeaf(enc("indexed c")))).toEqual([]);

    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = undefined;
    });
    const after = await log.status();
    expect(after.rows.outbox).toBe(0);
    for (const x of ["b", "c", "d"]) {
      const hit = await index.findByLeafHash(hashLeaf(enc(`indexed ${x}`)));
      expect(hit).toHaveLength(1);
      expect(hit[0]!.shard).toBe(shard);
    }
  });

  it("carries each leaf's search keys to D1 with it; a D1 write that landed but reported failure is repeated harmlessly", async () => {
    const shard = `outbox-keys-${crypto.randomUUID()}`;
    const log = sequencer(shard);
    const index = d1SearchIndex(env.INDEX);
    const key = `email:${crypto.randomUUID()}@example.com`;
    const hits = () => index.findByKey({ key, shards: [shard], limit: 100 });
    // Given keys (as the edge sends them) are indexed as given.
    expect((await log.add(enc("keyed 0"), [key])).kind).toBe("sequenced");
    // D1's own count of the rows written: the entry, its key, and the shard's indexed size.
    expect((await log.status()).writes.indexRowsWritten).toBe(3);
    expect(await hits()).toEqual([{ shard, index: 0 }]);

    // D1 takes the rows but the call fails: the outbox keeps them and writes them again later.
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = (op) => (op === "d1.write" ? { fail: true, persist: true } : { fail: false });
    });
    expect((await log.add(enc("keyed 1"), [key, "sha256:" + "1".repeat(64)])).kind).toBe("sequenced");
    expect((await log.status()).rows.outbox).toBe(1);
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = undefined;
    });
    const repeated = await log.status();
    expect(repeated.rows.outbox).toBe(0);
    expect(repeated.writes.indexRowsWritten).toBe(3); // the repeat found every row there: it wrote none
    expect(await hits()).toEqual([
      { shard, index: 0 },
      { shard, index: 1 },
    ]);
    expect(await index.findByKey({ key: "sha256:" + "1".repeat(64), shards: [shard], limit: 100 })).toEqual([
      { shard, index: 1 },
    ]);
    // Without keys (a caller that is not the edge), the sequencer computes them from the leaf.
    const body = JSON.stringify({
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: { data: { hash: { algorithm: "sha256", value: "2".repeat(64) } } },
    });
    expect((await log.add(enc(body))).kind).toBe("sequenced");
    await log.status();
    expect(await index.findByKey({ key: "sha256:" + "2".repeat(64), shards: [shard], limit: 100 })).toEqual([
      { shard, index: 2 },
    ]);
  });

  it("a round whose keys exceed one SQLite row is split across outbox rows, and all of it reaches D1", async () => {
    const shard = `outbox-big-${crypto.randomUUID()}`;
    const log = sequencer(shard);
    const n = 800;
    const long = (i: number, j: number) => `subject:${String(i).padStart(4, "0")}-${j}-${"x".repeat(1500)}`;
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = (op) => (op === "d1.write" ? { fail: true, persist: false } : { fail: false });
    });
    // 800 leaves x 2 keys x ~1.5 KB: about 2.4 MB of keys in one round, over the 2 MB row limit
    // (which Durable Objects enforce; local SQLite does not, hence the explicit row sizes below).
    const results = await log.addBatch(
      Array.from({ length: n }, (_, i) => enc(`big ${i}`)),
      Array.from({ length: n }, (_, i) => [long(i, 0), long(i, 1)]),
    );
    expect(results.every((r) => r.kind === "sequenced")).toBe(true);
    await runInDurableObject(log, (_inst: Sequencer, state) => {
      const rows = state.storage.sql.exec("SELECT LENGTH(CAST(index_keys AS BLOB)) AS n FROM outbox").toArray();
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const r of rows) expect(r.n as number).toBeLessThan(2_000_000);
    });
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = undefined;
    });
    expect((await log.status()).rows.outbox).toBe(0);
    const index = d1SearchIndex(env.INDEX);
    for (const i of [0, 1, 399, 400, 401, n - 1]) {
      const r = results[i]!;
      if (r.kind !== "sequenced") throw new Error(r.kind);
      expect(await index.findByKey({ key: long(i, 1), shards: [shard], limit: 10 })).toEqual([
        { shard, index: r.index },
      ]);
    }
  });

  it("backs off while D1 fails: rounds go on without asking D1 each time; the rows wait, then arrive", async () => {
    const shard = `outbox-backoff-${crypto.randomUUID()}`;
    const log = sequencer(shard);
    expect((await log.add(enc("backoff 0"))).kind).toBe("sequenced");
    let attempts = 0;
    await runInDurableObject(log, (inst: Sequencer) => {
      // A backoff of an hour: no retry falls due during the test, whatever the machine's speed.
      inst.parts().outbox.retry = new Backoff(3_600_000, 3_600_000);
      inst.faults.hook = (op) => (op === "d1.write" ? (attempts++, { fail: true, persist: false }) : { fail: false });
    });
    for (let i = 1; i <= 5; i++) expect((await log.add(enc(`backoff ${i}`))).kind).toBe("sequenced"); // five rounds
    expect(attempts).toBe(1);
    expect((await log.status()).rows.outbox).toBe(5); // status() asks at once (operators, tests)
    expect(attempts).toBe(2);
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = undefined;
    });
    expect((await log.add(enc("backoff 6"))).kind).toBe("sequenced");
    expect((await log.status()).rows.outbox).toBe(0);
    const index = d1SearchIndex(env.INDEX);
    for (let i = 0; i <= 6; i++)
      expect(await index.findByLeafHash(hashLeaf(enc(`backoff ${i}`)))).toEqual([{ shard, index: i }]);
  });

  it("backoff doubles from its base up to its cap, and a success resets it", () => {
    let now = 0;
    const b = new Backoff(1000, 5000, () => now);
    expect(b.due()).toBe(true);
    const delays = [];
    for (let i = 0; i < 5; i++) {
      b.failed();
      delays.push(b.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000]);
    now += 4999;
    expect(b.due()).toBe(false);
    now += 1;
    expect(b.due()).toBe(true);
    b.succeeded();
    expect(b.delayMs).toBe(0);
    b.failed();
    expect(b.delayMs).toBe(1000);
  });

  it("records each entry's integrated time on its bundle", async () => {
    const shard = `times-${crypto.randomUUID()}`;
    const log = sequencer(shard);
    const before = Math.floor(Date.now() / 1000);
    const r = await log.add(enc("timed"));
    if (r.kind !== "sequenced") throw new Error(r.kind);
    expect(r.integratedTime).toBeGreaterThanOrEqual(before);
    expect(r.integratedTime).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    const obj = await env.TILES.get(`${shard}/tile/entries/000.p/1`);
    expect(integratedTimeAt(obj!.customMetadata![INTEGRATED_TIMES_METADATA]!, 0)).toBe(r.integratedTime);
  });
});
