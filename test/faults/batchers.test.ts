// Batchers between the edge and the sequencer: one sequencer call per batch, each submitter its own leaf's
// answer, and under faults (a batcher or the sequencer restarted mid-batch, a sequencer that refuses) every
// answer is right or a 503, and nothing acknowledged is lost (check-log.ts).
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Batcher } from "../../durable-objects/batcher.ts";
import type { Sequencer } from "../../durable-objects/sequencer.ts";
import { app } from "../../src/index.ts";
import { batcherFor, batcherName } from "../../src/batcher/route.ts";
import { LeafBatcher } from "../../src/batcher/leaf-batcher.ts";
import { readBatchSettings, type BatchSettings } from "../../src/batcher/settings.ts";
import type { AddResult } from "../../src/sequencer/protocol.ts";
import { enc, sequencer, sleep } from "../helpers/log.ts";
import { checkLog, FaultLog, pauseAt } from "./check-log.ts";

const vars = env as unknown as Record<string, string>;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** The Worker as a deployment whose one shard is `shard`, with extra vars (BATCHERS = 1: every leaf to batcher 0). */
function worker(shard: string, extra: Record<string, string> = { BATCHERS: "1" }) {
  const e = { ...vars, SHARDS: shard, ...extra } as unknown as Env;
  return (leaf: Uint8Array) =>
    app.fetch(new Request("http://localhost:8787/add", { method: "POST", body: leaf }), e, ctx);
}

const batcher = (shard: string, n = 0) => env.BATCHER.get(env.BATCHER.idFromName(batcherName(shard, n)));

/** Tunes the live batcher 0 of `shard` (as BATCH_MS / BATCH_MAX_LEAVES would). */
async function tune(shard: string, settings: Partial<BatchSettings>): Promise<void> {
  await runInDurableObject(batcher(shard), (inst: Batcher) => void Object.assign(inst.batcher.settings, settings));
}

const pooled = (shard: string) => runInDurableObject(batcher(shard), (inst: Batcher) => inst.batcher.pooled);
const callsOf = async (shard: string) => (await sequencer(shard).status()).writes.calls;

/** Aborts one Durable Object (its instance is reset; calls in progress to it fail). */
async function restart(stub: DurableObjectStub): Promise<void> {
  await runInDurableObject(stub, (_inst: unknown, state: DurableObjectState) =>
    state.abort("restarted by the test"),
  ).catch(() => undefined);
}

/** Records an HTTP /add answer in `log`: 200 + index is acknowledged; anything else must be a 503 with Retry-After. */
async function noteAnswer(log: FaultLog, leaf: Uint8Array, res: Response): Promise<number> {
  const body = await res.text();
  if (res.status === 200) {
    log.acked.push({ index: Number(body.trim()), entry: leaf });
  } else {
    expect(res.status, body).toBe(503);
    expect(res.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
    log.unacked.push(leaf);
  }
  return res.status;
}

async function waitFor(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await cond()); i++) {
    if (i > 2000) throw new Error(`never: ${what}`);
    await sleep(5);
  }
}

describe("batchers", () => {
  it("send one sequencer call per batch; each leaf gets its own answer, a copy in the same batch its first's index", async () => {
    const log = new FaultLog();
    await log.open();
    await tune(log.shard, { windowMs: 60_000, maxLeaves: 10 }); // the batch leaves when full, not by time
    const before = await callsOf(log.shard);
    const leaves = Array.from({ length: 9 }, () => log.entry("batched"));
    const results = await Promise.all([...leaves, leaves[0]!].map((l) => batcher(log.shard).add(l, [])));
    expect(await callsOf(log.shard)).toBe(before + 1);
    results.slice(0, 9).forEach((r, i) => {
      expect(r.kind).toBe("sequenced");
      log.note(leaves[i]!, r);
    });
    expect(results[9]).toEqual({ kind: "duplicate", index: (results[0] as { index: number }).index });
    expect(new Set(results.slice(0, 9).map((r) => (r as { index: number }).index)).size).toBe(9);
    await checkLog(log);
  });

  it("over HTTP: BATCHERS = 0 calls the sequencer once per request, batchers once per batch", async () => {
    const log = new FaultLog();
    await log.open();
    await tune(log.shard, { windowMs: 60_000, maxLeaves: 6 });
    const direct = worker(log.shard, { BATCHERS: "0" });
    const batched = worker(log.shard);
    let before = await callsOf(log.shard);
    let leaves = Array.from({ length: 6 }, () => log.entry("direct"));
    for (const [i, r] of (await Promise.all(leaves.map(direct))).entries())
      expect(await noteAnswer(log, leaves[i]!, r)).toBe(200);
    expect(await callsOf(log.shard)).toBe(before + 6);
    before = await callsOf(log.shard);
    leaves = Array.from({ length: 6 }, () => log.entry("batched"));
    for (const [i, r] of (await Promise.all(leaves.map(batched))).entries())
      expect(await noteAnswer(log, leaves[i]!, r)).toBe(200);
    expect(await callsOf(log.shard)).toBe(before + 1);
    await checkLog(log);
  });

  it("copies of a leaf go to the same batcher (chosen by leaf hash), spread over all of them", async () => {
    const e = { ...vars, BATCHERS: "8" } as unknown as Env;
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const leaf = enc(`routing ${i}`);
      const a = (await batcherFor(e, "routing", leaf))!;
      const b = (await batcherFor(e, "routing", leaf.slice()))!;
      expect(a.id.equals(b.id)).toBe(true);
      ids.add(a.id.toString());
    }
    expect(ids.size).toBe(8);
    expect(await batcherFor({ ...vars, BATCHERS: "0" } as unknown as Env, "routing", enc("x"))).toBeNull();
    // A deployment without the BATCHER binding calls the sequencer directly.
    const { BATCHER: _, ...unbound } = vars as unknown as Env & Record<string, unknown>;
    expect(await batcherFor(unbound as unknown as Env, "routing", enc("x"))).toBeNull();
  });
});

describe("batchers under faults: every answer right or a 503, nothing acknowledged lost", () => {
  it("a batcher restarted while leaves wait in its pool: they get 503 and never reach the sequencer; retried, they are sequenced", async () => {
    const log = new FaultLog();
    await log.open();
    const call = worker(log.shard);
    await tune(log.shard, { windowMs: 60_000 });
    const before = await callsOf(log.shard);
    const leaves = Array.from({ length: 5 }, () => log.entry("pooled"));
    const pending = leaves.map(call);
    await waitFor("5 leaves pooled", async () => (await pooled(log.shard)) === 5);
    await restart(batcher(log.shard));
    const statuses = await Promise.all((await Promise.all(pending)).map((r, i) => noteAnswer(log, leaves[i]!, r)));
    expect(statuses).toEqual([503, 503, 503, 503, 503]);
    expect(await callsOf(log.shard)).toBe(before);
    await checkLog(log); // retries the unacknowledged leaves: each is sequenced
  });

  it("a batcher restarted while its call to the sequencer is in progress: 503s; the sequencer finishes; retries get the same entries' indices", async () => {
    const log = new FaultLog();
    await log.open();
    const call = worker(log.shard);
    const pause = pauseAt("committed");
    await log.on((inst) => (inst.faults.onStep = pause.hook));
    await tune(log.shard, { windowMs: 60_000, maxLeaves: 4 });
    const leaves = Array.from({ length: 4 }, () => log.entry("in flight"));
    const pending = leaves.map(call);
    await pause.reached(); // the batch is in the sequencer's round, committed, not yet published
    await restart(batcher(log.shard));
    pause.release();
    const statuses = await Promise.all((await Promise.all(pending)).map((r, i) => noteAnswer(log, leaves[i]!, r)));
    expect(statuses).toEqual([503, 503, 503, 503]);
    // Through a new batcher instance: the leaves were sequenced, so each comes back with its index (a duplicate).
    const again = await Promise.all(log.unacked.map((l) => batcher(log.shard).add(l, [])));
    expect(again.map((r) => r.kind)).toEqual(["duplicate", "duplicate", "duplicate", "duplicate"]);
    log.unacked.splice(0).forEach((l, i) => log.note(l, again[i]!));
    await checkLog(log);
  });

  it("the sequencer restarted while a batch is in its round: the batch's leaves get 503, retried they are logged once", async () => {
    const log = new FaultLog();
    await log.open();
    const call = worker(log.shard);
    const pause = pauseAt("uploaded");
    await log.on((inst) => (inst.faults.onStep = pause.hook));
    await tune(log.shard, { windowMs: 60_000, maxLeaves: 3 });
    const leaves = Array.from({ length: 3 }, () => log.entry("sequencer restarted"));
    const pending = leaves.map(call);
    await pause.reached();
    await restart(sequencer(log.shard));
    const statuses = await Promise.all((await Promise.all(pending)).map((r, i) => noteAnswer(log, leaves[i]!, r)));
    expect(statuses).toEqual([503, 503, 503]);
    pause.release();
    await sleep(50);
    await checkLog(log);
  });

  it("a sequencer that refuses (pool full): the refused leaves of the batch get 503 + Retry-After, the rest their indices", async () => {
    const log = new FaultLog();
    await log.open();
    const call = worker(log.shard);
    await log.on((inst: Sequencer) => {
      (inst as unknown as { config: { maxPoolLeaves: number } }).config.maxPoolLeaves = 3; // as MAX_POOL_LEAVES_<SHARD> = 3 would
    });
    await tune(log.shard, { windowMs: 60_000, maxLeaves: 12 }); // all 12 in one batch
    const leaves = Array.from({ length: 12 }, () => log.entry("refused"));
    const statuses = await Promise.all(
      (await Promise.all(leaves.map(call))).map((r, i) => noteAnswer(log, leaves[i]!, r)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 503)).toHaveLength(9);
    // Backpressure, not loss: the refused ones go through when retried (a few at a time: the pool still takes 3).
    await tune(log.shard, { maxLeaves: 3 });
    const refused = log.unacked.splice(0);
    for (let i = 0; i < refused.length; i += 3) {
      const group = refused.slice(i, i + 3);
      const again = await Promise.all(group.map(call));
      for (const [k, r] of again.entries()) expect(await noteAnswer(log, group[k]!, r)).toBe(200);
    }
    await checkLog(log);
  });
});

describe("LeafBatcher", () => {
  const settings = (s: Partial<BatchSettings> = {}): BatchSettings => ({
    ...readBatchSettings({}),
    windowMs: 60_000,
    ...s,
  });
  const sequenced = (i: number): AddResult => ({
    kind: "sequenced",
    index: i,
    checkpoint: "c",
    inclusionProof: [],
    integratedTime: 0,
  });

  it("answers each leaf with its own result, in order", async () => {
    const b = new LeafBatcher(settings({ maxLeaves: 3 }), async (leaves) => leaves.map((l) => sequenced(l[0]!)));
    expect(await Promise.all([1, 2, 3].map((n) => b.add(new Uint8Array([n]), [])))).toEqual([
      sequenced(1),
      sequenced(2),
      sequenced(3),
    ]);
    expect(b.stats).toEqual({ batches: 1, leaves: 3 });
  });

  it("a failed or malformed sequencer answer is 'unavailable' for every leaf of the batch, never a wrong index", async () => {
    for (const send of [async () => Promise.reject(new Error("RPC broken")), async () => [sequenced(0)]]) {
      const b = new LeafBatcher(settings({ maxLeaves: 2 }), send);
      const results = await Promise.all([b.add(enc("a"), []), b.add(enc("b"), [])]);
      expect(results.map((r) => r.kind)).toEqual(["unavailable", "unavailable"]);
    }
  });

  it("holds at most maxHeldLeaves and maxHeldBytes (pooled and in flight); beyond them 'overloaded' at once", async () => {
    let release: (() => void) | undefined;
    const b = new LeafBatcher(
      settings({ maxLeaves: 2, maxHeldLeaves: 3, maxHeldBytes: 100 }),
      (leaves) => new Promise((r) => (release = () => r(leaves.map((_, i) => sequenced(i))))),
    );
    const inFlight = [b.add(enc("a"), []), b.add(enc("b"), [])]; // a full batch, sent, unanswered
    const third = b.add(enc("c"), []);
    expect(await b.add(enc("d"), [])).toEqual({ kind: "overloaded", retryAfterSeconds: 1 });
    release!();
    await Promise.all(inFlight);
    expect(await b.add(new Uint8Array(100), [])).toEqual({ kind: "overloaded", retryAfterSeconds: 1 }); // 1 + 100 bytes > 100
    b.flush();
    await sleep(0);
    release!();
    expect((await third).kind).toBe("sequenced");
  });

  it("sends a batch before a leaf would take it past maxBytes, and when its window closes", async () => {
    const sizes: number[] = [];
    const b = new LeafBatcher(
      settings({ maxBytes: 10, windowMs: 1 }),
      async (leaves) => (sizes.push(leaves.length), leaves.map((_, i) => sequenced(i))),
    );
    await Promise.all([b.add(new Uint8Array(6), []), b.add(new Uint8Array(6), [])]);
    expect(sizes).toEqual([1, 1]);
  });
});
