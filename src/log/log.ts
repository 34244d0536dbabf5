/**
 * A log: one shard of the deployment (src/log/deployment.ts), with everything the edge needs to serve it.
 * Its own Sequencer Durable Object (idFromName(name)) is its only writer; its R2 objects and KV partials
 * live under "<name>/"; its keys come from its secrets. A request is routed to its Log once, at the door
 * (src/api/route-log.ts), and every handler then works with that Log.
 *
 * The keys are methods, not fields: they are derived when first used, so a missing secret fails the
 * requests that need it (with a message naming the secret) rather than every request to the deployment.
 * reader() is a fresh LogReader per call (it tracks what one request read); its caches are per isolate.
 * @module
 */
import type { LogConfig, ShardState } from "../config.ts";
import { batcherFor } from "../batcher/route.ts";
import type { LeafAdder, SequencerRpc } from "../sequencer/protocol.ts";
import {
  kvHotStore,
  r2ObjectStore,
  shardHotStore,
  shardObjectStore,
  type HotStore,
  type ObjectStore,
} from "../storage/object-store.ts";
import { d1SearchIndex, type SearchIndex } from "../storage/search-index.ts";
import type { IndexerRpc } from "../vindex/protocol.ts";
import { checkpointKey, signingKeys, v1Key, type CheckpointKey } from "./keys.ts";
import type { V1Key } from "../rekor/v1/signing-key.ts";
import { LogReader } from "./reader.ts";

export interface Log {
  /** The shard name: a URL path segment and the prefix of its objects. */
  readonly name: string;
  readonly state: ShardState;
  readonly config: LogConfig;
  /** The Ed25519 checkpoint key (public half): origin, verifier key, log ID. */
  checkpointKey(): CheckpointKey;
  /** The Rekor v1 ECDSA key and tree ID. */
  v1Key(): Promise<V1Key>;
  /** Checkpoint, tiles and bundles in R2 (tlog-tiles paths, src/tlog/layout.ts). */
  readonly objects: ObjectStore;
  /** Right-edge partial tiles in KV. */
  readonly hot: HotStore;
  /** The deployment's search index in D1 (its rows name their shard). */
  readonly index: SearchIndex;
  /** Reads back checkpoints, entries and proofs, each checked, from the objects. */
  reader(): LogReader;
  /** A fresh stub of the log's Sequencer (an exception poisons a stub: Azul #80). */
  sequencer(): SequencerRpc;
  /** A fresh stub of the log's Indexer (its verifiable index). */
  indexer(): IndexerRpc;
  /** Where a submission of `leaf` goes: one of the shard's BATCHERS (by the leaf's hash), else its Sequencer. */
  adder(leaf: Uint8Array): Promise<LeafAdder>;
}

/** The Log of shard `config.shard` over the Worker's bindings. */
export function shardLog(env: Env, config: LogConfig): Log {
  const name = config.shard;
  const objects = shardObjectStore(r2ObjectStore(env.TILES), name);
  const hot = shardHotStore(kvHotStore(env.HOT), name);
  // Read once: a Log is made per env (src/log/deployment.ts), whose secrets do not change under it.
  let keyOnce: CheckpointKey | undefined;
  const key = () => (keyOnce ??= checkpointKey(signingKeys(env, name).checkpoint));
  return {
    name,
    state: config.state,
    config,
    checkpointKey: key,
    v1Key: () => v1Key(env, name),
    objects,
    hot,
    index: d1SearchIndex(env.INDEX),
    reader: () =>
      new LogReader({ name, key: key(), objects, hot, checkpointMaxAgeSeconds: config.checkpointMaxAgeSeconds }),
    sequencer: () => env.SEQUENCER.get(env.SEQUENCER.idFromName(name)),
    indexer: () => env.INDEXER.get(env.INDEXER.idFromName(name)),
    adder: async (leaf) => (await batcherFor(env, name, leaf)) ?? env.SEQUENCER.get(env.SEQUENCER.idFromName(name)),
  };
}
