/**
 * What the Sequencer Durable Object answers over RPC. Results are values, not exceptions: a thrown
 * error would poison the caller's stub (Azul #80), and every outcome here is something the edge
 * must turn into a precise HTTP status.
 * @module
 */
import type { WriteStats } from "./publish.ts";

export type AddResult =
  /** Appended: the leaf's index, the exact signed checkpoint it was integrated under, and the audit path to it. */
  | { kind: "sequenced"; index: number; checkpoint: string; inclusionProof: Uint8Array[]; integratedTime: number }
  /** The same leaf bytes were appended before (or are being appended by a concurrent request). */
  | { kind: "duplicate"; index: number }
  /** Backpressure: the pool is full. Never a 500: the edge answers 503 + Retry-After. */
  | { kind: "overloaded"; retryAfterSeconds: number }
  /** The round failed or the log could not load; nothing was acknowledged. Retry later. */
  | { kind: "unavailable"; retryAfterSeconds: number; reason: string }
  /** The leaf itself is unacceptable (too large, empty). */
  | { kind: "rejected"; reason: string };

/** Whether a leaf is logged already: its index, "absent", or "unavailable" (retry) as for AddResult. */
export type FindResult = Extract<AddResult, { kind: "duplicate" } | { kind: "unavailable" }> | { kind: "absent" };

/** The sequencer's view of the log for tests and operations (never on the read path). */
export interface SequencerStatus {
  size: number;
  publishedSize: number;
  pooled: number;
  checkpoint: string;
  rows: Record<string, number>;
  /**
   * Since this instance started: rounds, entries, object-store and KV puts, calls that brought leaves, and
   * the D1 rows its index outbox read and wrote.
   */
  writes: WriteStats;
  /** Since this instance started: SQLite rows its statements read and wrote (Durable Object storage bills both). */
  sqlRows: { read: number; written: number };
}

/** The Sequencer's RPC methods the edge and the cron heartbeat call (durable-objects/sequencer.ts implements them). */
/** What takes a submission: the shard's Sequencer, or one of its Batchers in front of it. */
export interface LeafAdder {
  /** Appends a leaf with the search keys the edge computed for it. */
  add(leaf: Uint8Array, indexKeys?: string[]): Promise<AddResult>;
}

export interface SequencerRpc {
  /** Appends a leaf with the search keys the edge computed for it. */
  add(leaf: Uint8Array, indexKeys?: string[]): Promise<AddResult>;
  find(leaf: Uint8Array): Promise<FindResult>;
  /** Loads the log (creating it on first use) and keeps its republish alarm armed. */
  heartbeat(): Promise<void>;
  status(): Promise<SequencerStatus>;
}
