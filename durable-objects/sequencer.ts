/**
 * The Sequencer Durable Object: one per log shard, the only writer of its log. A thin shell (Azul
 * sequencer_do.rs): RPC `add`/`addBatch` pool leaves and `find` answers known ones; a timer runs one round
 * (src/sequencer/round.ts) TICK_MS after the oldest pooled leaf arrived, sooner for a full pool (see
 * schedule()); `alarm` republishes the checkpoint when idle and retries recovery.
 *
 * Invariants:
 * - Nothing is acknowledged before the round's SQLite commit, its uploads and a public checkpoint that
 *   covers it (src/sequencer/publication.ts); each waiter gets the round's own signed checkpoint.
 * - In-memory state changes only after the commit; after any failure it is dropped and reloaded from
 *   SQLite (src/sequencer/recovery.ts), which re-uploads staged objects before anything else happens.
 * - Rounds never overlap; the pool is swapped synchronously, so no leaf joins a round in progress.
 * - Witnesses (WITNESSES, WITNESS_QUORUM; src/witnessing/cosigner.ts): with a quorum k > 0 a round's
 *   checkpoint is published, and its waiters answered, only once k witnesses cosigned it; otherwise the
 *   round stays committed and uploaded, its waiters get 503 (a retry finds the entry's index once a
 *   later checkpoint is published) and the alarm asks again. With k = 0 cosignatures are collected
 *   after publishing and the same checkpoint is republished with them. Checkpoint writes never go
 *   back to an older size (the publisher ignores older offers).
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { writeRefusal, type LogConfig } from "../src/config.ts";
import { readConfig } from "../src/log/shards.ts";
import { indexKeysOf } from "../src/search/index-keys.ts";
import { LogDatabase } from "../src/sequencer/database.ts";
import { nativeLeafHash } from "../src/sequencer/native-leaf-hash.ts";
import { sequencerParts, type SequencerParts } from "../src/sequencer/parts.ts";
import { Pool } from "../src/sequencer/pool.ts";
import type { AddResult, FindResult, SequencerStatus } from "../src/sequencer/protocol.ts";
import { newWriteStats } from "../src/sequencer/publish.ts";
import { recoverLog } from "../src/sequencer/recovery.ts";
import { sequenceRound, type LogState } from "../src/sequencer/round.ts";
import { sequencerStores, type StoresFactory } from "../src/sequencer/stores.ts";
import { awaitingWitnesses, WITNESS_RETRY_MS } from "../src/witnessing/collection.ts";

/** After a failed round or load, try recovery again this soon even if no one submits (ms). */
const RECOVERY_RETRY_MS = 2_000;

type Unavailable = Extract<AddResult, { kind: "unavailable" }>;

export class Sequencer extends DurableObject<Env> {
  /** The shard name this object was addressed by (idFromName); its objects live under "<shard>/". */
  private readonly shard: string;
  private readonly vars: Record<string, unknown>;
  private readonly config: LogConfig;
  private readonly db: LogDatabase;
  private readonly stores: StoresFactory;
  private readonly pool = new Pool();
  private readonly stats = newWriteStats();
  private built: SequencerParts | undefined;
  private state: LogState | undefined;
  private loading: Promise<LogState> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending timer fires (ms since the epoch). */
  private timerDue = 0;
  /** When the last round started (ms since the epoch): rounds start at most once per tick. */
  private lastRoundStartAt = 0;
  private running = false;

  /** `stores`: builds the shard's storage (the tests' Sequencer injects faults there, the bench memory stores). */
  constructor(ctx: DurableObjectState, env: Env, stores: StoresFactory = sequencerStores) {
    super(ctx, env);
    if (!ctx.id.name) throw new Error("Sequencer must be addressed by name (idFromName(shard))");
    this.shard = ctx.id.name;
    this.vars = { ...env };
    this.config = readConfig(this.vars, this.shard); // this shard's settings
    this.db = new LogDatabase(ctx.storage);
    this.stores = stores;
  }

  /** Built at first use, from the shard's configuration as it is then. */
  protected parts(): SequencerParts {
    const { env, vars, shard, config, db, stats } = this;
    return (this.built ??= sequencerParts(
      { env, vars, shard, config, db, stats, stores: this.stores, storage: this.ctx.storage },
      {
        current: () => this.state,
        pooled: () => this.pool.size,
        exclusive: (f) => this.exclusive(f),
        publish: (size, note) => this.parts().publication.publish(size, note),
        retrySoon: () => this.retryWitnessesSoon(),
        waitUntil: (work) => this.ctx.waitUntil(work),
        tickMs: () => config.tickMs,
      },
    ));
  }

  /**
   * Appends one leaf (canonical entry bytes); resolves once it is integrated and published, or refused.
   * `indexKeys`: the leaf's search keys, which the edge computes where it parsed the entry (docs/DESIGN.md
   * "Search index"); absent, the sequencer computes them itself.
   */
  async add(leaf: Uint8Array, indexKeys?: string[]): Promise<AddResult> {
    const [result] = await this.addBatch([leaf], indexKeys === undefined ? undefined : [indexKeys]);
    return result!;
  }

  /**
   * Appends leaves (one request's worth, or a batch the way edge batching would send them). Each
   * result resolves once its leaf is integrated and published, or refused.
   */
  async addBatch(leaves: Uint8Array[], indexKeys?: string[][]): Promise<AddResult[]> {
    this.stats.calls++;
    const refused = writeRefusal(this.config); // a frozen (or pending) shard takes no writes
    if (refused !== null) return leaves.map(() => ({ kind: "rejected", reason: refused }));
    const max = this.config.maxLeafBytes;
    const rejected = leaves.map((leaf): AddResult | undefined =>
      leaf.length === 0
        ? { kind: "rejected", reason: "empty leaf" }
        : leaf.length > max
          ? { kind: "rejected", reason: `leaf exceeds ${max} bytes` }
          : undefined,
    );
    const todo = leaves.map((leaf, i) => ({ leaf, i })).filter(({ i }) => rejected[i] === undefined);
    const hashes = await Promise.all(todo.map(({ leaf }) => nativeLeafHash(leaf)));
    const failed = (await this.loadFailure()) ?? this.roundFailedSinceLoad();
    if (failed) return rejected.map((r) => r ?? failed);
    // No await from here to the pool inserts: the DO is single-threaded, so a concurrent duplicate
    // either sees these leaves in the pool or comes after them.
    const existing = this.db.findDuplicates(hashes);
    const answers = todo.map(
      ({ leaf, i }, k) =>
        new Promise<AddResult>((resolve) => {
          const leafHash = hashes[k]!;
          if (this.answerKnownLeaf(leafHash, existing[k]!, resolve)) return;
          if (this.pool.size >= this.config.maxPoolLeaves || this.pool.bytes + leaf.length > this.config.maxPoolBytes) {
            return resolve({
              kind: "overloaded",
              retryAfterSeconds: Math.max(1, Math.ceil(this.config.tickMs / 1000)),
            });
          }
          this.pool.add({ data: leaf, leafHash, indexKeys: indexKeys?.[i] ?? indexKeysOf(leaf) }, resolve, Date.now());
        }),
    );
    if (this.pool.size > 0) this.schedule();
    let next = 0;
    return Promise.all(rejected.map((r) => r ?? answers[next++]!));
  }

  /**
   * The cron heartbeat (every minute): loads the log (creating it on first deploy, re-publishing anything
   * staged) and keeps the alarm armed, which republishes and drains the index outbox. Constant work: no
   * scan of a table that grows with the log (status() counts rows: it is for tests and operators).
   */
  async heartbeat(): Promise<void> {
    try {
      await this.ensureLoaded();
      if ((await this.ctx.storage.getAlarm()) === null)
        await this.ctx.storage.setAlarm(Date.now() + this.config.republishMs);
    } catch (e) {
      console.error("sequencer heartbeat:", e); // the alarm retries recovery; an RPC must not throw (Azul #80)
      await this.ctx.storage.setAlarm(Date.now() + RECOVERY_RETRY_MS);
    }
  }

  /**
   * Whether a leaf is logged already, without adding it: a submission the edge would refuse as new (its
   * certificate has expired since) is still answered as the duplicate it is. A copy being sequenced is waited for.
   */
  async find(leaf: Uint8Array): Promise<FindResult> {
    const leafHash = await nativeLeafHash(leaf);
    const failed = (await this.loadFailure()) ?? this.roundFailedSinceLoad();
    if (failed) return failed;
    const [existing] = this.db.findDuplicates([leafHash]);
    return new Promise<FindResult>((resolve) => {
      // A joined waiter is never the first, so it is answered "duplicate" (or "unavailable"), never "sequenced".
      if (!this.answerKnownLeaf(leafHash, existing!, resolve as (r: AddResult) => void)) resolve({ kind: "absent" });
    });
  }

  /** Answers a leaf already pooled, in flight or integrated (at `existing`); false when it is new. */
  private answerKnownLeaf(leafHash: Uint8Array, existing: number | null, resolve: (r: AddResult) => void): boolean {
    if (this.pool.join(leafHash, resolve)) return true;
    if (existing === null) return false;
    this.parts().publication.answerDuplicate(existing, resolve, (e) => this.unavailable(e));
    return true;
  }

  async status(): Promise<SequencerStatus> {
    const s = await this.ensureLoaded();
    await this.parts().outbox.drain(true);
    this.db.flush();
    const loaded = this.db.load();
    return {
      size: s.checkpoint.size,
      publishedSize: loaded?.publishedSize ?? 0,
      pooled: this.pool.size,
      checkpoint: s.checkpoint.note,
      rows: this.db.counts(),
      writes: { ...this.stats },
      sqlRows: { ...this.db.sqlRows },
    };
  }

  /**
   * Sets the round timer: a round starts TICK_MS after the oldest pooled leaf arrived, so no leaf waits
   * longer than a tick plus the round in progress; leaves that arrived during a long round have waited
   * already, and their round follows at once. A pool of ROUND_TRIGGER_LEAVES (or of MAX_ROUND_BYTES) does not wait for its
   * oldest leaf's tick, only for a tick after the previous round started: under load rounds run back to
   * back instead of idling, and never more than one per tick. Rounds do not each write the checkpoint
   * object: the publisher writes it at most once per CHECKPOINT_WRITE_GAP_MS (docs/DESIGN.md "Limits worth knowing").
   */
  private schedule(): void {
    const oldest = this.pool.oldestArrival;
    if (this.running || oldest === undefined) return;
    const early =
      this.pool.size >= this.config.roundTriggerLeaves || this.pool.waitingBytes >= this.config.maxRoundBytes;
    const due = (early ? Math.min(oldest, this.lastRoundStartAt) : oldest) + this.config.tickMs;
    if (this.timer !== undefined) {
      if (due >= this.timerDue) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.runRound();
      },
      Math.max(0, due - Date.now()),
    );
  }

  private async runRound(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let batch: ReturnType<Pool["take"]> = [];
    try {
      const state = await this.ensureLoaded();
      batch = this.pool.take({ leaves: this.config.maxRoundLeaves, bytes: this.config.maxRoundBytes });
      if (batch.length === 0) return;
      this.lastRoundStartAt = Date.now();
      const result = await sequenceRound(state, batch, this.parts().deps);
      this.state = result.state;
      this.stats.rounds++;
      this.stats.entries += batch.length;
      if (result.published === null) {
        // Durable and uploaded, not published: the witnesses' quorum did not cosign it (yet).
        for (const leaf of batch) for (const w of leaf.waiters) w(awaitingWitnesses());
        await this.retryWitnessesSoon();
        return;
      }
      const { publication, outbox, witnessing } = this.parts();
      publication.answerRound(batch, result, (e) => this.unavailable(e)); // the next round does not wait
      void outbox.drain(); // the index is never on the write path
      witnessing.collectInBackground();
    } catch (e) {
      // Fatal for this instance's memory: drop it, reload (and re-upload) before anything else.
      this.state = undefined;
      const failed = this.unavailable(e);
      for (const leaf of batch) for (const w of leaf.waiters) w(failed);
      if (batch.length === 0) for (const leaf of this.pool.take()) for (const w of leaf.waiters) w(failed);
      await this.ctx.storage.setAlarm(Date.now() + RECOVERY_RETRY_MS);
    } finally {
      this.pool.settle();
      this.running = false;
      if (this.pool.size > 0) this.schedule();
    }
  }

  /** Brings the alarm forward so the witnesses are asked again soon. */
  private async retryWitnessesSoon(): Promise<void> {
    const at = Date.now() + WITNESS_RETRY_MS;
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > at) await this.ctx.storage.setAlarm(at);
  }

  /**
   * Runs `f` as the only writer of the checkpoint (like a round); skipped if a round is running. A
   * republish must never overwrite a newer checkpoint that a round published while it was awaiting.
   */
  private async exclusive(f: () => Promise<void>): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await f();
    } finally {
      this.running = false;
      if (this.pool.size > 0) this.schedule();
    }
  }

  private unavailable(e: unknown): Unavailable {
    console.error("sequencer:", e);
    return {
      kind: "unavailable",
      retryAfterSeconds: Math.max(1, Math.ceil(RECOVERY_RETRY_MS / 1000)),
      reason: "the log could not integrate entries right now",
    };
  }

  /** Loads the log if needed; the answer "unavailable" if it cannot. */
  private async loadFailure(): Promise<Unavailable | undefined> {
    try {
      await this.ensureLoaded();
    } catch (e) {
      return this.unavailable(e);
    }
  }

  /**
   * A round that failed since the load (state dropped) may have committed leaves it has not published: a
   * dedup hit on one of those is no acknowledgement, so the answer is "unavailable" until the next load has
   * re-published them. Checked with no await before the dedup lookup.
   */
  private roundFailedSinceLoad(): Unavailable | undefined {
    return this.state === undefined
      ? this.unavailable(new Error("a round failed while this request was waiting"))
      : undefined;
  }

  private ensureLoaded(): Promise<LogState> {
    if (this.state) return Promise.resolve(this.state);
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<LogState> {
    const { deps, publication, witnessing } = this.parts();
    const { state, published, publishedBefore } = await recoverLog(deps);
    if (publishedBefore !== null) publication.publishedSize = publication.answeredSize = publishedBefore;
    this.state = state;
    if (published !== null) {
      publication.answeredSize = state.checkpoint.size;
      witnessing.collectInBackground();
    } else await this.retryWitnessesSoon();
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + this.config.republishMs);
    return state;
  }

  /** Idle republish and recovery retry. Re-arms itself first, so a crash here cannot stop the log's heartbeat. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + this.config.republishMs);
    if (this.running) return;
    try {
      const fresh = !this.state;
      const state = await this.ensureLoaded(); // a reload publishes by itself
      const { publication, outbox, witnessing } = this.parts();
      await outbox.drain();
      this.db.flush();
      const behind = publication.publishedSize < state.checkpoint.size; // missed its witness quorum
      if (behind || (!fresh && Date.now() - publication.lastPublishAt >= this.config.republishMs / 2))
        await witnessing.republish(state);
    } catch (e) {
      this.state = undefined;
      console.error("sequencer alarm:", e);
      await this.ctx.storage.setAlarm(Date.now() + RECOVERY_RETRY_MS);
    }
  }
}
