/**
 * What of the log is public, and what has been answered. A round's waiters are answered once a public
 * checkpoint covers their round; the public `checkpoint` object is written by a CheckpointPublisher at most
 * once per CHECKPOINT_WRITE_GAP_MS, always the newest, so rounds run every tick within R2's one write per
 * second per key while their answers wait at most a gap. A failed checkpoint write fails no round and is
 * retried; an answer that waited PUBLICATION_TIMEOUT_MS (or ten gaps) in vain gets 503.
 * @module
 */
import type { ObjectStore } from "../storage/object-store.ts";
import { utf8Encode } from "../tlog/encoding.ts";
import { awaitingWitnesses } from "../witnessing/collection.ts";
import { CheckpointPublisher, type CheckpointNote } from "./checkpoint-publisher.ts";
import type { LogDatabase } from "./database.ts";
import type { PooledLeaf } from "./pool.ts";
import type { AddResult } from "./protocol.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_PATH as CHECKPOINT_KEY, witnessedCheckpointPath } from "../tlog/layout.ts";
import { parseNote } from "../tlog/note.ts";
import type { WriteStats } from "./publish.ts";
import type { RoundResult } from "./round.ts";

type Answer = (r: AddResult) => void;
/** The 503 answer for `e` (logged by the sequencer). */
type Unavailable = (e: Error) => AddResult;

/** Answers wait at most this long (ms; ten write gaps if longer) for a public checkpoint covering them, then get 503. */
const PUBLICATION_TIMEOUT_MS = 10_000;

export class Publication {
  /** Size of the checkpoint known to be published (it lags the committed one while witnesses have not cosigned). */
  publishedSize = 0;
  /**
   * Size of the newest checkpoint handed to waiters (uploaded, cosigned if a quorum is required): entries
   * below it have an answer even while the public checkpoint, written at most once per gap, lags behind.
   */
  answeredSize = 0;
  /** When the public checkpoint was last written (ms since the epoch). */
  lastPublishAt = 0;
  /** The largest size whose first cosigned checkpoint is known to be kept (witnessedCheckpointPath). */
  private witnessedSize = 0;
  readonly publisher: CheckpointPublisher;
  private waiters: { size: number; done: (ok: boolean) => void }[] = [];
  private readonly objects: ObjectStore;
  private readonly db: LogDatabase;
  private readonly stats: WriteStats;
  private readonly gapMs: number;
  /** Called when the public size grew (index rows wait for their entries to be public). */
  private readonly grew: () => void;

  constructor(objects: ObjectStore, db: LogDatabase, stats: WriteStats, gapMs: number, grew: () => void) {
    this.objects = objects;
    this.db = db;
    this.stats = stats;
    this.gapMs = gapMs;
    this.grew = grew;
    this.publisher = new CheckpointPublisher((c) => this.write(c), gapMs);
  }

  /** Publishes `note`, the checkpoint of `size`, through the publisher; its entries are answered from now on. */
  async publish(size: number, note: string): Promise<void> {
    this.answeredSize = Math.max(this.answeredSize, size);
    await this.publisher.publish({ size, note });
  }

  /**
   * Answers a published round's waiters once a public checkpoint covers it (at most a write gap later), so
   * whoever has an answer can read the entry back: each leaf's first submitter gets its index, inclusion proof
   * and the round's own checkpoint, later copies "duplicate"; none published in time, all get 503.
   */
  answerRound(batch: readonly PooledLeaf[], round: RoundResult, unavailable: Unavailable): void {
    const size = round.state.checkpoint.size;
    this.answeredSize = size;
    const checkpoint = round.published!;
    void this.whenPublished(size).then((ok) => {
      const failed = ok
        ? undefined
        : unavailable(new Error(`no checkpoint covering size ${size} was published in time`));
      batch.forEach((leaf, i) => {
        const [first, ...dups] = leaf.waiters;
        const index = size - batch.length + i;
        first?.(
          failed ?? {
            kind: "sequenced",
            index,
            checkpoint,
            inclusionProof: round.inclusionProofs[i]!,
            integratedTime: round.integratedTime,
          },
        );
        for (const d of dups) d(failed ?? { kind: "duplicate", index });
      });
    });
  }

  /** Answers another submission of the entry at `index`, like its first submitter: once it is publicly readable. */
  answerDuplicate(index: number, answer: Answer, unavailable: Unavailable): void {
    // Integrated, but its checkpoint still awaits the witnesses: readers cannot see it yet.
    if (index >= this.answeredSize) return answer(awaitingWitnesses());
    void this.whenPublished(index + 1).then((ok) =>
      answer(
        ok
          ? { kind: "duplicate", index }
          : unavailable(new Error(`no checkpoint covering index ${index} was published in time`)),
      ),
    );
  }

  /**
   * Resolves true once a public checkpoint of at least `size` has been written, false if none is within
   * the timeout (the object store failing): the caller answers 503, and a retry finds the entry.
   */
  whenPublished(size: number): Promise<boolean> {
    if (this.publishedSize >= size) return Promise.resolve(true);
    return new Promise((done) => {
      const waiter = { size, done: (ok: boolean) => (clearTimeout(timer), done(ok)) };
      const timer = setTimeout(
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          done(false);
        },
        Math.max(PUBLICATION_TIMEOUT_MS, 10 * this.gapMs),
      );
      this.waiters.push(waiter);
    });
  }

  /** The publisher's one write: the public checkpoint object, then the bookkeeping that it is public. */
  private async write(c: CheckpointNote): Promise<void> {
    await this.objects.put(CHECKPOINT_KEY, utf8Encode(c.note), {
      immutable: false,
      contentType: CHECKPOINT_CONTENT_TYPE,
    });
    this.stats.objectPuts++;
    this.db.markPublished(c.size);
    const grew = c.size > this.publishedSize;
    this.publishedSize = Math.max(this.publishedSize, c.size);
    this.lastPublishAt = Date.now();
    const ready = this.waiters.filter((w) => w.size <= this.publishedSize);
    this.waiters = this.waiters.filter((w) => w.size > this.publishedSize);
    for (const w of ready) w.done(true);
    if (grew) this.grew();
    await this.keepWitnessed(c);
  }

  /**
   * Keeps the first cosigned checkpoint of each size write-once, so a verifier can find the earliest one
   * covering an entry (time from witnesses: its cosignature times bound when the entry was logged). At most
   * one put per published size, so within the publisher's write gap. Best effort: a failure loses only this
   * size's record, and the next cosigned size still bounds its entries, later.
   */
  private async keepWitnessed(c: CheckpointNote): Promise<void> {
    if (c.size <= this.witnessedSize || !carriesCosignatures(c.note)) return;
    const path = witnessedCheckpointPath(c.size);
    try {
      // After a restart the same size may be republished with other cosignatures: the first one stays.
      if ((await this.objects.get(path)) === null) {
        await this.objects.put(path, utf8Encode(c.note), { immutable: true, contentType: CHECKPOINT_CONTENT_TYPE });
        this.stats.objectPuts++;
      }
      this.witnessedSize = c.size;
    } catch (e) {
      console.warn(`keeping the cosigned checkpoint of size ${c.size}:`, e);
    }
  }
}

/** Whether a checkpoint note has a signature other than the log's (named by its origin, the note's first line). */
function carriesCosignatures(note: string): boolean {
  const { text, sigs } = parseNote(note);
  const origin = text.slice(0, text.indexOf("\n"));
  return sigs.some((s) => s.name !== origin);
}
