/**
 * Bench only (never deployed): the Worker of src/index.ts whose Sequencer keeps its R2 and KV writes in
 * memory and drains its index outbox without D1. Under Miniflare, R2, KV and D1 are local simulators
 * running on the same workerd thread as the Durable Object; in a deployment they are remote services
 * the Durable Object only waits for. Bundled in place of src/index.ts by the sequencer phase's storage
 * probe (bench/sequencer.ts), it shows what the sequencer itself costs per entry. Every other step
 * (hashing, dedup, pool, SQLite commit, staging, signing, proofs, outbox rows, write counters) runs as
 * deployed.
 * @module
 */
import { Sequencer } from "../durable-objects/sequencer.ts";
import type { HotStore, ObjectStore } from "../src/storage/object-store.ts";

export * from "../src/index.ts";
export { default } from "../src/index.ts";

function memoryStore(): ObjectStore & HotStore {
  const objects = new Map<string, { body: Uint8Array; metadata: Record<string, string> }>();
  return {
    async put(key: string, body: Uint8Array, opts?: { metadata?: Record<string, string> }) {
      objects.set(key, { body, metadata: opts?.metadata ?? {} });
    },
    async get(key: string) {
      return objects.get(key)?.body ?? null;
    },
    async getWithMetadata(key: string) {
      return objects.get(key) ?? null;
    },
  };
}

// The sequencer's private seams, reached the way test/faults reaches them (no such switch exists in src/).
interface Internals {
  makeDeps(): { objects: ObjectStore; hot: HotStore };
  drainNow(): Promise<void>;
  db: { nextOutbox(): { firstIndex: number } | null; dropOutbox(firstIndex: number): void };
  publishedSize: number;
}
const proto = Sequencer.prototype as unknown as Internals;
// Renamed seams must stop the probe, not let it measure the real stores under its name.
if (typeof proto.makeDeps !== "function" || typeof proto.drainNow !== "function") {
  throw new Error("storage probe: Sequencer.makeDeps / drainNow not found; update bench/storage-probe.worker.ts");
}
const makeDeps = proto.makeDeps;
proto.makeDeps = function (this: Internals) {
  const store = memoryStore();
  return { ...makeDeps.call(this), objects: store, hot: store };
};
proto.drainNow = async function (this: Internals) {
  for (let next = this.db.nextOutbox(); next && next.firstIndex < this.publishedSize; next = this.db.nextOutbox()) this.db.dropOutbox(next.firstIndex);
};
