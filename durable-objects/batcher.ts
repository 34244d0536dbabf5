/**
 * The Batcher Durable Object: BATCHERS of them per shard stand between the edge and the shard's one
 * Sequencer, so the sequencer takes one RPC per batch instead of one per request (the logic:
 * src/batcher/leaf-batcher.ts). It keeps nothing in storage: a batcher that restarts loses only leaves
 * no one was answered for; their submitters get 503 and retry, and the sequencer's dedup makes that safe.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { LeafBatcher } from "../src/batcher/leaf-batcher.ts";
import { batcherShard } from "../src/batcher/route.ts";
import { readBatchSettings } from "../src/batcher/settings.ts";
import type { AddResult } from "../src/sequencer/protocol.ts";

export class Batcher extends DurableObject<Env> {
  readonly batcher: LeafBatcher;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    if (!ctx.id.name) throw new Error("Batcher must be addressed by name (idFromName(batcherName(shard, n)))");
    const shard = batcherShard(ctx.id.name);
    const sequencers = env.SEQUENCER;
    // A fresh sequencer stub per batch: a failed call poisons its stub (Azul #80).
    this.batcher = new LeafBatcher(readBatchSettings(env), (leaves, indexKeys) =>
      sequencers.get(sequencers.idFromName(shard)).addBatch(leaves, indexKeys),
    );
  }

  /** Appends one leaf through this batcher; the answer is the sequencer's for that leaf. */
  add(leaf: Uint8Array, indexKeys: string[]): Promise<AddResult> {
    return this.batcher.add(leaf, indexKeys);
  }
}
