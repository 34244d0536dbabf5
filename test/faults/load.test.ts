// Load: the pool cap answers 503 + Retry-After over HTTP, before anything is appended; what was accepted
// is in the log (check-log.ts). The per-client rate limit in front of it: test/api/rate-limit.test.ts.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import { app } from "../../src/index.ts";
import { fromBase64 } from "../../src/tlog/encoding.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { enc, sequencer } from "../helpers/log.ts";
import { Pool } from "../../src/sequencer/pool.ts";
import { DEFAULT_MAX_POOL_BYTES } from "../../src/config.ts";
import type { AddResult } from "../../src/sequencer/protocol.ts";
import { checkLog, FaultLog, pauseAt } from "./check-log.ts";

const vars = env as unknown as Record<string, string>;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** The Worker, configured as a deployment whose one shard is `shard`, with extra vars. */
function worker(shard: string, extra: Record<string, string> = {}) {
  const e = { ...vars, SHARDS: shard, ...extra } as unknown as Env;
  return (path: string, init?: RequestInit) => app.fetch(new Request(`http://localhost:8787${path}`, init), e, ctx);
}

const key = p256Key();
function submit(call: ReturnType<typeof worker>, what: string, ip = "192.0.2.1") {
  return call("/api/v2/log/entries", {
    method: "POST",
    headers: { "content-type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify(hashedRekordV2(key, enc(what))),
  });
}

describe("pool cap over HTTP", () => {
  it("answers 503 with Retry-After and a JSON error once the pool is full; accepted entries are in the log; retries then succeed", async () => {
    const log = new FaultLog(); // its shard, ledger and checker; entries go in over HTTP here
    const call = worker(log.shard);
    await log.open();
    await runInDurableObject(sequencer(log.shard), (inst: Sequencer) => {
      const config = (inst as unknown as { config: { maxPoolLeaves: number; tickMs: number } }).config;
      config.maxPoolLeaves = 3; // as MAX_POOL_LEAVES_<SHARD> = 3 would
      config.tickMs = 300; // so the flood arrives within one round's wait
    });
    const texts = Array.from({ length: 12 }, (_, i) => `pool cap ${log.shard} ${i}`);
    const responses = await Promise.all(texts.map((t) => submit(call, t)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 503)).toHaveLength(9);
    const refused = [];
    for (const [i, r] of responses.entries()) {
      const body = (await r.json()) as { code: number; message: string; logIndex?: string; canonicalizedBody?: string };
      if (r.status === 201) {
        log.acked.push({ index: Number(body.logIndex), entry: fromBase64(body.canonicalizedBody!) });
      } else {
        expect(r.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
        expect(body.message).toMatch(/pool|capacity|overload|busy/i);
        refused.push(texts[i]!);
      }
    }
    // Backpressure, not loss: the refused submissions go through once the pool has drained.
    for (const t of refused) {
      const r = await submit(call, t);
      expect(r.status).toBe(201);
      const body = (await r.json()) as { logIndex: string; canonicalizedBody: string };
      log.acked.push({ index: Number(body.logIndex), entry: fromBase64(body.canonicalizedBody) });
    }
    await checkLog(log);
  });
});

/** Distinct large leaves (the largest an entry bundle holds is 65,535 bytes). */
const large = (tag: string, i: number, size = 65_535): Uint8Array => {
  const leaf = new Uint8Array(size).fill(0x61);
  leaf.set(enc(`${tag} ${i} `));
  return leaf;
};

type SequencerConfig = { maxPoolBytes: number; maxRoundLeaves: number; maxRoundBytes: number; tickMs: number };
const configOf = (inst: Sequencer) => (inst as unknown as { config: SequencerConfig }).config;

describe("pool byte budget", () => {
  it("holds at most MAX_POOL_BYTES of leaves, the round in progress included (64 KiB entries)", async () => {
    const log = new FaultLog();
    const stub = await log.open();
    const pause = pauseAt("built");
    const budget = 2 << 20;
    await log.on((inst) => {
      // As MAX_POOL_BYTES_<SHARD> = 2 MiB and MAX_ROUND_BYTES_<SHARD> = 512 KiB would (the defaults, 24 and
      // 8 MiB, take 400 such entries to fill).
      configOf(inst).maxPoolBytes = budget;
      configOf(inst).maxRoundBytes = 512 << 10;
      inst.faults.onStep = pause.hook;
    });
    const first = log.add(large(log.shard, 0), stub); // its round holds at "built"
    await pause.reached();
    // MAX_POOL_LEAVES (4,096) alone would take all of them.
    const n = 60;
    const outcomes: Promise<AddResult | Error>[] = [];
    let settled = 0;
    for (let i = 1; i <= n; i++) outcomes.push(log.add(large(log.shard, i), stub).finally(() => settled++));
    const fit = Math.floor(budget / 65_535) - 1; // the held round's leaf counts too
    while (settled < n - fit) await new Promise((r) => setTimeout(r, 10)); // the refusals answer at once
    await log.on((inst) => {
      const pool = (inst as unknown as { pool: Pool }).pool;
      expect(pool.bytes).toBeLessThanOrEqual(budget);
      expect(pool.size).toBe(fit);
    });
    pause.release();
    const results = await Promise.all([first, ...outcomes]);
    const refused = results.filter((r) => !(r instanceof Error) && r.kind === "overloaded");
    expect(refused).toHaveLength(n - fit);
    expect(refused[0]).toEqual({ kind: "overloaded", retryAfterSeconds: 1 });
    expect(results.filter((r) => !(r instanceof Error) && r.kind === "sequenced")).toHaveLength(fit + 1);
    // MAX_ROUND_BYTES: a round takes at most 8 of these leaves, so the pooled ones needed 4 rounds after the held one.
    expect((await stub.status()).writes.rounds).toBeGreaterThanOrEqual(
      1 + Math.ceil(fit / Math.floor((512 << 10) / 65_535)),
    );
    await checkLog(log);
  });

  it("defaults leave room in a Durable Object's 128 MB: pool and round held about three times over", () => {
    expect(DEFAULT_MAX_POOL_BYTES * 3).toBeLessThan(128 << 20);
  });

  it("answers 503 with Retry-After and a JSON error over HTTP when full; the accepted ones are appended", async () => {
    const log = new FaultLog();
    // Direct calls: the refusals answer at once. Through a batcher a refusal comes with its batch's other answers.
    const call = worker(log.shard, { BATCHERS: "0" });
    await log.open();
    const pause = pauseAt("built");
    await log.on((inst) => {
      configOf(inst).maxPoolBytes = 200_000; // as MAX_POOL_BYTES_<SHARD> = 200000 would
      inst.faults.onStep = pause.hook;
    });
    const add = (leaf: Uint8Array) => call("/add", { method: "POST", body: leaf });
    const first = add(enc(`${log.shard} small`));
    await pause.reached();
    let settled = 0;
    const responses = Array.from({ length: 10 }, (_, i) => add(large(log.shard, i, 60_000)).finally(() => settled++));
    while (settled < 7) await new Promise((r) => setTimeout(r, 10)); // 3 × 60,000 bytes fit beside the held round
    pause.release();
    const all = await Promise.all([first, ...responses]);
    expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 503, 503, 503, 503, 503, 503, 503]);
    for (const r of all.filter((r) => r.status === 503)) {
      expect(r.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
      expect(r.headers.get("content-type")).toMatch(/application\/json/);
      expect(await r.json()).toMatchObject({ code: 503, message: expect.stringMatching(/overload/) });
    }
  });

  it("a round takes at most MAX_ROUND_LEAVES leaves and MAX_ROUND_BYTES bytes, oldest first; the rest wait", () => {
    const pool = new Pool();
    const leaf = (i: number, size: number) => ({
      data: new Uint8Array(size),
      leafHash: new Uint8Array(32).fill(i),
      indexKeys: [],
    });
    for (let i = 0; i < 6; i++) pool.add(leaf(i, 100), () => {}, 1000 + i);
    expect(pool.bytes).toBe(600);
    expect(pool.take({ leaves: 4, bytes: 250 }).map((l) => l.leafHash[0])).toEqual([0, 1]);
    expect(pool.size).toBe(4);
    expect(pool.bytes).toBe(600); // the round in progress still counts
    expect(pool.waitingBytes).toBe(400);
    expect(pool.oldestArrival).toBe(1002);
    pool.settle();
    expect(pool.bytes).toBe(400);
    expect(pool.take({ leaves: 3, bytes: Infinity }).map((l) => l.leafHash[0])).toEqual([2, 3, 4]);
    pool.settle();
    pool.add(leaf(9, 5000), () => {}, 2000);
    // A leaf larger than the round's byte cap still makes a round of its own.
    expect(pool.take({ leaves: 10, bytes: 100 }).map((l) => l.leafHash[0])).toEqual([5]);
    pool.settle();
    expect(pool.take({ leaves: 10, bytes: 100 }).map((l) => l.leafHash[0])).toEqual([9]);
  });
});
