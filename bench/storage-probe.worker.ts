/**
 * Bench only (never deployed): the Worker of index.ts whose Sequencer keeps its R2 and KV writes in
 * memory and drains its index outbox without D1. Under Miniflare, R2, KV and D1 are local simulators
 * running on the same workerd thread as the Durable Object; in a deployment they are remote services
 * the Durable Object only waits for. Bundled in place of index.ts by the sequencer phase's storage
 * probe (bench/sequencer.ts), it shows what the sequencer itself costs per entry. Every other step
 * (hashing, dedup, pool, SQLite commit, staging, signing, proofs, outbox rows, write counters) runs as
 * deployed.
 * @module
 */
import { Sequencer as DeployedSequencer } from "../durable-objects/sequencer.ts";
import { sequencerStores } from "../src/sequencer/stores.ts";
import type { HotStore, ObjectStore } from "../src/storage/object-store.ts";

export * from "../index.ts";
export { default } from "../index.ts";

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

/** The deployed Sequencer with R2 and KV in memory and an index outbox that drains into nothing. */
export class Sequencer extends DeployedSequencer {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, (c) => {
      const deployed = sequencerStores(c);
      const store = memoryStore();
      return {
        ...deployed,
        objects: store,
        hot: store,
        index: { ...deployed.index, insertEntries: async () => ({ read: 0, written: 0 }) },
      };
    });
  }
}
