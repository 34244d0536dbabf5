/**
 * The pool of leaves waiting for the next round, keyed by leaf hash (the dedup identity) so that concurrent
 * submissions of the same leaf share one index.
 * @module
 */
import { toHex } from "../tlog/encoding.ts";
import type { AddResult } from "./protocol.ts";
import type { PendingLeaf } from "./round.ts";

export interface PooledLeaf extends PendingLeaf {
  /** The first waiter gets the "sequenced" answer; later ones are duplicates of it. */
  waiters: Array<(result: AddResult) => void>;
}

export class Pool {
  private pending = new Map<string, PooledLeaf>();
  /** Leaves of the round in progress: a duplicate arriving now waits for that round too. */
  private inFlight = new Map<string, PooledLeaf>();
  /** When the oldest pooled leaf arrived (ms since the epoch); meaningless while the pool is empty. */
  private oldest = 0;

  get size(): number {
    return this.pending.size;
  }

  /** Joins an existing pooled or in-flight copy of the leaf; false if there is none. */
  join(leafHash: Uint8Array, waiter: (r: AddResult) => void): boolean {
    const key = toHex(leafHash);
    const existing = this.pending.get(key) ?? this.inFlight.get(key);
    if (!existing) return false;
    existing.waiters.push(waiter);
    return true;
  }

  /** Arrival time of the oldest pooled leaf (ms since the epoch), or undefined if the pool is empty. */
  get oldestArrival(): number | undefined {
    return this.pending.size > 0 ? this.oldest : undefined;
  }

  add(leaf: PendingLeaf, waiter: (r: AddResult) => void, now: number): void {
    if (this.pending.size === 0) this.oldest = now;
    this.pending.set(toHex(leaf.leafHash), { ...leaf, waiters: [waiter] });
  }

  /** Swaps the pool out for a round. Synchronous: nothing can be added to a pool being sequenced. */
  take(): PooledLeaf[] {
    this.inFlight = this.pending;
    this.pending = new Map();
    return [...this.inFlight.values()];
  }

  /** The round is over (answered or failed). */
  settle(): void {
    this.inFlight = new Map();
  }
}
