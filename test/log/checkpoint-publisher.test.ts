// The public checkpoint's writer against a store that refuses a second write of its key within a second (as R2
// does, 429), on a controllable clock: rounds offer a checkpoint every tick, the store never refuses, the newest
// always gets out, and a refused or failed write is retried without failing anyone.
import { describe, expect, it } from "vitest";
import {
  CheckpointPublisher,
  type CheckpointNote,
  type PublisherClock,
} from "../../src/sequencer/checkpoint-publisher.ts";

/** A clock that moves only when the test says so; sleepers wake in order. */
class ManualClock implements PublisherClock {
  private t = 0;
  private sleepers: { at: number; wake: () => void }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ at: this.t + ms, wake }));
  }
  /** Moves time forward by `ms`, waking every sleeper due and letting the code it resumes run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = this.sleepers.filter((s) => s.at <= end).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.t = Math.max(this.t, next.at);
      this.sleepers.splice(this.sleepers.indexOf(next), 1);
      next.wake();
    }
    this.t = end;
    await settle();
  }
}

/** Lets pending promise chains run (the fake store answers without I/O). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** R2's rule for one key: a write within `windowMs` of the last stored one is refused with 429. */
class RateLimitedStore {
  readonly stored: { at: number; size: number }[] = [];
  refused = 0;
  constructor(
    private readonly clock: PublisherClock,
    private readonly windowMs = 1_000,
  ) {}
  write = async (c: CheckpointNote): Promise<void> => {
    const last = this.stored.at(-1);
    if (last !== undefined && this.clock.now() - last.at < this.windowMs) {
      this.refused++;
      throw new Error("429 Too Many Requests: one write per second to the same key");
    }
    this.stored.push({ at: this.clock.now(), size: c.size });
  };
}

const note = (size: number): CheckpointNote => ({ size, note: `checkpoint ${size}` });

describe("CheckpointPublisher", () => {
  it("a round every 250 ms for 10 s: never refused, writes at least a second apart, each the newest, the last one too", async () => {
    const clock = new ManualClock();
    const store = new RateLimitedStore(clock);
    let offered = 0;
    const newestAtWrite: boolean[] = [];
    const publisher = new CheckpointPublisher(
      (c) => (newestAtWrite.push(c.size === offered), store.write(c)),
      1_000,
      clock,
    );
    for (let size = 1; size <= 40; size++) {
      offered = size;
      void publisher.publish(note(size));
      await clock.advance(250);
    }
    await clock.advance(2_000);
    await publisher.settled();
    expect(store.refused).toBe(0);
    expect(store.stored.length).toBeGreaterThanOrEqual(9);
    expect(store.stored.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < store.stored.length; i++) {
      expect(store.stored[i]!.at - store.stored[i - 1]!.at).toBeGreaterThanOrEqual(1_000);
      expect(store.stored[i]!.size).toBeGreaterThan(store.stored[i - 1]!.size);
    }
    expect(newestAtWrite.every(Boolean)).toBe(true);
    expect(store.stored.at(-1)!.size).toBe(40); // the trailing write
  });

  it("writes at once when the store is free, and the offer resolves once it is stored", async () => {
    const clock = new ManualClock();
    const store = new RateLimitedStore(clock);
    const publisher = new CheckpointPublisher(store.write, 1_000, clock);
    await publisher.publish(note(1));
    expect(store.stored).toEqual([{ at: 0, size: 1 }]);
    // Within the gap: queued, resolved at once, written when the gap has passed.
    await publisher.publish(note(2));
    expect(store.stored).toHaveLength(1);
    await clock.advance(999);
    expect(store.stored).toHaveLength(1);
    await clock.advance(1);
    expect(store.stored).toEqual([
      { at: 0, size: 1 },
      { at: 1_000, size: 2 },
    ]);
    // Idle long enough: at once again.
    await clock.advance(5_000);
    await publisher.publish(note(3));
    expect(store.stored.at(-1)).toEqual({ at: 6_000, size: 3 });
  });

  it("never goes back: an older offer is ignored, the same size replaces (cosignatures added)", async () => {
    const clock = new ManualClock();
    const written: CheckpointNote[] = [];
    const publisher = new CheckpointPublisher(async (c) => void written.push(c), 1_000, clock);
    await publisher.publish(note(5));
    await publisher.publish(note(4));
    await publisher.publish({ size: 5, note: "checkpoint 5 with a cosignature" });
    await clock.advance(1_000);
    await publisher.settled();
    expect(written).toEqual([note(5), { size: 5, note: "checkpoint 5 with a cosignature" }]);
  });

  it("a refused or failed write is retried a gap later, with the newest note by then", async () => {
    const clock = new ManualClock();
    const store = new RateLimitedStore(clock);
    let failures = 2;
    const flaky = async (c: CheckpointNote) => {
      if (failures-- > 0) throw new Error("503 from the object store");
      await store.write(c);
    };
    const publisher = new CheckpointPublisher(flaky, 1_000, clock);
    await publisher.publish(note(1)); // fails: resolves all the same, the note stays queued
    expect(store.stored).toHaveLength(0);
    await clock.advance(500);
    await publisher.publish(note(2)); // replaces the queued one
    await clock.advance(500); // the retry, fails again
    expect(store.stored).toHaveLength(0);
    await clock.advance(1_000);
    expect(store.stored).toEqual([{ at: 2_000, size: 2 }]);
    await publisher.settled();
  });

  it("with no gap configured, every offer is written at once; a failure still waits before its retry", async () => {
    const clock = new ManualClock();
    let fail = true;
    const written: number[] = [];
    const publisher = new CheckpointPublisher(
      async (c) => {
        if (fail) throw new Error("down");
        written.push(c.size);
      },
      0,
      clock,
    );
    await publisher.publish(note(1));
    fail = false;
    await settle();
    expect(written).toEqual([]); // not retried in a tight loop
    await clock.advance(250);
    expect(written).toEqual([1]);
    await publisher.publish(note(2));
    await publisher.publish(note(3));
    expect(written).toEqual([1, 2, 3]);
  });
});
