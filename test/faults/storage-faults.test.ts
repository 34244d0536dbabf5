// Storage failing under the sequencer ("Fault injection"): R2 puts failing once, repeatedly,
// for one object of a round, and "failed but stored"; KV and D1 failing. After each scenario the
// shared checker (check-log.ts) verifies what was acknowledged, every checkpoint served, and that no
// write-once object changed. Hung storage: a call that never answers fails at STORAGE_DEADLINE_MS.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import type { FaultDecision, StoreOp } from "../../src/storage/faults.ts";
import { d1SearchIndex } from "../../src/storage/search-index.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { checkLog, FaultLog, settledCheckpoint } from "./check-log.ts";

const ok: FaultDecision = { fail: false };
const kinds = (rs: readonly unknown[]) => rs.map((r) => (r instanceof Error ? "error" : (r as { kind: string }).kind));

/** Fails matching calls `times` times (Infinity: until cleared). */
function failing(match: (op: StoreOp, key: string) => boolean, times: number, persist = false) {
  let left = times;
  return (op: StoreOp, key: string): FaultDecision => (match(op, key) && left-- > 0 ? { fail: true, persist } : ok);
}

async function clearAndRecover(log: FaultLog): Promise<void> {
  await log.on((inst) => (inst.faults.hook = undefined));
  await runDurableObjectAlarm(await log.open()); // the recovery retry the sequencer armed
}

describe("R2 put failures", () => {
  it("fails once: the round is not acknowledged, the retry is a duplicate at the committed index", async () => {
    const log = new FaultLog();
    await log.addMany(5, "before");
    await log.on((inst) => (inst.faults.hook = failing((op, key) => op === "r2.put" && key.includes("/tile/0/"), 1)));
    const during = await log.addMany(3, "during");
    expect(kinds(during)).toEqual(["unavailable", "unavailable", "unavailable"]);
    // The very next submission reloads the log (re-uploading what the failed round staged) and goes through.
    expect(kinds(await log.addMany(2, "after"))).toEqual(["sequenced", "sequenced"]);
    await checkLog(log);
  });

  it("fails repeatedly: nothing is acknowledged while it lasts, everything is published once it stops", async () => {
    const log = new FaultLog();
    await log.addMany(3, "before");
    await log.on((inst) => (inst.faults.hook = failing((op) => op === "r2.put", Infinity)));
    for (let i = 0; i < 4; i++)
      expect(kinds(await log.addMany(2, `during ${i}`))).toEqual(["unavailable", "unavailable"]);
    await clearAndRecover(log);
    const status = await (await log.open()).status();
    expect(status.publishedSize).toBe(status.size);
    expect(status.rows.staged).toBe(0);
    await checkLog(log);
  });

  it("fails for one object of a round (its entry bundle) over several rounds", async () => {
    const log = new FaultLog();
    await log.addMany(300, "fill"); // one full bundle, and a partial one
    await log.on(
      (inst) => (inst.faults.hook = failing((op, key) => op === "r2.put" && key.includes("/tile/entries/001.p/"), 5)),
    );
    for (let i = 0; i < 3; i++) await log.addMany(4, `round ${i}`);
    expect(log.unacked.length).toBeGreaterThan(0);
    await clearAndRecover(log);
    await checkLog(log);
  });

  it("fails but stores a tile: the log re-uploads the same bytes", async () => {
    const log = new FaultLog();
    await log.addMany(10, "before");
    await log.on(
      (inst) => (inst.faults.hook = failing((op, key) => op === "r2.put" && key.includes("/tile/0/"), 1, true)),
    );
    expect(kinds(await log.addMany(3, "during"))).toEqual(["unavailable", "unavailable", "unavailable"]);
    await checkLog(log);
  });

  it.each([
    ["fails but stores the checkpoint", true],
    ["fails to store the checkpoint", false],
  ])(
    "%s: the round is acknowledged all the same (its checkpoint is signed and durable), and the write is retried",
    async (_, persist) => {
      const log = new FaultLog();
      await log.addMany(10, "before");
      await log.on(
        (inst) => (inst.faults.hook = failing((op, key) => op === "r2.put" && key.endsWith("/checkpoint"), 1, persist)),
      );
      const during = await log.addMany(3, "during");
      expect(kinds(during)).toEqual(["sequenced", "sequenced", "sequenced"]);
      const newest = (during[0] as { checkpoint: string }).checkpoint;
      expect(await settledCheckpoint(log)).toBe(newest); // the publisher's retry got it out
      await checkLog(log);
    },
  );

  it("fails on every other put, stored or not, for many rounds", async () => {
    const log = new FaultLog();
    let n = 0;
    await log.on((inst) => {
      inst.faults.hook = (op) => (op === "r2.put" && n++ % 2 === 1 ? { fail: true, persist: n % 4 === 0 } : ok);
    });
    for (let i = 0; i < 12; i++) await log.addMany(1 + ((i * 37) % 50), `round ${i}`);
    await clearAndRecover(log);
    await checkLog(log);
  });
});

describe("KV and D1 failures", () => {
  it("KV puts failing change nothing for submitters: partial tiles are still in R2", async () => {
    const log = new FaultLog();
    await log.on((inst) => (inst.faults.hook = failing((op) => op === "kv.put", Infinity)));
    for (let i = 0; i < 3; i++)
      expect(kinds(await log.addMany(5, `round ${i}`)).every((k) => k === "sequenced")).toBe(true);
    expect(await env.HOT.list({ prefix: `${log.shard}/` })).toMatchObject({ keys: [] });
    await checkLog(log);
  });

  it("D1 failing (stored or not) changes nothing for submitters; the index catches up", async () => {
    const log = new FaultLog();
    await log.on(
      (inst) => (inst.faults.hook = (op) => (op === "d1.write" ? { fail: true, persist: Math.random() < 0.5 } : ok)),
    );
    for (let i = 0; i < 3; i++)
      expect(kinds(await log.addMany(4, `round ${i}`)).every((k) => k === "sequenced")).toBe(true);
    await log.on((inst) => (inst.faults.hook = undefined));
    const status = await (await log.open()).status(); // drains the outbox
    expect(status.rows.outbox).toBe(0);
    await checkLog(log);
    const index = d1SearchIndex(env.INDEX);
    for (const { index: i, entry } of log.acked)
      expect(await index.findByLeafHash(hashLeaf(entry))).toEqual([{ shard: log.shard, index: i }]);
  });
});

describe("hung storage", () => {
  /** Calls matching `match` never answer; STORAGE_DEADLINE_MS is short so the test need not wait long. */
  const hang = (match: (op: StoreOp, key: string) => boolean) => async (inst: Sequencer) => {
    (inst as unknown as { config: { storageDeadlineMs: number } }).config.storageDeadlineMs = 300;
    inst.faults.hook = (op, key) => (match(op, key) ? { fail: false, hang: true } : ok);
  };

  it("an R2 put that never answers fails its round at the deadline: 503 to its waiters, recovery re-uploads", async () => {
    const log = new FaultLog();
    await log.addMany(3, "before");
    await log.on(hang((op, key) => op === "r2.put" && key.includes("/tile/0/")));
    expect(kinds(await log.addMany(3, "during"))).toEqual(["unavailable", "unavailable", "unavailable"]);
    await clearAndRecover(log);
    const status = await (await log.open()).status();
    expect(status.publishedSize).toBe(status.size);
    expect(status.rows.staged).toBe(0);
    await checkLog(log);
  });

  it("a checkpoint put that never answers is a failed round too; the log goes on", async () => {
    const log = new FaultLog();
    await log.addMany(2, "before");
    await log.on(hang((op, key) => op === "r2.put" && key.endsWith("/checkpoint")));
    expect(kinds(await log.addMany(2, "during"))).toEqual(["unavailable", "unavailable"]);
    await clearAndRecover(log);
    expect(kinds(await log.addMany(2, "after"))).toEqual(["sequenced", "sequenced"]);
    await checkLog(log);
  });

  it("a KV put or a D1 write that never answers costs the submitters nothing", async () => {
    const log = new FaultLog();
    await log.on(hang((op) => op === "kv.put" || op === "d1.write"));
    expect(kinds(await log.addMany(3, "kv and d1 hung"))).toEqual(["sequenced", "sequenced", "sequenced"]);
    const status = await (await log.open()).status(); // its outbox drain gives up at the deadline too
    expect(status.rows.outbox).toBe(3);
    await log.on((inst) => (inst.faults.hook = undefined));
    await checkLog(log);
  });
});
