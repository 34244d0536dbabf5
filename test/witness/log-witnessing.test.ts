// The log collects witness cosignatures on its own checkpoints: each shard here is configured
// (test/setup/bindings.ts) with this deployment's own Witness Durable Object as its witness, reached
// through the binding, and a quorum. The published checkpoint must carry cosignatures that verify with
// the witness's verifier key while every checkpoint parser still reads it; with a quorum, a checkpoint
// the witnesses did not cosign is never published, nothing acknowledged is lost, and the log catches up.
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import { TileReader } from "../../src/client/tile-reader.ts";
import type { AddResult } from "../../src/sequencer/protocol.ts";
import type { FaultHook } from "../../src/storage/faults.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { newCosignatureVerifier, verifyCosignatures } from "../../src/tlog/cosignature.ts";
import { newSigner, newVerifier, openNote, parseNote } from "../../src/tlog/note.ts";
import { checkLog, FaultLog, pauseAt } from "../faults/check-log.ts";
import { enc, sequencer, sleep } from "../helpers/log.ts";
import { WITNESS_TEST_SHARDS } from "../setup/bindings.ts";
import { app } from "../../src/index.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";

const vars = env as unknown as Record<string, string>;
const suffix = (shard: string) => shard.toUpperCase().replace(/-/g, "_");
const logVkey = (shard: string) => newSigner(vars[`LOG_SIGNING_KEY_${suffix(shard)}`]!).vkey;
const witnessVerifier = () => newCosignatureVerifier(vars.TEST_WITNESS_VKEY!);

/** The checkpoint the shard publishes (R2), or null. */
async function published(shard: string): Promise<string | null> {
  const obj = await env.TILES.get(`${shard}/checkpoint`);
  return obj ? obj.text() : null;
}

/** Checks a published note as clients do: the log's signature first and valid, cosignatures by the witness. */
function inspect(shard: string, note: string) {
  const opened = openNote(note, [newVerifier(logVkey(shard))]); // unknown (cosignature) lines are ignored
  const all = parseNote(note);
  expect(all.sigs[0]!.name).toBe(parseCheckpoint(opened.text).origin); // the log's own signature stays first
  const cosigs = verifyCosignatures(all.text, all.sigs, [witnessVerifier()]);
  expect(cosigs.invalid).toEqual([]);
  return { size: parseCheckpoint(opened.text).size, cosigned: cosigs.valid.length, sigs: all.sigs.length };
}

/** Polls until `f` holds (bounded; no timing is asserted). */
async function until(what: string, f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await f()); i++) {
    if (i > 400) throw new Error(`never: ${what}`);
    await sleep(10);
  }
}

/** The witness fails (unreachable) while `failing` says so; counts every request to it. */
function witnessSwitch() {
  const s = { failing: false, calls: 0 };
  const hook: FaultHook = (op) => {
    if (op !== "witness.add") return { fail: false };
    s.calls++;
    return s.failing ? { fail: true, persist: false } : { fail: false };
  };
  return {
    s,
    install: (shard: string) =>
      runInDurableObject(sequencer(shard), (inst: Sequencer) => void (inst.faults.hook = hook)),
  };
}

const status = (shard: string) => sequencer(shard).status();

describe("a log that collects witness cosignatures", () => {
  it("quorum 0: publishes at once, then republishes the same checkpoint with the witness's cosignature", async () => {
    const shard = WITNESS_TEST_SHARDS.async;
    const log = sequencer(shard);
    const r = await log.add(enc("async 1"));
    expect(r.kind).toBe("sequenced");
    const size = (r as Extract<AddResult, { kind: "sequenced" }>).index + 1;
    await until("the cosigned checkpoint is published", async () => {
      const note = await published(shard);
      return note !== null && inspect(shard, note).size === size && inspect(shard, note).cosigned === 1;
    });
    const note = (await published(shard))!;
    expect(inspect(shard, note)).toEqual({ size, cosigned: 1, sigs: 2 });
    // The republished note is the same checkpoint: same signed text as the one the waiter got.
    expect(parseNote(note).text).toBe(parseNote((r as Extract<AddResult, { kind: "sequenced" }>).checkpoint).text);
    // A tlog-tiles client reads it, and proves the entry's inclusion under it.
    const reader = new TileReader(
      async (p) => {
        const o = await env.TILES.get(`${shard}/${p}`);
        return o ? new Uint8Array(await o.arrayBuffer()) : null;
      },
      [newVerifier(logVkey(shard))],
    );
    const cp = await reader.checkpoint();
    expect(cp.size).toBe(size);
    await reader.verifyInclusion(enc("async 1"), size - 1, cp);
    // The idle republish keeps the cosignature.
    await runInDurableObject(log, (inst: Sequencer) => void (inst.parts().publication.lastPublishAt = 0));
    expect(await runDurableObjectAlarm(log)).toBe(true);
    expect(inspect(shard, (await published(shard))!).cosigned).toBe(1);
  });

  it("quorum 1: the waiter's checkpoint carries the cosignature; it is exactly what is published", async () => {
    const shard = WITNESS_TEST_SHARDS.quorum;
    const r = await sequencer(shard).add(enc("quorum first"));
    expect(r.kind).toBe("sequenced");
    const { checkpoint, index } = r as Extract<AddResult, { kind: "sequenced" }>;
    expect(inspect(shard, checkpoint)).toEqual({ size: index + 1, cosigned: 1, sigs: 2 });
    expect(await published(shard)).toBe(checkpoint);
  });

  it("quorum 1 with the witness down: nothing past the witnessed checkpoint is published, nothing is lost, the log catches up", async () => {
    const shard = WITNESS_TEST_SHARDS.quorum;
    const log = new FaultLog(shard, logVkey(shard));
    const w = witnessSwitch();
    await w.install(shard);
    await log.addMany(5, "witnessed");
    const before = (await published(shard))!;
    const witnessedSize = inspect(shard, before).size;

    w.s.failing = true;
    const outcomes = await log.addMany(4, "while the witness is down");
    for (const o of outcomes) {
      expect(o).toMatchObject({ kind: "unavailable", reason: expect.stringMatching(/witness/) });
    }
    expect(await published(shard)).toBe(before); // no checkpoint past the last witnessed one
    let st = await status(shard);
    expect(st.size).toBe(witnessedSize + 4); // integrated and committed all the same
    expect(st.publishedSize).toBe(witnessedSize);
    // A retry finds the entry integrated but not yet visible: still 503, and still not published.
    const stub = await log.open();
    expect(await stub.add(log.unacked[0]!)).toMatchObject({ kind: "unavailable" });
    // The alarm asks the witness again; still down, still nothing published.
    await runDurableObjectAlarm(sequencer(shard));
    expect(await published(shard)).toBe(before);

    // The witness is back: the alarm publishes the pending checkpoint with its cosignature.
    w.s.failing = false;
    await runDurableObjectAlarm(sequencer(shard));
    const after = (await published(shard))!;
    expect(inspect(shard, after)).toEqual({ size: witnessedSize + 4, cosigned: 1, sigs: 2 });
    st = await status(shard);
    expect(st.publishedSize).toBe(st.size);

    // Down again, then back: this time a new round catches up (its checkpoint covers the missed one).
    w.s.failing = true;
    await log.addMany(3, "down again");
    w.s.failing = false;
    await log.addMany(2, "back");
    const last = inspect(shard, (await published(shard))!);
    expect(last.size).toBe(witnessedSize + 9);
    // Every unacknowledged entry, retried, is found at its index; all checkpoints ever served are consistent.
    await checkLog(log);
  });

  it("quorum 1, restarted while asking the witness: the new instance publishes the cosigned checkpoint, nothing is lost", async () => {
    const shard = WITNESS_TEST_SHARDS.quorum;
    const log = new FaultLog(shard, logVkey(shard));
    await log.addMany(2, "before");
    const pause = pauseAt("uploaded"); // tiles up, the witness not yet asked
    await log.on((inst) => (inst.faults.onStep = pause.hook));
    const stub = await log.open();
    const entries = [log.entry("blocked"), log.entry("blocked")];
    const pending = entries.map((e) =>
      stub.add(e).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    );
    await pause.reached();
    await abortAllDurableObjects();
    (await Promise.all(pending)).forEach((r, i) => log.note(entries[i]!, r));
    expect(log.unacked).toHaveLength(2);
    pause.release();
    const latest = await checkLog(log); // retries the blocked entries: found (or integrated anew), consistent
    expect(inspect(shard, latest.note).cosigned).toBe(1);
  });

  it("quorum 1 of two witnesses, one of them down: still publishes, with the one cosignature", async () => {
    const shard = WITNESS_TEST_SHARDS.two;
    const r = await sequencer(shard).add(enc("one of two"));
    expect(r.kind).toBe("sequenced");
    const { checkpoint } = r as Extract<AddResult, { kind: "sequenced" }>;
    expect(inspect(shard, checkpoint).cosigned).toBe(1);
    expect(parseNote(checkpoint).sigs.map((s) => s.name)).toEqual([
      parseCheckpoint(parseNote(checkpoint).text).origin,
      "witness.test/self",
    ]);
    expect(await published(shard)).toBe(checkpoint);
  });

  it("a witness configured with another key than it signs with: its cosignatures do not count, nothing is published", async () => {
    const shard = WITNESS_TEST_SHARDS.wrongKey;
    const r = await sequencer(shard).add(enc("wrong key"));
    expect(r).toMatchObject({ kind: "unavailable" });
    expect(await published(shard)).toBeNull(); // not even the empty log's checkpoint
    const st = await status(shard);
    expect(st.size).toBe(1);
    expect(st.publishedSize).toBe(0);
  });

  it("over HTTP: a write to a log whose witnesses do not cosign answers 503 with Retry-After and says why, and again on retry", async () => {
    const shard = WITNESS_TEST_SHARDS.wrongKey;
    const e = { ...vars, SHARDS: shard } as unknown as Env; // a deployment serving that shard
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const body = JSON.stringify(hashedRekordV2(p256Key(), enc(`http ${Date.now()}`)));
    const post = () =>
      app.fetch(
        new Request(`http://localhost:8787/${shard}/api/v2/log/entries`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }),
        e,
        ctx,
      );
    for (let i = 0; i < 2; i++) {
      const r = await post();
      expect(r.status).toBe(503);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await r.json()).toMatchObject({ message: expect.stringMatching(/awaits its witnesses' cosignatures/) }); // (Rekor v2 errors carry gRPC codes)
    }
    expect(await published(shard)).toBeNull();
  });

  it("handles 409: a witness that knows another size than the log thinks gets the proof from its size", async () => {
    const shard = WITNESS_TEST_SHARDS.conflict;
    const log = new FaultLog(shard, logVkey(shard));
    const w = witnessSwitch();
    await w.install(shard);
    await log.addMany(3, "first");
    const knownSize = async () =>
      runInDurableObject(
        sequencer(shard),
        (inst: Sequencer) =>
          (inst as unknown as { ctx: DurableObjectState }).ctx.storage.sql.exec("SELECT size FROM witness_state").one()
            .size as number,
      );
    const setKnown = (size: number) =>
      runInDurableObject(
        sequencer(shard),
        (inst: Sequencer) =>
          void (inst as unknown as { ctx: DurableObjectState }).ctx.storage.sql.exec(
            "UPDATE witness_state SET size = ?",
            size,
          ),
      );

    for (const [what, wrong] of [
      ["forgot", 0],
      ["thinks it smaller", 1],
      ["thinks it larger than the tree", 10_000],
    ] as const) {
      const witnessed = await knownSize();
      expect(witnessed).toBe(inspect(shard, (await published(shard))!).size);
      await setKnown(wrong);
      const calls = w.s.calls;
      const [r] = await log.addMany(1, what);
      expect(r).toMatchObject({ kind: "sequenced" });
      // One request answered 409 with the witness's real size, then one from that size, cosigned.
      expect(w.s.calls - calls).toBe(2);
      expect(inspect(shard, (r as Extract<AddResult, { kind: "sequenced" }>).checkpoint).cosigned).toBe(1);
      expect(await knownSize()).toBe(witnessed + 1);
    }
    await checkLog(log);
  });
});
