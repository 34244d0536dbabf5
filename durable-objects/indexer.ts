/**
 * The Indexer Durable Object: one per log shard, it keeps the shard's verifiable index (src/vindex/) and
 * signs its map checkpoints. It follows the log like a monitor, off the write path: its alarm reads the
 * published checkpoint and the new entry bundles from R2, takes them into the map, signs the map root
 * for that log size with the log's key and publishes it as `index/checkpoint`. The sequencer never waits
 * for it and never calls it; its lag is in `status()` (GET /api/v2/index/status).
 *
 * Invariants:
 * - The map, its size and the signed note for that size change in one SQLite transaction, so a lookup
 *   always pairs a proof with the note of the map it came from.
 * - Each step takes at most MAX_ENTRIES_PER_STEP entries (bounded CPU per alarm); a step behind schedules
 *   the next one at once.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { TileReader } from "../src/client/tile-reader.ts";
import { readConfig } from "../src/log/shards.ts";
import { signingKeys } from "../src/log/keys.ts";
import { indexKeysOf } from "../src/search/index-keys.ts";
import { r2ObjectStore, shardObjectStore } from "../src/storage/object-store.ts";
import { utf8Encode } from "../src/tlog/encoding.ts";
import { newSigner, newVerifier, signNote } from "../src/tlog/note.ts";
import { treeHash } from "../src/tlog/proof.ts";
import { completenessAnswer, type CompletenessJson } from "../src/vindex/answer.ts";
import { formatMapCheckpoint, MAP_CHECKPOINT_KEY } from "../src/vindex/checkpoint.ts";
import { MAX_ENTRIES_PER_STEP, readLeaves } from "../src/vindex/log-leaves.ts";
import { VerifiableMap } from "../src/vindex/map.ts";
import { SqlMapStore } from "../src/vindex/sql-store.ts";
import type { IndexerStatus } from "../src/vindex/protocol.ts";

/** How often a caught-up indexer looks for a new log checkpoint (ms). */
const POLL_MS = 1_000;
/** After a failed step, try again this soon (ms). */
const RETRY_MS = 5_000;

export class Indexer extends DurableObject<Env> {
  private readonly store: SqlMapStore;
  private readonly map: VerifiableMap;
  private readonly shard: string;
  private stepping: Promise<boolean> | undefined;
  private lastError: string | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    if (!ctx.id.name) throw new Error("Indexer must be addressed by name (idFromName(shard))");
    this.shard = ctx.id.name;
    this.store = new SqlMapStore(ctx.storage.sql);
    this.map = new VerifiableMap(this.store);
  }

  /** Arms the alarm if it is not (the cron heartbeat calls this; the alarm then keeps itself going). */
  async wake(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  /** The index's progress against the log's published checkpoint. */
  async status(): Promise<IndexerStatus> {
    const indexedSize = this.map.size;
    let logSize = Number(this.store.meta("logSize") ?? 0);
    try {
      logSize = (await this.logReader().reader.checkpoint()).size;
    } catch {
      // no readable checkpoint (yet): the last one the indexer read stands
    }
    logSize = Math.max(indexedSize, logSize);
    const updatedAt = Number(this.store.meta("updatedAt") ?? 0);
    return { indexedSize, logSize, lag: logSize - indexedSize, updatedAt, ...(this.lastError ? { error: this.lastError } : {}) };
  }

  private logReader() {
    const signer = newSigner(signingKeys(this.env, this.shard).checkpoint);
    const objects = shardObjectStore(r2ObjectStore(this.env.TILES), this.shard);
    const fetch = (path: string) => objects.get(path);
    return { signer, objects, fetch, reader: new TileReader(fetch, [newVerifier(signer.vkey)]) };
  }

  /**
   * The completeness proof for `key` at list positions [start, start + limit), with the signed map
   * checkpoint it is for; null before the first map checkpoint.
   */
  lookup(key: string, start: number, limit: number): CompletenessJson | null {
    const note = this.store.meta("note");
    if (typeof note !== "string") return null;
    return completenessAnswer(this.map, note, key, start, limit);
  }

  /** Takes in everything the log has published (tests and operators; the alarm does the same step by step). */
  async catchUp(): Promise<IndexerStatus> {
    while (!(await this.step())) {
      // each step is bounded; loop until the map reaches the log's checkpoint
    }
    return this.status();
  }

  override async alarm(): Promise<void> {
    let caughtUp = false;
    try {
      caughtUp = await this.step();
    } catch (e) {
      console.error(`indexer ${this.shard}:`, e);
      await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
      return;
    }
    await this.ctx.storage.setAlarm(Date.now() + (caughtUp ? POLL_MS : 0));
  }

  /** One bounded step; true once the map is at the log's checkpoint. Steps never overlap. */
  private step(): Promise<boolean> {
    this.stepping ??= this.runStep().finally(() => (this.stepping = undefined));
    return this.stepping;
  }

  private async runStep(): Promise<boolean> {
    try {
      const caughtUp = await this.takeIn();
      this.lastError = undefined;
      return caughtUp;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }

  private async takeIn(): Promise<boolean> {
    const { signer, fetch, reader } = this.logReader();
    const origin = readConfig(this.env, this.shard).origin;
    const cp = await reader.checkpoint();
    this.store.setMeta("logSize", cp.size);
    const from = this.map.size;
    if (cp.size < from) throw new Error(`the log's checkpoint (size ${cp.size}) is behind the index (size ${from})`);
    if (cp.size === from && this.store.meta("note") !== null) {
      if (this.store.meta("publishedSize") !== from) await this.publish(String(this.store.meta("note")), from);
      return true;
    }
    const to = Math.min(cp.size, from + MAX_ENTRIES_PER_STEP);
    const leaves = await readLeaves(fetch, cp.size, from, to);
    const logRoot = to === cp.size ? cp.root : await treeHash(to, reader.hashReader(cp.size));
    const keys = leaves.map(indexKeysOf);
    let note = "";
    this.ctx.storage.transactionSync(() => {
      this.map.append(keys);
      note = signNote(formatMapCheckpoint({ logOrigin: origin, size: to, mapRoot: this.map.root, logRoot }), [signer]);
      this.store.setMeta("note", note);
      this.store.setMeta("updatedAt", Date.now());
    });
    await this.publish(note, to);
    return to === cp.size;
  }

  /** Writes the map checkpoint where readers fetch it; a failed write is retried by the next step. */
  private async publish(note: string, size: number): Promise<void> {
    const objects = shardObjectStore(r2ObjectStore(this.env.TILES), this.shard);
    await objects.put(MAP_CHECKPOINT_KEY, utf8Encode(note), { immutable: false, contentType: "text/plain; charset=utf-8" });
    this.store.setMeta("publishedSize", size);
  }
}
