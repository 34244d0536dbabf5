// The Sequencer DO under concurrency, restarts, storage failures and backpressure.
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import type { AddResult } from "../../src/sequencer/protocol.ts";
import { enc, sequencer, sleep } from "../helpers/log.ts";
import { pauseAt } from "../faults/check-log.ts";

const unique = (what: string) => `${what}-${crypto.randomUUID()}`;

describe("sequencer", () => {
  it("gives many simultaneous appends consecutive indices, no gaps and no duplicates; a repeated leaf gets its first index", async () => {
    const log = sequencer(unique("concurrency"));
    const leaves = Array.from({ length: 600 }, (_, i) => enc(`leaf ${i}`));
    // Every leaf twice, all at once: the second copy of each must get the first copy's index.
    const results = await Promise.all([...leaves, ...leaves].map((l) => log.add(l)));
    const first = results.slice(0, 600);
    const second = results.slice(600);
    const indexes = first.map((r) => (r.kind === "sequenced" || r.kind === "duplicate" ? r.index : -1));
    expect([...indexes].sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    second.forEach((r, i) => expect(r.kind === "duplicate" || r.kind === "sequenced" ? r.index : -1).toBe(indexes[i]));
    expect(results.filter((r) => r.kind === "sequenced")).toHaveLength(600);
    // And again later, from the persistent dedup table.
    expect(await log.add(leaves[123]!)).toEqual({ kind: "duplicate", index: indexes[123] });
    const status = await log.status();
    expect(status.size).toBe(600);
    expect(status.rows.dedup).toBe(600);
  });

  it("sequences a leaf that already waited a tick during a long round right after that round, not a tick later", async () => {
    const log = sequencer(unique("tick"));
    await log.status();
    const TICK_MS = 1000;
    const pause = pauseAt("committed"); // the first round stops between commit and upload
    await runInDurableObject(log, (inst: Sequencer) => {
      (inst as unknown as { config: { tickMs: number } }).config.tickMs = TICK_MS;
      inst.faults.onStep = pause.hook;
    });
    const first = log.add(enc("in the slow round")).then((r) => ({ r, at: Date.now() }));
    await pause.reached();
    const second = log.add(enc("arrived during the slow round")).then((r) => ({ r, at: Date.now() }));
    await sleep(1.5 * TICK_MS); // the slow round lasts 1.5 ticks: the second leaf waits through all of it
    pause.release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.r.kind).toBe("sequenced");
    expect(b.r.kind === "sequenced" && b.r.index).toBe(1);
    // Its round follows at once (the old timer started a fresh tick after the slow round: TICK_MS later).
    expect(b.at - a.at).toBeLessThan(TICK_MS / 2);
  });

  it("starts a round early once ROUND_TRIGGER_LEAVES are pooled, but never sooner than a tick after the previous round started", async () => {
    const log = sequencer(unique("trigger"));
    await log.status();
    const TICK_MS = 2000;
    await runInDurableObject(log, (inst: Sequencer) => {
      const config = (inst as unknown as { config: { tickMs: number; roundTriggerLeaves: number } }).config;
      config.tickMs = TICK_MS;
      config.roundTriggerLeaves = 4;
    });
    const group = (name: string, n: number) => {
      const sent = Date.now();
      return Promise.all(Array.from({ length: n }, (_, i) => log.add(enc(`${name} ${i}`)))).then((rs) => ({
        rs,
        sent,
        at: Date.now(),
      }));
    };
    // A full pool and no round for a tick: its round starts at once, not a tick after its first leaf.
    const first = await group("first", 4);
    expect(first.rs.map((r) => r.kind)).toEqual(Array(4).fill("sequenced"));
    expect(first.at - first.sent).toBeLessThan(TICK_MS / 2);
    // Full again right away: it waits until a tick after the first round started, then goes.
    const second = await group("second", 4);
    expect(second.rs.map((r) => r.kind)).toEqual(Array(4).fill("sequenced"));
    expect(second.at - first.sent).toBeGreaterThanOrEqual(TICK_MS - 100);
    expect(second.at - first.sent).toBeLessThan(TICK_MS * 1.5);
    // Below the trigger: a whole tick after its first leaf.
    const third = await group("third", 3);
    expect(third.rs.map((r) => r.kind)).toEqual(Array(3).fill("sequenced"));
    expect(third.at - third.sent).toBeGreaterThanOrEqual(TICK_MS - 100);
  });

  it("keeps acknowledged entries across a restart, and dedup survives it", async () => {
    const name = unique("restart");
    const r = await sequencer(name).add(enc("survivor"));
    expect(r.kind).toBe("sequenced");
    await abortAllDurableObjects();
    const again = sequencer(name); // a fresh stub: the old one is broken by the abort
    expect((await again.status()).size).toBe(1);
    expect(await again.add(enc("survivor"))).toEqual({ kind: "duplicate", index: 0 });
    const next = await again.add(enc("after restart"));
    expect(next.kind === "sequenced" && next.index).toBe(1);
  });

  it("acknowledges nothing when an R2 upload fails, then publishes it all on the next round", async () => {
    const name = unique("r2-fails");
    const log = sequencer(name);
    expect((await log.add(enc("before"))).kind).toBe("sequenced");
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = (op, key) =>
        op === "r2.put" && key.includes("tile/entries/") ? { fail: true, persist: false } : { fail: false };
    });
    const failed = await Promise.all([log.add(enc("lost-1")), log.add(enc("lost-2"))]);
    for (const f of failed) expect(f.kind).toBe("unavailable");
    // While R2 keeps failing, recovery fails too and nothing new is acknowledged.
    expect((await log.add(enc("still failing"))).kind).toBe("unavailable");
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = undefined;
    });
    await runDurableObjectAlarm(log); // the recovery retry the DO scheduled
    const status = await log.status();
    expect(status.publishedSize).toBe(status.size);
    expect(status.rows.staged).toBe(0);
    // The failed round was committed: its leaves are in the log, at the indices it assigned.
    const retried = await Promise.all([log.add(enc("lost-1")), log.add(enc("lost-2"))]);
    expect(retried.map((r) => r.kind)).toEqual(["duplicate", "duplicate"]);
    expect(retried.map((r) => (r as { index: number }).index).sort()).toEqual([1, 2]);
    const after = await log.add(enc("after recovery"));
    expect(after.kind === "sequenced" && after.index).toBe(status.size);
  });

  it("reports overload with Retry-After when the pool is full, and rejects oversize leaves", async () => {
    const log = sequencer(unique("overload"));
    await log.status();
    // Only the tick starts this pool's round (no early round at ROUND_TRIGGER_LEAVES), so the flood fills it.
    await runInDurableObject(log, (inst: Sequencer) => {
      (inst as unknown as { config: { roundTriggerLeaves: number } }).config.roundTriggerLeaves =
        Number.MAX_SAFE_INTEGER;
    });
    const max = Number(env.MAX_POOL_LEAVES);
    const many = Array.from({ length: max + 50 }, (_, i) => log.add(enc(`flood ${i}`)));
    const results: AddResult[] = await Promise.all(many);
    const over = results.filter((r) => r.kind === "overloaded");
    expect(over.length).toBeGreaterThanOrEqual(50);
    expect(over[0]).toEqual({ kind: "overloaded", retryAfterSeconds: 1 });
    expect(results.filter((r) => r.kind === "sequenced").length).toBe(results.length - over.length);
    expect(await log.add(new Uint8Array(65_536))).toEqual({ kind: "rejected", reason: "leaf exceeds 65535 bytes" });
    expect(await log.add(new Uint8Array(0))).toEqual({ kind: "rejected", reason: "empty leaf" });
  });

  it("republishes the checkpoint when idle", async () => {
    const name = unique("republish");
    const log = sequencer(name);
    await log.add(enc("x"));
    const before = await env.TILES.head(`${name}/checkpoint`);
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.parts().publication.lastPublishAt = 0; // as if a minute had passed
    });
    await sleep(5);
    expect(await runDurableObjectAlarm(log)).toBe(true);
    const after = await env.TILES.head(`${name}/checkpoint`);
    expect(after!.uploaded.getTime()).toBeGreaterThan(before!.uploaded.getTime());
    expect(await (await env.TILES.get(`${name}/checkpoint`))!.text()).toBe((await log.status()).checkpoint);
  });

  it("refuses to create a new log over an object store that already has one", async () => {
    const name = unique("orphan");
    await env.TILES.put(`${name}/checkpoint`, "someone else's checkpoint\n");
    const r = await sequencer(name).add(enc("x"));
    expect(r.kind).toBe("unavailable");
  });
});

describe("Durable Object storage rolled back behind R2", () => {
  // Two logs of this deployment share the origin and key (the test shards do), so one's signed
  // checkpoint stands for what a rolled-back log had published before its storage went back in time.
  async function logAt(name: string, entries: string[]) {
    const log = sequencer(name);
    for (const e of entries) expect((await log.add(enc(e))).kind).toBe("sequenced");
    return (await log.status()).checkpoint;
  }

  it("refuses to sequence when R2 holds a checkpoint signed by the log that is ahead, or at its size with another root", async () => {
    const name = unique("rolled-back");
    const own = await logAt(name, ["a", "b", "c"]);
    const ahead = await logAt(unique("ahead"), ["a", "b", "c", "d", "e"]);
    const sameSize = await logAt(unique("same-size"), ["x", "y", "z"]);
    for (const published of [ahead, sameSize]) {
      await env.TILES.put(`${name}/checkpoint`, published);
      await abortAllDurableObjects();
      const r = await sequencer(name).add(enc(`after rollback ${Math.random()}`));
      expect(r.kind).toBe("unavailable");
      expect(await (await env.TILES.get(`${name}/checkpoint`))!.text()).toBe(published); // not overwritten
    }
    // Once the published checkpoint is the log's own again (storage restored), it goes on.
    await env.TILES.put(`${name}/checkpoint`, own);
    await abortAllDurableObjects();
    const r = await sequencer(name).add(enc("d"));
    expect(r).toMatchObject({ kind: "sequenced", index: 3 });
  });

  it("overwrites a checkpoint in R2 that this log's key did not sign (not evidence of anything)", async () => {
    const name = unique("garbage-checkpoint");
    await logAt(name, ["a"]);
    await env.TILES.put(`${name}/checkpoint`, "localhost:8787\n99\nAAAA\n\n— localhost:8787 AAAAAAAA\n");
    await abortAllDurableObjects();
    expect(await sequencer(name).add(enc("b"))).toMatchObject({ kind: "sequenced", index: 1 });
    expect(await (await env.TILES.get(`${name}/checkpoint`))!.text()).toBe((await sequencer(name).status()).checkpoint);
  });
});

describe("sequencer with large entries", () => {
  it("stages bundles too large for one SQLite row from stored leaves, and serves them intact", async () => {
    const name = `large-${crypto.randomUUID()}`;
    const log = sequencer(name);
    // 40 entries of 60 KB: the partial bundle (2.4 MB) cannot be one staged row.
    const leaves = Array.from({ length: 40 }, (_, i) => {
      const b = new Uint8Array(60_000);
      b.fill(i + 1);
      b.set(enc(`large ${i}`));
      return b;
    });
    const results = await Promise.all(leaves.map((l) => log.add(l)));
    expect(results.every((r) => r.kind === "sequenced")).toBe(true);
    const obj = await env.TILES.get(`${name}/tile/entries/000.p/40`);
    const body = new Uint8Array(await obj!.arrayBuffer());
    expect(body.length).toBe(40 * 60_002);
    const status = await log.status();
    expect(status.rows.staged).toBe(0);
    expect(status.rows.leaves).toBe(40); // the partial tail stays for the next round
  });
});
