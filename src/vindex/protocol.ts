/**
 * What a shard's Indexer Durable Object answers over RPC (durable-objects/indexer.ts): the edge asks it
 * for completeness proofs and its progress, the cron heartbeat wakes it.
 * @module
 */

export interface IndexerStatus {
  /** Log entries the index has taken in (the size its map checkpoint is for). */
  indexedSize: number;
  /** The log size of the last log checkpoint the indexer read. */
  logSize: number;
  /** logSize - indexedSize: entries published in the log but not yet in the index. */
  lag: number;
  /** When the map last moved (ms since the epoch; 0 before the first step). */
  updatedAt: number;
  /** The last error of a step, if the last step failed. */
  error?: string;
}

export interface IndexerRpc {
  /** Arms the indexer's alarm if it is not. */
  wake(): Promise<void>;
  status(): Promise<IndexerStatus>;
}
