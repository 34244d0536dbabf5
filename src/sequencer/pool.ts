/**
 * The pool of leaves waiting for the next round, keyed by leaf hash (the dedup identity) so that concurrent
 * submissions of the same leaf share one index. It counts its leaves and bytes, and those of the round in
 * progress, so the sequencer can bound the memory they hold.
 * @module
 */
import { toHex } from "../tlog/encoding.ts";
import type { AddResult } from "./protocol.ts";
import type { PendingLeaf } from "./round.ts";

export interface PooledLeaf extends PendingLeaf {
  /** The first waiter gets the "sequenced" answer; later ones are duplicates of it. */
  waiters: Array<(result: AddResult) => void>;
  /** When it arrived (ms since the epoch). */
  arrivedAt: number;
}

/** A round's share of the pool: at most this many leaves and bytes (a round always takes at least one leaf). */
export interface RoundCap {
  leaves: number;
  bytes: number;
}

export class Pool {
  private pending = new Map<string, PooledLeaf>();
  /** Leaves of the round in progress: a duplicate arriving now waits for that round too. */
  private inFlight = new Map<string, PooledLeaf>();
  private pendingBytes = 0;
  private inFlightBytes = 0;

  /** Leaves waiting for a round. */
  get size(): number {
    return this.pending.size;
  }

  /** Leaf bytes held: those waiting and those of the round in progress. */
  get bytes(): number {
    return this.pendingBytes + this.inFlightBytes;
  }

  /** Leaf bytes waiting for a round. */
  get waitingBytes(): number {
    return this.pendingBytes;
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
    for (const leaf of this.pending.values()) return leaf.arrivedAt; // insertion order: the first is the oldest
    return undefined;
  }

  add(leaf: PendingLeaf, waiter: (r: AddResult) => void, now: number): void {
    this.pending.set(toHex(leaf.leafHash), { ...leaf, waiters: [waiter], arrivedAt: now });
    this.pendingBytes += leaf.data.length;
  }

  /**
   * Takes the oldest leaves, up to `cap`, for a round; the rest wait for the next one. Synchronous: nothing
   * can be added to a round being sequenced.
   */
  take(cap: RoundCap = { leaves: Infinity, bytes: Infinity }): PooledLeaf[] {
    const taken: PooledLeaf[] = [];
    let bytes = 0;
    for (const [key, leaf] of this.pending) {
      if (taken.length > 0 && (taken.length >= cap.leaves || bytes + leaf.data.length > cap.bytes)) break;
      taken.push(leaf);
      bytes += leaf.data.length;
      this.pending.delete(key);
    }
    this.inFlight = new Map(taken.map((l) => [toHex(l.leafHash), l]));
    this.pendingBytes -= bytes;
    this.inFlightBytes = bytes;
    return taken;
  }

  /** The round is over (answered or failed). */
  settle(): void {
    this.inFlight = new Map();
    this.inFlightBytes = 0;
  }
}
