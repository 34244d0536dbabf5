/**
 * Writes the public `checkpoint` object within the object store's limit on one key: R2 (like KV) takes about one
 * write per second to the same key and answers 429 beyond it, while rounds run every tick (250 ms by default).
 * Rounds never wait on this limit: each answers its waiters with its own signed checkpoint (durable in SQLite, its
 * tiles and bundles uploaded under keys no other round writes), and offers the note here.
 *
 * - At most one write at a time, and the next starts at least `gapMs` after the previous one ended.
 * - Always the newest: an offer replaces any note still waiting, an offer older than one already made is ignored
 *   (the checkpoint never goes back), and a trailing write sends the newest note once the gap has passed.
 * - An offer that finds the store free (no write in flight, the gap passed) is written at once and its caller may
 *   await that write: when the log is not busy, the public checkpoint is current when a submitter is answered.
 * - A failed write (a 429, an outage) fails no round: the note stays queued, unless a newer one came, and is
 *   tried again a gap later.
 * @module
 */

export interface CheckpointNote {
  size: number;
  note: string;
}

/** The publisher's time: Date.now and setTimeout in the sequencer, a controllable clock in tests. */
export interface PublisherClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: PublisherClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** R2's documented limit: one write per second to the same key. */
export const DEFAULT_CHECKPOINT_WRITE_GAP_MS = 1_000;
/** A failed write is tried again after the gap, and never sooner than this (ms), even with no gap configured. */
const MIN_RETRY_MS = 250;

export class CheckpointPublisher {
  /** The newest note offered and not yet written. */
  private waiting: CheckpointNote | undefined;
  /** Size of the newest note ever offered: older offers are ignored. */
  private newestSize = -1;
  /** A write is in flight, or a trailing write is scheduled. */
  private busy = false;
  /** No write starts before this time (ms): the previous write's end plus the gap. */
  private notBefore = Number.NEGATIVE_INFINITY;
  private trailing: Promise<void> = Promise.resolve();

  /** Stores the note under the public key; throws if it was not stored. */
  private readonly write: (checkpoint: CheckpointNote) => Promise<void>;
  private readonly gapMs: number;
  private readonly clock: PublisherClock;

  // Plain fields, no parameter properties: scripts/ run this module under Node's type stripping.
  constructor(
    write: (checkpoint: CheckpointNote) => Promise<void>,
    gapMs = DEFAULT_CHECKPOINT_WRITE_GAP_MS,
    clock: PublisherClock = realClock,
  ) {
    this.write = write;
    this.gapMs = gapMs;
    this.clock = clock;
  }

  /**
   * Offers a signed checkpoint for publication. Resolves when it has been written (or the write failed and
   * will be retried) if the store was free; otherwise at once, the note queued for a trailing write.
   */
  publish(checkpoint: CheckpointNote): Promise<void> {
    if (checkpoint.size < this.newestSize) return Promise.resolve();
    this.newestSize = checkpoint.size;
    this.waiting = checkpoint;
    if (this.busy) return Promise.resolve(); // the write in flight or the trailing one takes the newest
    this.busy = true;
    if (this.clock.now() < this.notBefore) {
      this.trailing = this.drain();
      return Promise.resolve();
    }
    const now = this.writeWaiting();
    this.trailing = now.then(() => this.drain());
    return now;
  }

  /** Resolves once no note is waiting and no write is in flight (a store that keeps failing keeps it pending). */
  async settled(): Promise<void> {
    while (this.busy) await this.trailing;
  }

  /** Writes whatever waits, a gap after each write, until nothing does. */
  private async drain(): Promise<void> {
    try {
      while (this.waiting !== undefined) {
        const wait = this.notBefore - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        await this.writeWaiting();
      }
    } finally {
      this.busy = false;
    }
  }

  private async writeWaiting(): Promise<void> {
    const checkpoint = this.waiting!;
    this.waiting = undefined;
    let gap = this.gapMs;
    try {
      await this.write(checkpoint);
    } catch (e) {
      gap = Math.max(gap, MIN_RETRY_MS);
      console.warn(`checkpoint write (size ${checkpoint.size}) failed, retrying in ${gap} ms: ${e}`);
      this.waiting ??= checkpoint;
    } finally {
      this.notBefore = this.clock.now() + gap;
    }
  }
}
