/**
 * The Indexer Durable Object: one per log shard, it keeps the shard's verifiable index (src/vindex/) and
 * signs its map checkpoints. It follows the log like a monitor, off the write path: its alarm reads the
 * published checkpoint and the new entry bundles from R2, takes them into the map (its SQLite), then
 * publishes the map to R2 as write-once objects (map tiles, value chunks and tiles) and, last, the map
 * checkpoint signed with the log's key as `index/checkpoint`. Readers use only those objects: the
 * sequencer never waits for the Indexer, and no read calls it; its lag is in `status()`.
 *
 * Invariants:
 * - The map, its size, the signed note for that size and the set of keys changed since the last
 *   publication change in one SQLite transaction.
 * - The map checkpoint is written only after every object it needs; until then the map takes in
 *   nothing more (a failed publication is retried where it stopped).
 * - Each step takes at most MAX_ENTRIES_PER_STEP entries and publishes at most PUBLISH_KEYS_PER_STEP
 *   keys' objects (bounded CPU and R2 calls per alarm); a step behind schedules the next one at once.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { TileReader } from "../src/client/tile-reader.ts";
import { readConfig } from "../src/log/shards.ts";
import { signingKeys } from "../src/log/keys.ts";
import { indexKeysOf } from "../src/search/index-keys.ts";
import { r2ObjectStore, shardObjectStore } from "../src/storage/object-store.ts";
import { toHex, utf8Encode } from "../src/tlog/encoding.ts";
import { newSigner, newVerifier, signNote } from "../src/tlog/note.ts";
import { treeHash } from "../src/tlog/proof.ts";
import { formatMapCheckpoint, MAP_CHECKPOINT_KEY } from "../src/vindex/checkpoint.ts";
import { MAX_ENTRIES_PER_STEP, readLeaves } from "../src/vindex/log-leaves.ts";
import { keyPath } from "../src/vindex/hash.ts";
import { VerifiableMap } from "../src/vindex/map.ts";
import { publicationObjects } from "../src/vindex/publication.ts";
import { SqlMapStore } from "../src/vindex/sql-store.ts";
import type { IndexerStatus } from "../src/vindex/protocol.ts";

/** How often a caught-up indexer looks for a new log checkpoint (ms). */
const POLL_MS = 1_000;
/** After a failed step, try again this soon (ms). */
const RETRY_MS = 5_000;
/**
 * What the stored map holds: 2 adds the value-tree hashes and the keys left to publish, which a map
 * built before the map was published to R2 lacks; such a map is dropped and rebuilt from the log.
 */
const STORE_FORMAT = 2;
/** Changed keys whose objects one step writes (each a few R2 puts: chunks, value tiles, map tiles). */
const PUBLISH_KEYS_PER_STEP = 256;
/** R2 puts in flight at once. */
const PUT_CONCURRENCY = 32;

export class Indexer extends DurableObject<Env> {
  private readonly store: SqlMapStore;
  private readonly map: VerifiableMap;
  private readonly shard: string;
  private readonly origin: string;
  private stepping: Promise<boolean> | undefined;
  /** Map tiles already stored for the map being published (of size `.size`): skipped by the next calls. */
  private written = { size: -1, tiles: new Set<string>() };
  private lastError: string | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    if (!ctx.id.name) throw new Error("Indexer must be addressed by name (idFromName(shard))");
    this.shard = ctx.id.name;
    this.origin = readConfig({ ...env }, this.shard).origin;
    this.store = new SqlMapStore(ctx.storage.sql);
    this.map = new VerifiableMap(this.store);
  }

  /** Arms the alarm if it is not (the cron heartbeat calls this; the alarm then keeps itself going). */
  async wake(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  /** The index's progress against the log's published checkpoint. */
  async status(): Promise<IndexerStatus> {
    const indexedSize = Number(this.store.meta("publishedSize") ?? 0);
    let logSize = Number(this.store.meta("logSize") ?? 0);
    try {
      logSize = (await this.logReader().reader.checkpoint()).size;
    } catch {
      // no readable checkpoint (yet): the last one the indexer read stands
    }
    logSize = Math.max(indexedSize, logSize);
    const updatedAt = Number(this.store.meta("updatedAt") ?? 0);
    return {
      indexedSize,
      logSize,
      lag: logSize - indexedSize,
      updatedAt,
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  private logReader() {
    const signer = newSigner(signingKeys(this.env, this.shard).checkpoint);
    const objects = shardObjectStore(r2ObjectStore(this.env.TILES), this.shard);
    const fetch = (path: string) => objects.get(path);
    return { signer, objects, fetch, reader: new TileReader(fetch, [newVerifier(signer.vkey)]) };
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
    if (this.store.meta("format") !== STORE_FORMAT) {
      this.ctx.storage.transactionSync(() => {
        this.store.reset();
        this.store.setMeta("format", STORE_FORMAT);
      });
    }
    if (!(await this.publishPending())) return false;
    const { signer, fetch, reader } = this.logReader();
    const cp = await reader.checkpoint();
    this.store.setMeta("logSize", cp.size);
    const from = this.map.size;
    if (cp.size < from) throw new Error(`the log's checkpoint (size ${cp.size}) is behind the index (size ${from})`);
    if (cp.size === from && this.store.meta("note") !== null) return true;
    const to = Math.min(cp.size, from + MAX_ENTRIES_PER_STEP);
    const leaves = await readLeaves(fetch, cp.size, from, to);
    const logRoot = to === cp.size ? cp.root : await treeHash(to, reader.hashReader(cp.size));
    const keys = leaves.map(indexKeysOf);
    this.ctx.storage.transactionSync(() => {
      for (const key of new Set(keys.flat()))
        this.store.markUnpublished(toHex(keyPath(key)), this.map.value(key)?.count ?? 0);
      this.map.append(keys);
      this.store.setMeta(
        "note",
        signNote(formatMapCheckpoint({ logOrigin: this.origin, size: to, mapRoot: this.map.root, logRoot }), [signer]),
      );
      this.store.setMeta("updatedAt", Date.now());
    });
    return (await this.publishPending()) && to === cp.size;
  }

  /**
   * Writes the objects of up to PUBLISH_KEYS_PER_STEP changed keys, and once none is left the map
   * checkpoint; true when the map checkpoint for the map's size is in R2. A failed write is retried by
   * the next step (every name is write-once: writing it again stores the same bytes).
   */
  private async publishPending(): Promise<boolean> {
    const note = this.store.meta("note");
    const size = this.map.size;
    if (typeof note !== "string" || this.store.meta("publishedSize") === size) return true;
    const objects = shardObjectStore(r2ObjectStore(this.env.TILES), this.shard);
    const changed = this.store.unpublished(PUBLISH_KEYS_PER_STEP);
    if (this.written.size !== size) this.written = { size, tiles: new Set() };
    const puts = [...publicationObjects(this.store, changed, this.written.tiles)];
    for (let i = 0; i < puts.length; i += PUT_CONCURRENCY) {
      await Promise.all(
        puts
          .slice(i, i + PUT_CONCURRENCY)
          .map(([path, body]) => objects.put(path, body, { immutable: true, contentType: "application/octet-stream" })),
      );
    }
    for (const [path] of puts) if (path.startsWith("index/tile/")) this.written.tiles.add(path);
    this.store.markPublished(changed.map((c) => c.path));
    if (changed.length === PUBLISH_KEYS_PER_STEP && this.store.unpublished(1).length > 0) return false;
    await objects.put(MAP_CHECKPOINT_KEY, utf8Encode(note), {
      immutable: false,
      contentType: "text/plain; charset=utf-8",
    });
    this.store.setMeta("publishedSize", size);
    return true;
  }
}
