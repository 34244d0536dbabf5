/**
 * Drains the index outbox into the search index (D1) after replying: the index is never on the write path.
 * A failure keeps the rows for a later attempt; nothing is lost and appends are not affected. While D1
 * fails, attempts back off exponentially (rounds and the alarm skip the drain until it is due); a forced
 * drain (status(): tests and operators) tries at once. One outbox row (at most ~2 MB) is in memory at a time.
 * @module
 */
import type { SearchIndex } from "../storage/search-index.ts";
import { Backoff } from "./backoff.ts";
import type { LogDatabase } from "./database.ts";
import type { WriteStats } from "./publish.ts";

/** While D1 fails, the drain backs off from this (ms), doubling up to INDEX_RETRY_MAX_MS. */
const INDEX_RETRY_BASE_MS = 1_000;
const INDEX_RETRY_MAX_MS = 300_000;

export class IndexOutbox {
  /** The drain's backoff while D1 fails (a test swaps it through runInDurableObject). */
  retry = new Backoff(INDEX_RETRY_BASE_MS, INDEX_RETRY_MAX_MS);
  private draining: Promise<void> | undefined;
  private readonly db: LogDatabase;
  private readonly index: SearchIndex;
  private readonly shard: string;
  /** Rows of entries at or above the public size wait: the index never leads the log. */
  private readonly publishedSize: () => number;
  private readonly stats: WriteStats;

  constructor(db: LogDatabase, index: SearchIndex, shard: string, publishedSize: () => number, stats: WriteStats) {
    this.db = db;
    this.index = index;
    this.shard = shard;
    this.publishedSize = publishedSize;
    this.stats = stats;
  }

  drain(force = false): Promise<void> {
    if (!force && !this.retry.due()) return Promise.resolve();
    // A caller that finds a drain running waits for it: that drain reads the outbox until it is empty.
    this.draining ??= this.drainNow().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainNow(): Promise<void> {
    try {
      for (
        let next = this.db.nextOutbox();
        next && next.firstIndex < this.publishedSize();
        next = this.db.nextOutbox()
      ) {
        const billed = await this.index.insertEntries(this.shard, next.rows);
        this.stats.indexRowsRead += billed.read;
        this.stats.indexRowsWritten += billed.written;
        this.db.dropOutbox(next.firstIndex);
      }
      this.retry.succeeded();
    } catch (e) {
      this.retry.failed();
      console.warn(`index outbox: D1 write failed, rows kept; next attempt in ${this.retry.delayMs} ms:`, e);
    }
  }
}
