/**
 * Fault injection for tests (Sunlight's upload hook): every call asks the hook first. The hook
 * can fail the call before it happens ("failed, not stored") or after ("failed but stored").
 * Production code wraps its stores too; with no hook installed the wrapper is a pass-through.
 * @module
 */
import type { HotStore, ObjectStore } from "./object-store.ts";

export type StoreOp = "r2.put" | "r2.get" | "kv.put" | "kv.get" | "d1.write";
export type FaultDecision = { fail: false } | { fail: true; persist: boolean };
export type FaultHook = (op: StoreOp, key: string) => FaultDecision;

/** A mutable slot so tests (via runInDurableObject) can install or clear a hook on a live instance. */
export class FaultSwitch {
  hook: FaultHook | undefined;
  check(op: StoreOp, key: string): FaultDecision {
    return this.hook ? this.hook(op, key) : { fail: false };
  }
}

export class InjectedFault extends Error {
  override name = "InjectedFault";
}

async function guarded<T>(faults: FaultSwitch, op: StoreOp, key: string, run: () => Promise<T>): Promise<T> {
  const d = faults.check(op, key);
  if (!d.fail) return run();
  if (d.persist) await run();
  throw new InjectedFault(`injected ${op} failure for ${key}`);
}

export function faultyObjectStore(inner: ObjectStore, faults: FaultSwitch): ObjectStore {
  return {
    put: (key, body, opts) => guarded(faults, "r2.put", key, () => inner.put(key, body, opts)),
    get: (key) => guarded(faults, "r2.get", key, () => inner.get(key)),
    getWithMetadata: (key) => guarded(faults, "r2.get", key, () => inner.getWithMetadata(key)),
  };
}

export function faultyHotStore(inner: HotStore, faults: FaultSwitch): HotStore {
  return {
    put: (key, body) => guarded(faults, "kv.put", key, () => inner.put(key, body)),
    get: (key) => guarded(faults, "kv.get", key, () => inner.get(key)),
  };
}
