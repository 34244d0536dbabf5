/**
 * Fault injection for tests (Sunlight's upload hook): every call asks the hook first. The hook
 * can fail the call before it happens ("failed, not stored") or after ("failed but stored"), or hold it
 * forever (a hung store). The workerd tests' Sequencer (test/setup/worker.ts) wraps the platform's stores
 * with `faultyStores`; the deployed one never does.
 * @module
 */
import type { WitnessCall } from "../witnessing/cosign.ts";
import type { RoundStep } from "../sequencer/publish.ts";
import type { SequencerStores } from "../sequencer/stores.ts";
import { toHex } from "../tlog/encoding.ts";
import type { HotStore, ObjectStore } from "./object-store.ts";
import type { SearchIndex } from "./search-index.ts";

export type StoreOp = "r2.put" | "r2.get" | "kv.put" | "kv.get" | "d1.write" | "witness.add";
/** `hang`: the call never answers (a hung store); `fail`: it fails, before or after storing (`persist`). */
export type FaultDecision = { fail: false; hang?: boolean } | { fail: true; persist: boolean };
export type FaultHook = (op: StoreOp, key: string) => FaultDecision;

/** A test's pause at a point of the round (it may block there while the test restarts the DO). */
export type StepHook = (step: RoundStep) => Promise<void> | undefined;

/** A mutable slot so tests (via runInDurableObject) can install or clear a hook on a live instance. */
export class FaultSwitch {
  hook: FaultHook | undefined;
  /** Called between the steps of a round (RoundDeps.onStep). */
  onStep: StepHook | undefined;
  /** When set, every object-store and KV write is recorded and write-once keys are checked. */
  ledger: WriteLedger | undefined;
  check(op: StoreOp, key: string): FaultDecision {
    return this.hook ? this.hook(op, key) : { fail: false };
  }
}

/**
 * What the stores stored, kept by a test across restarts of the Durable Object (it installs the same
 * ledger in each new instance). A put is recorded once it has succeeded (a put held back and then
 * dropped by a restart never reached the store). Putting a write-once key again with other bytes
 * is a violation: refused before it is sent, and recorded, so a test sees it even if the caller
 * swallows the error (KV copies are best effort).
 */
export class WriteLedger {
  /** Full key ("r2:<shard>/tile/..." or "kv:...") → SHA-256 of the bytes stored, hex. */
  readonly onceWritten = new Map<string, string>();
  /** Every checkpoint note the object store stored, in order. */
  readonly checkpoints: string[] = [];
  readonly violations: string[] = [];

  private static async digest(body: Uint8Array): Promise<string> {
    return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", body)));
  }

  /** Before a put: throws (and records the violation) if a write-once key would change. */
  async check(store: "r2" | "kv", key: string, body: Uint8Array, immutable: boolean): Promise<void> {
    if (!immutable) return;
    const name = `${store}:${key}`;
    const before = this.onceWritten.get(name);
    if (before !== undefined && before !== (await WriteLedger.digest(body))) {
      this.violations.push(`${name} rewritten with other bytes`);
      throw new Error(`write-once key ${name} rewritten with other bytes`);
    }
  }

  /** After a successful put. */
  async record(store: "r2" | "kv", key: string, body: Uint8Array, immutable: boolean): Promise<void> {
    if (!immutable) {
      this.checkpoints.push(new TextDecoder().decode(body));
      return;
    }
    const name = `${store}:${key}`;
    const digest = await WriteLedger.digest(body);
    const before = this.onceWritten.get(name);
    if (before !== undefined && before !== digest) this.violations.push(`${name} stored twice with other bytes`);
    this.onceWritten.set(name, digest);
  }
}

/**
 * The object store's limit on one key, as R2 (and KV) enforce it: a write to a key less than `windowMs` after
 * the last write to that key was accepted is refused (R2 answers 429 Too Many Requests). Writes of other
 * keys are not affected. `now` is the clock the store goes by (the Durable Object's, in tests).
 */
export function sameKeyWriteLimit(now: () => number = Date.now, windowMs = 1_000): FaultHook & { refused: string[] } {
  const accepted = new Map<string, number>();
  const refused: string[] = [];
  const hook = (op: StoreOp, key: string): FaultDecision => {
    if (op !== "r2.put" && op !== "kv.put") return { fail: false };
    const name = `${op}:${key}`;
    const last = accepted.get(name);
    const t = now();
    if (last !== undefined && t - last < windowMs) {
      refused.push(name);
      return { fail: true, persist: false };
    }
    accepted.set(name, t);
    return { fail: false };
  };
  return Object.assign(hook, { refused });
}

export class InjectedFault extends Error {
  override name = "InjectedFault";
}

async function guarded<T>(faults: FaultSwitch, op: StoreOp, key: string, run: () => Promise<T>): Promise<T> {
  const d = faults.check(op, key);
  if (!d.fail) return d.hang ? new Promise<never>(() => {}) : run();
  if (d.persist) await run();
  throw new InjectedFault(`injected ${op} failure for ${key}`);
}

export function faultyObjectStore(inner: ObjectStore, faults: FaultSwitch): ObjectStore {
  return {
    put: (key, body, opts) =>
      guarded(faults, "r2.put", key, async () => {
        await faults.ledger?.check("r2", key, body, opts.immutable);
        await inner.put(key, body, opts);
        await faults.ledger?.record("r2", key, body, opts.immutable);
      }),
    get: (key) => guarded(faults, "r2.get", key, () => inner.get(key)),
    getWithMetadata: (key) => guarded(faults, "r2.get", key, () => inner.getWithMetadata(key)),
    list: (prefix, startAfter, limit) => guarded(faults, "r2.get", prefix, () => inner.list(prefix, startAfter, limit)),
  };
}

export function faultyHotStore(inner: HotStore, faults: FaultSwitch): HotStore {
  return {
    put: (key, body) =>
      guarded(faults, "kv.put", key, async () => {
        await faults.ledger?.check("kv", key, body, true); // KV holds only write-once partial tiles
        await inner.put(key, body);
        await faults.ledger?.record("kv", key, body, true);
      }),
    get: (key) => guarded(faults, "kv.get", key, () => inner.get(key)),
  };
}

/** A witness request that the hook can fail (key: the witness's name): an unreachable witness. */
export function faultyWitnessCall(inner: WitnessCall, faults: FaultSwitch): WitnessCall {
  return (w, body) => guarded(faults, "witness.add", w.name, () => inner(w, body));
}

export function faultySearchIndex(inner: SearchIndex, faults: FaultSwitch): SearchIndex {
  return {
    async insertEntries(shard, rows) {
      const d = faults.check("d1.write", shard);
      if (!d.fail && d.hang) return new Promise<never>(() => {});
      if (d.fail && !d.persist) throw new InjectedFault("injected d1.write failure");
      const billed = await inner.insertEntries(shard, rows);
      if (d.fail) throw new InjectedFault("injected d1.write failure (after write)");
      return billed;
    },
    findByLeafHash: (h) => inner.findByLeafHash(h),
    findByKey: (q) => inner.findByKey(q),
    leafHashesByKey: (k, s, l) => inner.leafHashesByKey(k, s, l),
    indexedSize: (s) => inner.indexedSize(s),
  };
}

/** The platform's stores with every call asking `faults` first, and the round's steps reported to it. */
export function faultyStores(platform: SequencerStores, faults: FaultSwitch): SequencerStores {
  return {
    objects: faultyObjectStore(platform.objects, faults),
    hot: faultyHotStore(platform.hot, faults),
    index: faultySearchIndex(platform.index, faults),
    witnessCall: faultyWitnessCall(platform.witnessCall, faults),
    onStep: (step) => faults.onStep?.(step),
  };
}
