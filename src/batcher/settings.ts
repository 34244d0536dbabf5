/**
 * The batchers' settings, read from Worker vars (deployment-wide):
 *   BATCHERS          batchers per shard in front of its sequencer (default 8; 0: the edge calls the sequencer itself)
 *   BATCH_MS          a batch leaves at most this long after its first leaf arrived (default 50 ms)
 *   BATCH_MAX_LEAVES  ... or as soon as it holds this many leaves (default 256, Tessera's and Azul's batch)
 * A batcher also bounds what it holds (pooled and waiting for the sequencer) by the sequencer's own pool
 * defaults, so a batcher can never hold more than its sequencer would accept.
 * @module
 */
import { DEFAULT_MAX_POOL_BYTES, setting } from "../config.ts";

export const DEFAULT_BATCHERS = 8;
export const DEFAULT_BATCH_MS = 50;
export const DEFAULT_BATCH_MAX_LEAVES = 256;
/** A batch's leaf bytes: far below a Durable Object RPC message's 32 MiB limit. */
export const BATCH_MAX_BYTES = 4 << 20;

export interface BatchSettings {
  /** A batch is sent at most this long (ms) after its first leaf arrived. */
  windowMs: number;
  /** ... or once it holds this many leaves, */
  maxLeaves: number;
  /** ... or before a leaf would take it past this many bytes. */
  maxBytes: number;
  /** Leaves held at once (pooled and in flight); beyond it: "overloaded" at once. */
  maxHeldLeaves: number;
  /** Leaf bytes held at once. */
  maxHeldBytes: number;
}

function int(env: object, name: string, fallback: number, min: number, max: number): number {
  const value = setting(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`config: ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return n;
}

/** BATCHERS: how many batchers each shard has; 0 means none. */
export function batcherCount(env: object): number {
  return int(env, "BATCHERS", DEFAULT_BATCHERS, 0, 64);
}

export function readBatchSettings(env: object): BatchSettings {
  return {
    windowMs: int(env, "BATCH_MS", DEFAULT_BATCH_MS, 0, 1_000),
    maxLeaves: int(env, "BATCH_MAX_LEAVES", DEFAULT_BATCH_MAX_LEAVES, 1, 4_096),
    maxBytes: BATCH_MAX_BYTES,
    maxHeldLeaves: 4_096,
    maxHeldBytes: DEFAULT_MAX_POOL_BYTES,
  };
}
