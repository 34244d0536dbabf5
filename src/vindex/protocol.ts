/**
 * What a shard's Indexer Durable Object answers over RPC (durable-objects/indexer.ts): the edge asks it
 * for its progress, the cron heartbeat wakes it (complete answers are read from its R2 objects, never from it).
 * Indexer status: `indexedSize` is the size of the map checkpoint published in R2.
 * @module
 */

export interface IndexerStatus {
  /** Log entries the published index covers (the size of its map checkpoint in R2). */
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
