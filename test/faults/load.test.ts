// Load and abuse (issue 6): the pool cap answers 503 + Retry-After over HTTP, and the per-client
// submission rate limit (RATE_LIMIT_PER_MINUTE, src/api/rate-limit.ts) answers 429 + Retry-After.
// Both refuse before anything is appended; what was accepted is in the log (check-log.ts).
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../../durable-objects/sequencer.ts";
import { app } from "../../src/index.ts";
import { isSubmission, RateLimiter, rateLimitPerMinute } from "../../src/api/rate-limit.ts";
import { fromBase64 } from "../../src/tlog/encoding.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { enc, sequencer } from "../helpers/log.ts";
import { checkLog, FaultLog } from "./check-log.ts";

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

describe("per-client rate limit", () => {
  it("is off unless RATE_LIMIT_PER_MINUTE is set", async () => {
    expect(rateLimitPerMinute({})).toBe(0);
    expect(rateLimitPerMinute({ RATE_LIMIT_PER_MINUTE: "0" })).toBe(0);
    expect(rateLimitPerMinute({ RATE_LIMIT_PER_MINUTE: "120" })).toBe(120);
    for (const bad of ["-1", "1.5", "lots"]) expect(() => rateLimitPerMinute({ RATE_LIMIT_PER_MINUTE: bad })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    const call = worker(`rl-off-${crypto.randomUUID()}`);
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => submit(call, `unlimited ${i} ${Math.random()}`, "198.51.100.9")));
    expect(statuses.map((r) => r.status)).toEqual(Array(8).fill(201));
  });

  it("answers 429 with Retry-After and a JSON error past the limit, per client IP; reads are not limited", async () => {
    const call = worker(`rl-${crypto.randomUUID()}`, { RATE_LIMIT_PER_MINUTE: "3" });
    const ip = "203.0.113.7";
    for (let i = 0; i < 3; i++) expect((await submit(call, `limited ${i} ${Math.random()}`, ip)).status).toBe(201);
    const refused = await submit(call, `limited 4 ${Math.random()}`, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("content-type")).toMatch(/application\/json/);
    expect(await refused.json()).toMatchObject({ code: 429, message: expect.stringMatching(/3 per minute/) });
    // Another client is not affected; reads never are.
    expect((await submit(call, `other client ${Math.random()}`, "203.0.113.8")).status).toBe(201);
    expect((await call("/checkpoint", { headers: { "CF-Connecting-IP": ip } })).status).toBe(200);
    // The Rekor v1 write path is a submission too.
    const v1 = await call("/api/v1/log/entries", { method: "POST", headers: { "content-type": "application/json", "CF-Connecting-IP": ip }, body: "{}" });
    expect(v1.status).toBe(429);
  });

  it("refills continuously: N per minute, bursts of at most N", () => {
    let now = 0;
    const rl = new RateLimiter(60, () => now); // one a second
    for (let i = 0; i < 60; i++) expect(rl.take("a")).toBe(0);
    expect(rl.take("a")).toBe(1);
    now += 500;
    expect(rl.take("a")).toBe(1); // half a token
    now += 500;
    expect(rl.take("a")).toBe(0);
    now += 3_600_000; // a long pause refills to the burst size, not beyond
    for (let i = 0; i < 60; i++) expect(rl.take("a")).toBe(0);
    expect(rl.take("a")).toBeGreaterThan(0);
    expect(rl.take("b")).toBe(0);
    const slow = new RateLimiter(2, () => now);
    slow.take("c");
    slow.take("c");
    expect(slow.take("c")).toBe(30);
  });

  it("limits only submissions, under any shard prefix", () => {
    expect(isSubmission("POST", "/api/v2/log/entries")).toBe(true);
    expect(isSubmission("POST", "/api/v1/log/entries")).toBe(true);
    expect(isSubmission("POST", "/log2026b/api/v2/log/entries")).toBe(true);
    expect(isSubmission("POST", "/add")).toBe(true);
    expect(isSubmission("GET", "/api/v1/log/entries")).toBe(false);
    expect(isSubmission("POST", "/api/v1/log/entries/retrieve")).toBe(false);
    expect(isSubmission("GET", "/checkpoint")).toBe(false);
  });
});
