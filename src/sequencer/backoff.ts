/**
 * Exponential backoff for a best-effort side task (the search index's outbox drain): after each failure
 * the next attempt waits twice as long, up to a cap; a success resets it. While D1 is down the sequencer
 * then spends one failed call per interval on it, not one per round.
 * @module
 */
export class Backoff {
  private failures = 0;
  private nextAt = 0;

  constructor(
    readonly baseMs: number,
    readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when an attempt may run now. */
  due(): boolean {
    return this.now() >= this.nextAt;
  }

  /** The wait after the latest failure (0 after a success). */
  get delayMs(): number {
    return this.failures === 0 ? 0 : Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.failures - 1, 30));
  }

  failed(): void {
    this.failures++;
    this.nextAt = this.now() + this.delayMs;
  }

  succeeded(): void {
    this.failures = 0;
    this.nextAt = 0;
  }
}
