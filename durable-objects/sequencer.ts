/**
 * The Sequencer Durable Object: one per log shard, the only writer of its log.
 *
 * A thin shell (Azul sequencer_do.rs): RPC `add` pools leaves; a timer runs one round
 * (src/sequencer/round.ts) every TICK_MS while the pool is non-empty; `alarm` republishes the
 * checkpoint when idle and retries recovery. The protocol and its invariants live in round.ts.
 *
 * Invariants:
 * - Nothing is acknowledged before the round's SQLite commit and its uploads and publication.
 * - In-memory state changes only after the commit; after any failure it is dropped and reloaded
 *   from SQLite, which re-uploads staged objects before anything else happens (Azul #84).
 * - Rounds never overlap; the pool is swapped synchronously, so no leaf joins a round in progress.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { readConfig, writeRefusal, type LogConfig } from "../src/config.ts";
import { signingKeys } from "../src/log-keys.ts";
import { faultyHotStore, faultyObjectStore, FaultSwitch } from "../src/storage/faults.ts";
import { kvHotStore, r2ObjectStore, shardHotStore, shardObjectStore } from "../src/storage/object-store.ts";
import { d1SearchIndex, faultySearchIndex } from "../src/storage/search-index.ts";
import { indexKeysOf } from "../src/search/index-keys.ts";
import { LogDatabase } from "../src/sequencer/database.ts";
import { Pool } from "../src/sequencer/pool.ts";
import type { AddResult, SequencerStatus } from "../src/sequencer/protocol.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_KEY, newWriteStats, publishStaged } from "../src/sequencer/publish.ts";
import { createLog, sequenceRound, type LogState, type RoundDeps } from "../src/sequencer/round.ts";
import { bytesEqual, utf8Encode } from "../src/tlog/encoding.ts";
import { HASH_SIZE } from "../src/tlog/hash.ts";
import { newSigner, newVerifier, openNote } from "../src/tlog/note.ts";
import { parseCheckpoint } from "../src/tlog/checkpoint.ts";
import { edgeIsWellFormed, edgeRoot } from "../src/tlog/tree.ts";

/** After a failed round or load, try recovery again this soon even if no one submits (ms). */
const RECOVERY_RETRY_MS = 2_000;

/**
 * RFC 6962 leaf hash with the runtime's native SHA-256 (WebCrypto): a leaf is up to 64 KiB, and the
 * sequencer hashes every one of them; the pure core's JS SHA-256 stays for small node hashes.
 */
async function leafHashOf(leaf: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(leaf.length + 1);
  buf.set(leaf, 1);
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  if (h.length !== HASH_SIZE) throw new Error("bad digest length");
  return h;
}

export class Sequencer extends DurableObject<Env> {
  private readonly config: LogConfig;
  private readonly db: LogDatabase;
  /** Tests install fault hooks here through runInDurableObject. */
  readonly faults = new FaultSwitch();
  private readonly pool = new Pool();
  private state: LogState | undefined;
  private loading: Promise<LogState> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private lastPublishAt = 0;
  private readonly stats = newWriteStats();
  private draining: Promise<void> | undefined;
  /** The shard name this object was addressed by (idFromName); its objects live under "<shard>/". */
  private readonly shard: string;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = readConfig(env as unknown as Record<string, unknown>, ctx.id.name); // this shard's settings
    this.db = new LogDatabase(ctx.storage);
    if (!ctx.id.name) throw new Error("Sequencer must be addressed by name (idFromName(shard))");
    this.shard = ctx.id.name;
  }

  private cachedDeps: RoundDeps | undefined;

  private deps(): RoundDeps {
    return (this.cachedDeps ??= this.makeDeps());
  }

  private makeDeps(): RoundDeps {
    const skey = signingKeys(this.env, this.shard).checkpoint; // LOG_SIGNING_KEY_<SHARD>, else LOG_SIGNING_KEY
    const signer = newSigner(skey);
    if (signer.name !== this.config.origin) throw new Error(`LOG_SIGNING_KEY is for ${signer.name}, but LOG_ORIGIN is ${this.config.origin}`);
    return {
      db: this.db,
      objects: shardObjectStore(faultyObjectStore(r2ObjectStore(this.env.TILES), this.faults), this.shard),
      hot: shardHotStore(faultyHotStore(kvHotStore(this.env.HOT), this.faults), this.shard),
      signer,
      origin: this.config.origin,
      stats: this.stats,
      now: Date.now,
      onStep: (step) => this.faults.onStep?.(step),
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
    const refused = writeRefusal(this.config); // a frozen (or pending) shard takes no writes
    if (refused !== null) return leaves.map(() => ({ kind: "rejected", reason: refused }));
    const results: (AddResult | Promise<AddResult>)[] = leaves.map((leaf) => {
      if (leaf.length === 0) return { kind: "rejected", reason: "empty leaf" };
      if (leaf.length > this.config.maxLeafBytes) return { kind: "rejected", reason: `leaf exceeds ${this.config.maxLeafBytes} bytes` };
      return undefined as unknown as AddResult;
    });
    const todo = leaves.map((leaf, i) => ({ leaf, i })).filter(({ i }) => results[i] === undefined);
    const hashes = await Promise.all(todo.map(({ leaf }) => leafHashOf(leaf)));
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
        if (this.pool.join(leafHash, resolve)) return;
        if (existing[k] !== null) return resolve({ kind: "duplicate", index: existing[k]! });
        if (this.pool.size >= this.config.maxPoolLeaves) {
          return resolve({ kind: "overloaded", retryAfterSeconds: Math.max(1, Math.ceil(this.config.tickMs / 1000)) });
        }
        this.pool.add({ data: leaf, leafHash, indexKeys: indexKeys?.[i] ?? indexKeysOf(leaf) }, resolve);
      });
    });
    if (this.pool.size > 0) this.schedule();
    return Promise.all(results);
  }

  async status(): Promise<SequencerStatus> {
    const s = await this.ensureLoaded();
    await this.drainOutbox();
    this.db.flush();
    const loaded = this.db.load();
    return {
      size: s.checkpoint.size,
      publishedSize: loaded?.publishedSize ?? 0,
      pooled: this.pool.size,
      checkpoint: s.checkpoint.note,
      rows: this.db.counts(),
      writes: { ...this.stats },
    };
  }

  private schedule(delay = this.config.tickMs): void {
    if (this.timer !== undefined || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runRound();
    }, delay);
  }

  private async runRound(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let batch: ReturnType<Pool["take"]> = [];
    try {
      const state = await this.ensureLoaded();
      batch = this.pool.take();
      if (batch.length === 0) return;
      const result = await sequenceRound(state, batch, this.deps());
      this.state = result.state;
      this.lastPublishAt = Date.now();
      this.stats.rounds++;
      this.stats.entries += batch.length;
      const checkpoint = result.state.checkpoint.note;
      const firstIndex = result.state.checkpoint.size - batch.length;
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
      void this.drainOutbox(); // after replying: the index is never on the write path
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
   * keeps the rows for the next round or alarm; nothing is lost and appends are not affected.
   */
  private drainOutbox(): Promise<void> {
    // A caller that finds a drain running waits for it: that drain reads the outbox until it is empty.
    this.draining ??= this.drainNow().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainNow(): Promise<void> {
    try {
      const index = faultySearchIndex(d1SearchIndex(this.env.INDEX), this.faults);
      for (let next = this.db.nextOutbox(); next; next = this.db.nextOutbox()) {
        await index.insertEntries(this.shard, next.rows);
        this.db.dropOutbox(next.firstIndex);
      }
    } catch (e) {
      console.warn("index outbox: D1 write failed, rows kept for retry:", e);
    }
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
    if (!stored) {
      if ((await deps.objects.get(CHECKPOINT_KEY)) !== null) {
        throw new Error("refusing to create a log: the object store has a checkpoint but Durable Object storage has none");
      }
      state = await createLog(deps);
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
      await publishStaged(deps, checkpoint); // idempotent: same bytes under write-once names
      this.db.flush();
      state = { checkpoint, edge };
    }
    this.state = state;
    this.lastPublishAt = Date.now();
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
      if (!fresh && Date.now() - this.lastPublishAt >= this.config.republishMs / 2) {
        await this.deps().objects.put(CHECKPOINT_KEY, utf8Encode(state.checkpoint.note), { immutable: false, contentType: CHECKPOINT_CONTENT_TYPE });
        this.lastPublishAt = Date.now();
      }
    } catch (e) {
      this.state = undefined;
      console.error("sequencer alarm:", e);
      await this.ctx.storage.setAlarm(Date.now() + RECOVERY_RETRY_MS);
    }
  }
}
