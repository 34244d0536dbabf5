/**
 * The Sequencer Durable Object: one per log shard, the only writer of its log.
 *
 * A thin shell (Azul sequencer_do.rs): RPC `add` pools leaves; a timer runs one round
 * (src/sequencer/round.ts) TICK_MS after the oldest pooled leaf arrived, sooner for a full pool (see
 * schedule()); `alarm` republishes the checkpoint when idle and retries recovery. The protocol and its
 * invariants live in round.ts.
 *
 * Invariants:
 * - Nothing is acknowledged before the round's SQLite commit, its uploads and a public checkpoint that
 *   covers it; each waiter gets the round's own signed checkpoint. The public `checkpoint` object is
 *   written by a CheckpointPublisher (src/sequencer/checkpoint-publisher.ts) at most once per
 *   CHECKPOINT_WRITE_GAP_MS, always the newest, so rounds run every tick within R2's one write per second
 *   per key while their answers wait at most a gap; a failed checkpoint write fails no round and is retried.
 * - In-memory state changes only after the commit; after any failure it is dropped and reloaded
 *   from SQLite, which re-uploads staged objects before anything else happens (Azul #84).
 * - Rounds never overlap; the pool is swapped synchronously, so no leaf joins a round in progress.
 * - Witnesses (WITNESSES, WITNESS_QUORUM; src/sequencer/cosigner.ts): with a quorum k > 0 a round's
 *   checkpoint is published, and its waiters answered, only once k witnesses cosigned it; otherwise the
 *   round stays committed and uploaded, its waiters get 503 (a retry finds the entry's index once a
 *   later checkpoint is published) and the alarm asks again. With k = 0 cosignatures are collected
 *   after publishing and the same checkpoint is republished with them. Checkpoint writes never go
 *   back to an older size (the publisher ignores older offers).
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig, writeRefusal, type LogConfig } from "../src/config.ts";
import { signingKeys } from "../src/log-keys.ts";
import { faultyHotStore, faultyObjectStore, faultyWitnessCall, FaultSwitch } from "../src/storage/faults.ts";
import { kvHotStore, r2ObjectStore, shardHotStore, shardObjectStore } from "../src/storage/object-store.ts";
import { d1SearchIndex, faultySearchIndex } from "../src/storage/search-index.ts";
import { deadlineHotStore, deadlineObjectStore, deadlineSearchIndex } from "../src/storage/deadline.ts";
import { indexKeysOf } from "../src/search/index-keys.ts";
import { LogDatabase, type CommittedCheckpoint } from "../src/sequencer/database.ts";
import { Pool } from "../src/sequencer/pool.ts";
import { Backoff } from "../src/sequencer/backoff.ts";
import type { AddResult, FindResult, SequencerStatus } from "../src/sequencer/protocol.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_KEY, newWriteStats, publishStaged } from "../src/sequencer/publish.ts";
import { createLog, sequenceRound, type LogState, type RoundDeps } from "../src/sequencer/round.ts";
import { Cosigner } from "../src/sequencer/cosigner.ts";
import { CheckpointPublisher, type CheckpointNote } from "../src/sequencer/checkpoint-publisher.ts";
import { WitnessState } from "../src/sequencer/witness-state.ts";
import { witnessCall } from "../src/witness/witness-client.ts";
import { bytesEqual, utf8Decode, utf8Encode } from "../src/tlog/encoding.ts";
import { nativeLeafHash } from "../src/sequencer/native-leaf-hash.ts";
import { newSigner, newVerifier, openNote } from "../src/tlog/note.ts";
import { parseCheckpoint } from "../src/tlog/checkpoint.ts";
import { edgeIsWellFormed, edgeRoot } from "../src/tlog/tree.ts";

/** After a failed round or load, try recovery again this soon even if no one submits (ms). */
const RECOVERY_RETRY_MS = 2_000;
/**
 * KV copies of partial tiles are best effort (readers fall back to R2), but a round waits for them: a hung
 * KV gets this much of it (ms), or STORAGE_DEADLINE_MS if that is shorter.
 */
const HOT_COPY_DEADLINE_MS = 2_000;
/** While D1 fails, the outbox drain backs off from this (ms), doubling up to INDEX_RETRY_MAX_MS. */
const INDEX_RETRY_BASE_MS = 1_000;
const INDEX_RETRY_MAX_MS = 300_000;
/** Answers wait at most this long (ms; ten write gaps if longer) for a public checkpoint covering them, then get 503. */
const PUBLICATION_TIMEOUT_MS = 10_000;
/** After a checkpoint missed its witness quorum, ask the witnesses again this soon (ms). */
const WITNESS_RETRY_MS = 5_000;

export class Sequencer extends DurableObject<Env> {
  private readonly config: LogConfig;
  private readonly db: LogDatabase;
  /** Tests install fault hooks here through runInDurableObject. */
  readonly faults = new FaultSwitch();
  private readonly pool = new Pool();
  private state: LogState | undefined;
  private loading: Promise<LogState> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending timer fires (ms since the epoch). */
  private timerDue = 0;
  /** When the last round started (ms since the epoch): rounds start at most once per tick. */
  private lastRoundStartAt = 0;
  private running = false;
  private lastPublishAt = 0;
  private readonly stats = newWriteStats();
  private draining: Promise<void> | undefined;
  /** The outbox drain's backoff while D1 fails (tests swap it through runInDurableObject). */
  private indexRetry = new Backoff(INDEX_RETRY_BASE_MS, INDEX_RETRY_MAX_MS);
  /** The shard name this object was addressed by (idFromName); its objects live under "<shard>/". */
  private readonly shard: string;
  /** Size of the checkpoint this instance knows to be published (it lags the committed one while witnesses have not cosigned). */
  private publishedSize = 0;
  /**
   * Size of the newest checkpoint handed to waiters (uploaded, cosigned if a quorum is required): entries
   * below it have an answer even while the public checkpoint, written at most once per gap, lags behind.
   */
  private answeredSize = 0;
  /** Answers waiting for a public checkpoint of at least `size` (see whenPublished). */
  private publicationWaiters: { size: number; done: (ok: boolean) => void }[] = [];
  private cosigner: Cosigner | undefined;
  /** Quorum 0: cosignatures are collected after publishing, one collection at a time (`again`: the checkpoint moved meanwhile). */
  private collecting: { again: boolean } | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = readConfig(env as unknown as Record<string, unknown>, ctx.id.name); // this shard's settings
    this.db = new LogDatabase(ctx.storage);
    if (!ctx.id.name) throw new Error("Sequencer must be addressed by name (idFromName(shard))");
    this.shard = ctx.id.name;
  }

  private cachedDeps: RoundDeps | undefined;

  /** STORAGE_DEADLINE_MS, read at each storage call. */
  private readonly storageDeadline = () => this.config.storageDeadlineMs;

  private deps(): RoundDeps {
    return (this.cachedDeps ??= this.makeDeps());
  }

  private makeDeps(): RoundDeps {
    const skey = signingKeys(this.env, this.shard).checkpoint; // LOG_SIGNING_KEY_<SHARD>, else LOG_SIGNING_KEY
    const signer = newSigner(skey);
    if (signer.name !== this.config.origin) throw new Error(`LOG_SIGNING_KEY is for ${signer.name}, but LOG_ORIGIN is ${this.config.origin}`);
    const objects = deadlineObjectStore(shardObjectStore(faultyObjectStore(r2ObjectStore(this.env.TILES), this.faults), this.shard), this.storageDeadline);
    const policy = this.config.witnesses;
    const call = faultyWitnessCall(witnessCall(this.env as unknown as Record<string, unknown>, policy.timeoutMs), this.faults);
    const cosigner = (this.cosigner = new Cosigner(policy, new WitnessState(this.ctx.storage), call, objects));
    // The checkpoint's writes go to whatever `objects` deps() holds (the bench's storage probe swaps it).
    const checkpoints = new CheckpointPublisher((c) => this.writeCheckpoint(c), this.config.checkpointWriteGapMs);
    return {
      db: this.db,
      objects,
      checkpoints,
      hot: deadlineHotStore(shardHotStore(faultyHotStore(kvHotStore(this.env.HOT), this.faults), this.shard), () =>
        Math.min(this.config.storageDeadlineMs, HOT_COPY_DEADLINE_MS),
      ),
      signer,
      origin: this.config.origin,
      stats: this.stats,
      now: Date.now,
      onStep: (step) => this.faults.onStep?.(step),
      cosign: cosigner.enabled ? (s) => cosigner.forPublication(s) : undefined,
    };
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
    const results: (AddResult | Promise<AddResult>)[] = leaves.map((leaf) => {
      if (leaf.length === 0) return { kind: "rejected", reason: "empty leaf" };
      if (leaf.length > this.config.maxLeafBytes) return { kind: "rejected", reason: `leaf exceeds ${this.config.maxLeafBytes} bytes` };
      return undefined as unknown as AddResult;
    });
    const todo = leaves.map((leaf, i) => ({ leaf, i })).filter(({ i }) => results[i] === undefined);
    const hashes = await Promise.all(todo.map(({ leaf }) => nativeLeafHash(leaf)));
    try {
      await this.ensureLoaded();
    } catch (e) {
      const failed = this.unavailable(e);
      return results.map((r) => r ?? failed) as AddResult[];
    }
    // No await from here to the pool inserts: the DO is single-threaded, so a concurrent duplicate
    // either sees these leaves in the pool or comes after them. A round that failed since the load
    // (state dropped) may have committed leaves it has not published: a dedup hit on one of those
    // is no acknowledgement, so answer "unavailable" until the next load has re-published them.
    if (this.state === undefined) {
      const failed = this.unavailable(new Error("a round failed while this request was waiting"));
      return results.map((r) => r ?? failed) as AddResult[];
    }
    const existing = this.db.findDuplicates(hashes);
    todo.forEach(({ leaf, i }, k) => {
      const leafHash = hashes[k]!;
      results[i] = new Promise<AddResult>((resolve) => {
        if (this.answerKnownLeaf(leafHash, existing[k]!, resolve)) return;
        if (this.pool.size >= this.config.maxPoolLeaves || this.pool.bytes + leaf.length > this.config.maxPoolBytes) {
          return resolve({ kind: "overloaded", retryAfterSeconds: Math.max(1, Math.ceil(this.config.tickMs / 1000)) });
        }
        this.pool.add({ data: leaf, leafHash, indexKeys: indexKeys?.[i] ?? indexKeysOf(leaf) }, resolve, Date.now());
      });
    });
    if (this.pool.size > 0) this.schedule();
    return Promise.all(results);
  }

  /**
   * The cron heartbeat (every minute): loads the log (creating it on first deploy, re-publishing anything
   * staged) and keeps the alarm armed, which republishes and drains the index outbox. Constant work: no
   * scan of a table that grows with the log (status() counts rows: it is for tests and operators).
   */
  async heartbeat(): Promise<void> {
    try {
      await this.ensureLoaded();
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.config.republishMs);
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
    try {
      await this.ensureLoaded();
    } catch (e) {
      return this.unavailable(e) as FindResult;
    }
    if (this.state === undefined) return this.unavailable(new Error("a round failed while this request was waiting")) as FindResult;
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
    // Integrated, but its checkpoint still awaits the witnesses: readers cannot see it yet.
    if (existing >= this.answeredSize) {
      resolve(this.awaitingWitnesses());
      return true;
    }
    // Like its first submitter, a duplicate is answered once the entry is publicly readable.
    void this.whenPublished(existing + 1).then((ok) =>
      resolve(ok ? { kind: "duplicate", index: existing } : this.unavailable(new Error(`no checkpoint covering index ${existing} was published in time`))),
    );
    return true;
  }

  async status(): Promise<SequencerStatus> {
    const s = await this.ensureLoaded();
    await this.drainOutbox(true);
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
   * object: the publisher writes it at most once per CHECKPOINT_WRITE_GAP_MS (docs/DESIGN.md "Limits").
   */
  private schedule(): void {
    const oldest = this.pool.oldestArrival;
    if (this.running || oldest === undefined) return;
    const early = this.pool.size >= this.config.roundTriggerLeaves || this.pool.waitingBytes >= this.config.maxRoundBytes;
    const due = (early ? Math.min(oldest, this.lastRoundStartAt) : oldest) + this.config.tickMs;
    if (this.timer !== undefined) {
      if (due >= this.timerDue) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runRound();
    }, Math.max(0, due - Date.now()));
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
      const result = await sequenceRound(state, batch, this.deps());
      this.state = result.state;
      this.stats.rounds++;
      this.stats.entries += batch.length;
      if (result.published === null) {
        // Durable and uploaded, not published: the witnesses' quorum did not cosign it (yet).
        const waiting = this.awaitingWitnesses();
        for (const leaf of batch) for (const w of leaf.waiters) w(waiting);
        await this.retryWitnessesSoon();
        return;
      }
      this.answeredSize = result.state.checkpoint.size;
      const checkpoint = result.published;
      const firstIndex = result.state.checkpoint.size - batch.length;
      const answer = (): void =>
        batch.forEach((leaf, i) => {
          const [first, ...dups] = leaf.waiters;
          first?.({
            kind: "sequenced",
            index: firstIndex + i,
            checkpoint,
            inclusionProof: result.inclusionProofs[i]!,
            integratedTime: result.integratedTime,
          });
          for (const d of dups) d({ kind: "duplicate", index: firstIndex + i });
        });
      // Each waiter gets its round's own checkpoint, once a public checkpoint covers the round (at most a
      // write gap later): whoever has an answer can read the entry back. The next round does not wait.
      void this.whenPublished(result.state.checkpoint.size).then((ok) => {
        if (ok) return answer();
        const failed = this.unavailable(new Error(`no checkpoint covering size ${result.state.checkpoint.size} was published in time`));
        for (const leaf of batch) for (const w of leaf.waiters) w(failed);
      });
      void this.drainOutbox(); // the index is never on the write path
      this.collectInBackground();
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

  /**
   * Drains the index outbox into D1 (DESIGN: "after replying, drain the outbox into D1"). A failure
   * keeps the rows for a later attempt; nothing is lost and appends are not affected. While D1 fails,
   * attempts back off exponentially (rounds and the alarm skip the drain until it is due); `force`
   * (status(): tests and operators) tries at once. One outbox row (at most ~2 MB) is in memory at a time.
   */
  private drainOutbox(force = false): Promise<void> {
    if (!force && !this.indexRetry.due()) return Promise.resolve();
    // A caller that finds a drain running waits for it: that drain reads the outbox until it is empty.
    this.draining ??= this.drainNow().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainNow(): Promise<void> {
    try {
      const index = deadlineSearchIndex(faultySearchIndex(d1SearchIndex(this.env.INDEX), this.faults), this.storageDeadline);
      for (let next = this.db.nextOutbox(); next && next.firstIndex < this.publishedSize; next = this.db.nextOutbox()) {
        await index.insertEntries(this.shard, next.rows);
        this.db.dropOutbox(next.firstIndex);
      }
      this.indexRetry.succeeded();
    } catch (e) {
      this.indexRetry.failed();
      console.warn(`index outbox: D1 write failed, rows kept; next attempt in ${this.indexRetry.delayMs} ms:`, e);
    }
  }

  private awaitingWitnesses(): AddResult {
    return {
      kind: "unavailable",
      retryAfterSeconds: Math.max(1, Math.ceil(WITNESS_RETRY_MS / 1000)),
      reason: "the entry is integrated, but the log's checkpoint awaits its witnesses' cosignatures; retry to get its index",
    };
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

  /** Publishes `note` (the current checkpoint, maybe with cosignatures) through the checkpoint publisher. */
  private async putCheckpoint(size: number, note: string): Promise<void> {
    this.answeredSize = Math.max(this.answeredSize, size);
    await this.deps().checkpoints.publish({ size, note });
  }

  /**
   * Resolves true once a public checkpoint of at least `size` has been written, false if none is within
   * PUBLICATION_TIMEOUT_MS (the object store failing): the caller answers 503, and a retry finds the entry.
   */
  private whenPublished(size: number): Promise<boolean> {
    if (this.publishedSize >= size) return Promise.resolve(true);
    return new Promise((done) => {
      const waiter = { size, done: (ok: boolean) => (clearTimeout(timer), done(ok)) };
      const timer = setTimeout(() => {
        this.publicationWaiters = this.publicationWaiters.filter((w) => w !== waiter);
        done(false);
      }, Math.max(PUBLICATION_TIMEOUT_MS, 10 * this.config.checkpointWriteGapMs));
      this.publicationWaiters.push(waiter);
    });
  }

  /** The publisher's one write: the public checkpoint object, then the bookkeeping that it is public. */
  private async writeCheckpoint(c: CheckpointNote): Promise<void> {
    await this.deps().objects.put(CHECKPOINT_KEY, utf8Encode(c.note), { immutable: false, contentType: CHECKPOINT_CONTENT_TYPE });
    this.stats.objectPuts++;
    this.db.markPublished(c.size);
    const grew = c.size > this.publishedSize;
    this.publishedSize = Math.max(this.publishedSize, c.size);
    this.lastPublishAt = Date.now();
    const ready = this.publicationWaiters.filter((w) => w.size <= this.publishedSize);
    this.publicationWaiters = this.publicationWaiters.filter((w) => w.size > this.publishedSize);
    for (const w of ready) w.done(true);
    if (grew) void this.drainOutbox(); // index rows wait for their entries to be public
  }

  /**
   * Quorum 0: after a publication, asks the witnesses to cosign the checkpoint and republishes it with
   * their cosignatures if it is still the current one. One collection at a time; if the checkpoint moved
   * meanwhile, the next collection takes the newest (its proof starts where the witnesses are).
   */
  private collectInBackground(): void {
    const cosigner = this.cosigner;
    if (!cosigner?.enabled || cosigner.policy.quorum > 0) return;
    if (this.collecting) {
      this.collecting.again = true;
      return;
    }
    const run: { again: boolean } = (this.collecting = { again: true });
    this.ctx.waitUntil(
      (async () => {
        while (run.again && this.state) {
          run.again = false;
          const state = this.state;
          const lines = await cosigner.collect(state);
          if (lines.length === 0) continue;
          // Republish only a checkpoint that stays current: under steady traffic the next round replaces
          // it anyway (the publisher keeps the writes within R2's one per second per key).
          await new Promise((r) => setTimeout(r, this.config.tickMs));
          await this.exclusive(async () => {
            if (this.state !== state || this.answeredSize !== state.checkpoint.size || this.pool.size > 0) return;
            await this.putCheckpoint(state.checkpoint.size, cosigner.noteWithStored(state));
          });
        }
      })()
        .catch((e) => console.warn("witness collection:", e))
        .finally(() => (this.collecting = undefined)),
    );
  }

  /**
   * The alarm's (re)publication of the current checkpoint. Without witnesses: the same note again.
   * Quorum 0: with the cosignatures held, then fresh ones in the background. Quorum k: ask the
   * witnesses (fresh timestamps, or the first cosignatures on a checkpoint that missed its quorum) and
   * publish if k cosigned; else the published checkpoint stays as it is.
   */
  private async republish(state: LogState): Promise<void> {
    const cosigner = this.cosigner;
    if (!cosigner?.enabled) {
      return this.exclusive(async () => {
        if (this.state === state) await this.putCheckpoint(state.checkpoint.size, state.checkpoint.note);
      });
    }
    if (cosigner.policy.quorum === 0) {
      await this.exclusive(async () => {
        if (this.state === state) await this.putCheckpoint(state.checkpoint.size, cosigner.noteWithStored(state));
      });
      return this.collectInBackground();
    }
    await this.exclusive(async () => {
      if (this.state !== state) return;
      const note = await cosigner.forPublication(state);
      if (note === null) return this.retryWitnessesSoon();
      await this.putCheckpoint(state.checkpoint.size, note);
    });
  }

  private unavailable(e: unknown): AddResult {
    console.error("sequencer:", e);
    return { kind: "unavailable", retryAfterSeconds: Math.max(1, Math.ceil(RECOVERY_RETRY_MS / 1000)), reason: "the log could not integrate entries right now" };
  }

  private ensureLoaded(): Promise<LogState> {
    if (this.state) return Promise.resolve(this.state);
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * Restart recovery (Sunlight LoadLog, Azul SequenceState::load): SQLite is the source of truth.
   * Verify the stored edge and checkpoint against each other and our key, re-upload anything
   * staged and publish, then accept entries. A new log is created only if the object store has no
   * checkpoint either: DO storage lost with R2 intact must stop the log, not fork it.
   */
  private async load(): Promise<LogState> {
    const deps = this.deps();
    const stored = this.db.load();
    let state: LogState;
    let published: string | null;
    if (!stored) {
      if ((await deps.objects.get(CHECKPOINT_KEY)) !== null) {
        throw new Error("refusing to create a log: the object store has a checkpoint but Durable Object storage has none");
      }
      ({ state, published } = await createLog(deps));
    } else {
      const { checkpoint, edge } = stored;
      const opened = openNote(checkpoint.note, [newVerifier(deps.signer.vkey)]);
      const body = parseCheckpoint(opened.text);
      if (
        body.size !== checkpoint.size ||
        !bytesEqual(body.root, checkpoint.root) ||
        !edgeIsWellFormed(edge) ||
        !bytesEqual(edgeRoot(edge), checkpoint.root)
      ) {
        throw new Error("stored right edge does not match the stored checkpoint");
      }
      await refuseRolledBackStorage(deps, checkpoint);
      state = { checkpoint, edge };
      published = await publishStaged(deps, state); // idempotent: same bytes under write-once names
      this.db.flush();
      if (published === null) this.publishedSize = this.answeredSize = stored.publishedSize;
    }
    this.state = state;
    if (published !== null) {
      this.answeredSize = state.checkpoint.size;
      this.collectInBackground();
    } else await this.retryWitnessesSoon();
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.config.republishMs);
    return state;
  }

  /** Idle republish and recovery retry. Re-arms itself first, so a crash here cannot stop the log's heartbeat. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + this.config.republishMs);
    if (this.running) return;
    try {
      const fresh = !this.state;
      const state = await this.ensureLoaded(); // a reload publishes by itself
      await this.drainOutbox();
      this.db.flush();
      const behind = this.publishedSize < state.checkpoint.size; // missed its witness quorum
      if (behind || (!fresh && Date.now() - this.lastPublishAt >= this.config.republishMs / 2)) await this.republish(state);
    } catch (e) {
      this.state = undefined;
      console.error("sequencer alarm:", e);
      await this.ctx.storage.setAlarm(Date.now() + RECOVERY_RETRY_MS);
    }
  }
}

/**
 * Durable Object storage restored to an older state (a point-in-time recovery, a bad migration)
 * while R2 holds a newer published checkpoint: sequencing from the old state would sign a second,
 * different tree for sizes the world has seen — a fork. A checkpoint in R2 signed by this log's key
 * that is ahead of SQLite, or of the same size with another root, stops the log instead. Anything
 * else there (unsigned, another key's) is not evidence and is overwritten by the next publication.
 */
async function refuseRolledBackStorage(deps: RoundDeps, stored: CommittedCheckpoint): Promise<void> {
  const bytes = await deps.objects.get(CHECKPOINT_KEY);
  if (bytes === null) return;
  let published;
  try {
    published = parseCheckpoint(openNote(utf8Decode(bytes), [newVerifier(deps.signer.vkey)]).text);
  } catch {
    console.warn("the object store's checkpoint is not signed by this log's key; it will be overwritten");
    return;
  }
  if (published.origin !== deps.origin) return;
  if (published.size > stored.size || (published.size === stored.size && !bytesEqual(published.root, stored.root))) {
    throw new Error(
      `refusing to sequence: the published checkpoint (size ${published.size}) is ahead of or differs from Durable Object storage (size ${stored.size}); ` +
        "storage was rolled back — restore it, or freeze this shard and start a new one",
    );
  }
}
