/**
 * One batcher's pool (Azul's batcher, adapted): leaves from many edge requests leave together in one
 * `addBatch` call to the shard's sequencer, and each request gets its own leaf's answer back. The
 * batcher adds no promise of its own: an answer is exactly what the sequencer answered for that leaf,
 * given only after the sequencer's commit, upload and publication. If the call fails (the sequencer
 * restarting, the RPC broken), every leaf of the batch is answered "unavailable": nothing was
 * acknowledged, and a retry is safe because the sequencer deduplicates.
 * @module
 */
import type { AddResult } from "../sequencer/protocol.ts";
import type { BatchSettings } from "./settings.ts";

/** The sequencer's batch RPC: one result per leaf, in order. */
export type SendBatch = (leaves: Uint8Array[], indexKeys: string[][]) => Promise<AddResult[]>;

interface Waiting {
  leaf: Uint8Array;
  indexKeys: string[];
  answer: (r: AddResult) => void;
}

const UNAVAILABLE: AddResult = {
  kind: "unavailable",
  retryAfterSeconds: 2,
  reason: "the log could not integrate entries right now",
};

export class LeafBatcher {
  private batch: Waiting[] = [];
  private batchBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Leaves and bytes held: pooled, and sent but not yet answered. */
  private heldLeaves = 0;
  private heldBytes = 0;
  /** Since this instance started: batches sent, and the leaves in them. */
  readonly stats = { batches: 0, leaves: 0 };

  /** `settings` is this instance's own copy (tests tune a live batcher through it). */
  constructor(
    readonly settings: BatchSettings,
    private readonly send: SendBatch,
  ) {}

  /** Leaves waiting for their batch to leave. */
  get pooled(): number {
    return this.batch.length;
  }

  /** Pools a leaf; resolves with the sequencer's answer for it (never rejects). */
  add(leaf: Uint8Array, indexKeys: string[]): Promise<AddResult> {
    const s = this.settings;
    if (this.heldLeaves >= s.maxHeldLeaves || this.heldBytes + leaf.length > s.maxHeldBytes) {
      return Promise.resolve({ kind: "overloaded", retryAfterSeconds: 1 });
    }
    if (this.batch.length > 0 && this.batchBytes + leaf.length > s.maxBytes) this.flush();
    return new Promise<AddResult>((answer) => {
      this.batch.push({ leaf, indexKeys, answer });
      this.batchBytes += leaf.length;
      this.heldLeaves++;
      this.heldBytes += leaf.length;
      if (this.batch.length >= s.maxLeaves) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), s.windowMs);
    });
  }

  /** Sends the pooled leaves now (the window closed, the batch is full, or the next leaf would overfill it). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    if (batch.length > 0) void this.dispatch(batch);
  }

  private async dispatch(batch: Waiting[]): Promise<void> {
    this.stats.batches++;
    this.stats.leaves += batch.length;
    let results: AddResult[] | undefined;
    try {
      results = await this.send(
        batch.map((w) => w.leaf),
        batch.map((w) => w.indexKeys),
      );
      if (!Array.isArray(results) || results.length !== batch.length)
        throw new Error(`the sequencer answered ${results?.length} results for ${batch.length} leaves`);
    } catch (e) {
      console.error("batcher: the sequencer call failed:", e);
      results = undefined;
    }
    batch.forEach((w, i) => {
      this.heldLeaves--;
      this.heldBytes -= w.leaf.length;
      w.answer(results?.[i] ?? UNAVAILABLE);
    });
  }
}
