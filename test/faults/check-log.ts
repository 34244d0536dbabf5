// The shared invariant checker for test/faults (after Sunlight's CheckLog): run after every fault
// scenario, it reads the log straight from R2 (any shard) and checks the promises a log makes.
//  1. Every acknowledged entry is in the log at its acknowledged index with its content.
//  2. Every checkpoint ever served (stored in R2, or returned with an acknowledgement) is consistent
//     with every later one: same size, same root; larger size, a consistency proof from the tiles.
//  3. No write-once object (tile, bundle, KV copy) was ever rewritten with other bytes (WriteLedger).
//  4. The log keeps accepting entries; an unacknowledged entry, submitted again, gets an index
//     (sequenced, or duplicate of an earlier copy) and is then in the log like any other.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import { TileReader, type VerifiedCheckpoint } from "../../src/client/tile-reader.ts";
import type { AddResult } from "../../src/sequencer/protocol.ts";
import { WriteLedger, type StepHook } from "../../src/storage/faults.ts";
import type { RoundStep } from "../../src/sequencer/publish.ts";
import { parseBundle } from "../../src/tlog/bundle.ts";
import { bytesEqual } from "../../src/tlog/encoding.ts";
import { HASH_SIZE, hashLeaf } from "../../src/tlog/hash.ts";
import { ENTRIES_LEVEL, TILE_WIDTH, tilePath, tileWidth } from "../../src/tlog/tile.ts";
import { newVerifier } from "../../src/tlog/note.ts";
import { enc, logVerifierKey, sequencer, sleep } from "../helpers/log.ts";

export interface Acked {
  index: number;
  entry: Uint8Array;
}

/** One scenario's log: a fresh shard, the ledger every instance records into, what was acknowledged. */
export class FaultLog {
  /**
   * A fresh shard by default. A shard with its own configuration (test/setup/bindings.ts) needs its
   * checkpoint verifier key too.
   */
  constructor(
    readonly shard = `faults-${crypto.randomUUID()}`,
    readonly vkey = logVerifierKey(),
  ) {}
  readonly ledger = new WriteLedger();
  readonly acked: Acked[] = [];
  /** Submitted but not acknowledged: may be absent, must succeed when retried. */
  readonly unacked: Uint8Array[] = [];
  /** Checkpoints returned with acknowledgements. */
  readonly replied: string[] = [];
  private n = 0;

  /** A fresh stub to the shard's sequencer, with the ledger installed in its (maybe new) instance. */
  async open(): Promise<DurableObjectStub<Sequencer>> {
    const log = sequencer(this.shard);
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.ledger = this.ledger;
    });
    return log;
  }

  async on(f: (inst: Sequencer) => void): Promise<void> {
    await runInDurableObject(sequencer(this.shard), f);
  }

  /** A new distinct entry. */
  entry(what = "entry"): Uint8Array {
    return enc(`${this.shard} ${what} #${this.n++}`);
  }

  /** Records the outcome of submitting `entry`. A thrown error (broken stub: the DO restarted) is "not acknowledged". */
  note(entry: Uint8Array, r: AddResult | Error): AddResult | Error {
    if (!(r instanceof Error) && (r.kind === "sequenced" || r.kind === "duplicate")) {
      this.acked.push({ index: r.index, entry });
      if (r.kind === "sequenced") this.replied.push(r.checkpoint);
    } else {
      this.unacked.push(entry);
    }
    return r;
  }

  /** Submits `entry` and records the outcome. */
  async add(entry: Uint8Array = this.entry(), log?: DurableObjectStub<Sequencer>): Promise<AddResult | Error> {
    const stub = log ?? (await this.open());
    return this.note(
      entry,
      await stub.add(entry).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
    );
  }

  /** Submits several entries in one round's worth, all at once. */
  async addMany(count: number, what = "entry"): Promise<(AddResult | Error)[]> {
    const log = await this.open();
    return Promise.all(Array.from({ length: count }, () => this.add(this.entry(what), log)));
  }
}

/**
 * A pause point: the step hook blocks the round at the `nth` time it reaches `step` (other calls pass)
 * until `release()`. It polls a timer, so workerd never sees a hung request.
 */
export function pauseAt(
  step: RoundStep,
  nth = 1,
): { hook: StepHook; reached: () => Promise<void>; release: () => void } {
  const s = { seen: 0, reached: false, released: false };
  const hook: StepHook = (at) => {
    if (at !== step || ++s.seen !== nth) return undefined;
    s.reached = true;
    return (async () => {
      while (!s.released) await sleep(5);
    })();
  };
  return {
    hook,
    async reached() {
      for (let i = 0; !s.reached; i++) {
        if (i > 2000) throw new Error(`the round never reached "${step}"`);
        await sleep(5);
      }
    },
    release: () => void (s.released = true),
  };
}

/** Reads the shard from R2; tiles and bundles are write-once, so each is fetched once (the checkpoint every time). */
function r2Reader(
  shard: string,
  vkey: string,
): { reader: TileReader; fetch: (path: string) => Promise<Uint8Array | null> } {
  const cache = new Map<string, Promise<Uint8Array | null>>();
  const get = async (path: string) => {
    const obj = await env.TILES.get(`${shard}/${path}`);
    return obj ? new Uint8Array(await obj.arrayBuffer()) : null;
  };
  const fetch = (path: string) => {
    if (path === "checkpoint") return get(path);
    let p = cache.get(path);
    if (!p) cache.set(path, (p = get(path)));
    return p;
  };
  return { reader: new TileReader(fetch, [newVerifier(vkey)]), fetch };
}

/** The entries of the tree of `size` at `indexes`, from their bundles, each checked against its level-0 tile hash. */
async function entriesAt(
  fetch: (path: string) => Promise<Uint8Array | null>,
  size: number,
  indexes: number[],
): Promise<Map<number, Uint8Array>> {
  const out = new Map<number, Uint8Array>();
  for (const n of new Set(indexes.map((i) => Math.floor(i / TILE_WIDTH)))) {
    const width = tileWidth(0, n, size);
    const bundle = parseBundle((await fetch(tilePath({ level: ENTRIES_LEVEL, index: n, width })))!);
    const hashes = (await fetch(tilePath({ level: 0, index: n, width })))!;
    expect(bundle.length).toBe(width);
    expect(hashes.length).toBe(width * HASH_SIZE);
    bundle.forEach((e, k) => {
      expect(
        bytesEqual(hashLeaf(e), hashes.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE)),
        `entry ${n * TILE_WIDTH + k} vs its tile`,
      ).toBe(true);
      out.set(n * TILE_WIDTH + k, e);
    });
  }
  return out;
}

/**
 * The public checkpoint once the sequencer's checkpoint publisher has nothing left to write (its trailing write
 * is out): the note R2 serves.
 */
export async function settledCheckpoint(log: FaultLog): Promise<string> {
  await runInDurableObject(sequencer(log.shard), (inst: Sequencer) => inst.parts().publication.publisher.settled());
  const obj = await env.TILES.get(`${log.shard}/checkpoint`);
  return obj === null ? "" : obj.text();
}

/** Checks the four promises on `log`; retries its unacknowledged entries first. Returns the checkpoint it ends with. */
export async function checkLog(log: FaultLog): Promise<VerifiedCheckpoint> {
  const { reader, fetch } = r2Reader(log.shard, log.vkey);

  // 4a. The log keeps accepting entries, and every unacknowledged one succeeds when retried.
  const stub = await log.open();
  const retries = log.unacked.splice(0);
  const retried = await Promise.all(retries.map((entry) => stub.add(entry)));
  retried.forEach((r, i) => {
    expect(["sequenced", "duplicate"], `retry of an unacknowledged entry: ${JSON.stringify(r)}`).toContain(r.kind);
    log.note(retries[i]!, r);
  });
  const fresh = log.entry("after the scenario");
  const last = await stub.add(fresh);
  expect(last.kind).toBe("sequenced");
  log.note(fresh, last);
  await settledCheckpoint(log); // the checkpoint of that last round may be a trailing write

  // 1. Every acknowledged entry is at its index with its content, under the latest checkpoint (the
  //    bundles are checked against the level-0 tiles, and a sample by inclusion proof from the tiles).
  const latest = await reader.checkpoint();
  const byIndex = new Map<number, Uint8Array>();
  const stored = await entriesAt(
    fetch,
    latest.size,
    log.acked.map((a) => a.index),
  );
  for (const { index, entry } of log.acked) {
    expect(index).toBeLessThan(latest.size);
    const seen = byIndex.get(index);
    if (seen) expect(bytesEqual(seen, entry), `two different entries acknowledged at index ${index}`).toBe(true);
    byIndex.set(index, entry);
    expect(bytesEqual(stored.get(index)!, entry), `entry at ${index}`).toBe(true);
  }
  const sample =
    log.acked.length <= 16
      ? log.acked
      : Array.from({ length: 16 }, () => log.acked[Math.floor(Math.random() * log.acked.length)]!);
  for (const { index, entry } of sample) await reader.verifyInclusion(entry, index, latest);
  // Distinct entries never share an index (a duplicate answer points at the same bytes).
  expect(new Set(log.acked.map((a) => new TextDecoder().decode(a.entry))).size).toBe(byIndex.size);

  // 2. Every checkpoint ever served, in size order, is consistent with the next and with the latest.
  const served = [...new Set([...log.ledger.checkpoints, ...log.replied, latest.note])].map((n) =>
    reader.verifyCheckpoint(n),
  );
  served.sort((a, b) => a.size - b.size);
  for (let i = 0; i + 1 < served.length; i++) {
    const [a, b] = [served[i]!, served[i + 1]!];
    if (a.size === b.size) expect(bytesEqual(a.root, b.root), `two roots for size ${a.size}`).toBe(true);
    else await reader.verifyConsistency(a, b);
    await reader.verifyConsistency(a, latest);
  }
  expect(served.at(-1)!.size).toBe(latest.size); // what R2 serves now is the newest ever served

  // 3. No write-once object was rewritten with other bytes (and the ledger saw the writes at all).
  expect(log.ledger.violations).toEqual([]);
  expect(log.ledger.onceWritten.size).toBeGreaterThan(0);
  return latest;
}
