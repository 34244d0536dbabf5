// Publishing within the platform's limits: R2 (and KV) answer 429 to a second write of one key within a second,
// while rounds run every tick. With the defaults (TICK_MS 250, CHECKPOINT_WRITE_GAP_MS 1000) and an object store
// that enforces that limit, sustained load over HTTP sees no failed round and no 503: every submitter gets 201
// with its round's own signed checkpoint and an inclusion proof against it, and once the trailing write is out
// the public checkpoint is the newest. No timing is asserted: the store and the publisher go by the same clock.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import { app } from "../../src/index.ts";
import type { LogConfig } from "../../src/config.ts";
import { DEFAULT_CHECKPOINT_WRITE_GAP_MS } from "../../src/sequencer/checkpoint-publisher.ts";
import { sameKeyWriteLimit } from "../../src/storage/faults.ts";
import { fromBase64 } from "../../src/tlog/encoding.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { enc, sequencer } from "../helpers/log.ts";
import { checkLog, FaultLog, settledCheckpoint } from "./check-log.ts";

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const key = p256Key();

interface Answer {
  logIndex: string;
  canonicalizedBody: string;
  inclusionProof: { logIndex: string; treeSize: string; hashes: string[]; checkpoint: { envelope: string } };
}

describe("checkpoint writes within R2's one write per second per key", () => {
  it("under sustained load with the default tick and gap: no failed round, no 503, each answer with its round's checkpoint", async () => {
    const log = new FaultLog();
    const limit = sameKeyWriteLimit(); // the Durable Object's clock: Date.now in the same isolate
    await log.open();
    await runInDurableObject(sequencer(log.shard), (inst: Sequencer) => {
      const config = (inst as unknown as { config: LogConfig }).config;
      // The deployed defaults (wrangler.toml), instead of the suite's fast settings.
      config.tickMs = 250;
      config.checkpointWriteGapMs = DEFAULT_CHECKPOINT_WRITE_GAP_MS;
      inst.faults.hook = limit;
    });
    const e = { ...(env as unknown as Record<string, string>), SHARDS: log.shard } as unknown as Env;
    const submit = (what: string) =>
      app.fetch(
        new Request("http://localhost:8787/api/v2/log/entries", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(hashedRekordV2(key, enc(what))),
        }),
        e,
        ctx,
      );

    // 8 clients, each submitting 12 entries one after another: a round every tick for a few seconds.
    const statuses: number[] = [];
    const answers: Answer[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (let i = 0; i < 12; i++) {
          const res = await submit(`${log.shard} client ${client} entry ${i}`);
          statuses.push(res.status);
          if (res.status === 201) answers.push((await res.json()) as Answer);
          else log.unacked.push(enc(`${log.shard} client ${client} entry ${i}`));
        }
      }),
    );
    expect(statuses.filter((s) => s !== 201)).toEqual([]);

    for (const a of answers) {
      const index = Number(a.logIndex);
      const entry = fromBase64(a.canonicalizedBody);
      log.acked.push({ index, entry });
      log.replied.push(a.inclusionProof.checkpoint.envelope);
      // Its own round's checkpoint: one that contains it, with a proof to that very size.
      expect(Number(a.inclusionProof.treeSize)).toBeGreaterThan(index);
      expect(a.inclusionProof.checkpoint.envelope.split("\n")[1]).toBe(a.inclusionProof.treeSize);
    }
    const status = await sequencer(log.shard).status();
    expect(status.writes.rounds).toBeGreaterThan(1);

    // The store never had to refuse a write, and the newest checkpoint is public once the trailing write is out.
    const published = await settledCheckpoint(log);
    expect(limit.refused).toEqual([]);
    expect(published.split("\n")[1]).toBe(String(status.size));
    await checkLog(log); // proofs, consistency of every checkpoint served, write-once objects
    expect(limit.refused).toEqual([]);
  });
});
