// The index outbox: rows reach D1 after each round; with D1 failing, appends still succeed and
// nothing is lost: the outbox keeps the rows until D1 is back. Also: integrated times on bundles.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../../durable-objects/sequencer.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { INTEGRATED_TIMES_METADATA, integratedTimeAt } from "../../src/sequencer/integrated-times.ts";
import { d1SearchIndex } from "../../src/storage/search-index.ts";
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
