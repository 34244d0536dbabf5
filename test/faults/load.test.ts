// Load: the pool cap answers 503 + Retry-After over HTTP, before anything is appended; what was accepted
// is in the log (check-log.ts). The per-client rate limit in front of it: test/api/rate-limit.test.ts.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../../durable-objects/sequencer.ts";
import { app } from "../../src/index.ts";
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
