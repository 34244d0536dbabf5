/**
 * The sequencer's stores: everything it reaches outside its own SQLite (tiles, bundles and the checkpoint
 * in R2, partial-tile copies in KV, the D1 search index, the witnesses). The Durable Object takes a
 * StoresFactory: deployed, `sequencerStores` over the Worker's bindings; the workerd tests wrap the
 * platform's stores with fault injection (test/setup/worker.ts) and the bench keeps writes in memory
 * (bench/storage-probe.worker.ts). Nothing of either is in the deployed chain.
 * @module
 */
import type { LogConfig } from "../config.ts";
import { deadlineHotStore, deadlineObjectStore, deadlineSearchIndex } from "../storage/deadline.ts";
import {
  kvHotStore,
  r2ObjectStore,
  shardHotStore,
  shardObjectStore,
  type HotStore,
  type ObjectStore,
} from "../storage/object-store.ts";
import { d1SearchIndex, type SearchIndex } from "../storage/search-index.ts";
import { witnessCall } from "../witnessing/client.ts";
import type { WitnessCall } from "../witnessing/cosign.ts";
import type { RoundStep } from "./publish.ts";

/**
 * KV copies of partial tiles are best effort (readers fall back to R2), but a round waits for them: a hung
 * KV gets this much of it (ms), or STORAGE_DEADLINE_MS if that is shorter.
 */
const HOT_COPY_DEADLINE_MS = 2_000;

export interface SequencerStores {
  /** Tiles, bundles and the checkpoint. */
  objects: ObjectStore;
  /** Copies of the right edge's partial tiles. */
  hot: HotStore;
  /** Where the index outbox drains to. */
  index: SearchIndex;
  /** One request to one witness. */
  witnessCall: WitnessCall;
  /** Pause points between the steps of a round: tests only, absent when deployed. */
  onStep?: (step: RoundStep) => Promise<void> | undefined;
}

/** What a factory builds one shard's stores from. */
export interface StoreContext {
  env: Env;
  /** The Worker's vars and bindings by name (a witness Durable Object is found by its binding's name). */
  vars: Record<string, unknown>;
  shard: string;
  /** The shard's live configuration: deadlines are read at each call. */
  config: LogConfig;
}

export type StoresFactory = (c: StoreContext) => SequencerStores;

/** The platform's stores as bound in the Worker: whole bucket and namespace, no deadlines. */
export function platformStores(c: StoreContext): SequencerStores {
  return {
    objects: r2ObjectStore(c.env.TILES),
    hot: kvHotStore(c.env.HOT),
    index: d1SearchIndex(c.env.INDEX),
    witnessCall: witnessCall(c.vars, c.config.witnesses.timeoutMs),
  };
}

/**
 * One shard's stores over `platform` (by default the Worker's bindings): its objects under "<shard>/",
 * every storage call bounded by STORAGE_DEADLINE_MS (src/storage/deadline.ts).
 */
export function sequencerStores(c: StoreContext, platform: SequencerStores = platformStores(c)): SequencerStores {
  const deadline = () => c.config.storageDeadlineMs;
  return {
    objects: deadlineObjectStore(shardObjectStore(platform.objects, c.shard), deadline),
    hot: deadlineHotStore(shardHotStore(platform.hot, c.shard), () =>
      Math.min(c.config.storageDeadlineMs, HOT_COPY_DEADLINE_MS),
    ),
    index: deadlineSearchIndex(platform.index, deadline),
    witnessCall: platform.witnessCall,
    onStep: platform.onStep,
  };
}
