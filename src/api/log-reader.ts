/**
 * The edge's view of its own log, read straight from R2 and checked: the latest checkpoint (its
 * signature verified with the log's key), entries (checked against the level-0 tile) with their
 * integrated times, and proofs built from tiles. Never calls the sequencer.
 * @module
 */
import { TileReader, type VerifiedCheckpoint } from "../client/tile-reader.ts";
import { checkpointKey } from "../log-keys.ts";
import { integratedTimeAt, verifiedIntegratedTimes } from "../sequencer/integrated-times.ts";
import { r2ObjectStore, shardObjectStore } from "../storage/object-store.ts";
import { newVerifier } from "../tlog/note.ts";
import { ENTRIES_LEVEL, tilePath, tileWidth, TILE_WIDTH } from "../tlog/tile.ts";
import type { Hash } from "../tlog/hash.ts";
import { parseBundle } from "../tlog/bundle.ts";
import { ApiError } from "./errors.ts";
import { shardName } from "./sequencer-client.ts";

export interface StoredEntry {
  leaf: Uint8Array;
  index: number;
  integratedTime: number;
  inclusionProof: Hash[];
}

export class LogReader {
  private readonly objects;
  private readonly tiles: TileReader;
  /** Bundle metadata seen while reading (integrated times ride on the bundle objects). */
  private readonly metadata = new Map<string, Record<string, string>>();
  private readonly key: { origin: string; publicKey: Uint8Array };
  private readonly verifiedTimes = new Map<string, string>();

  constructor(env: Env) {
    const key = checkpointKey(env);
    this.key = key;
    this.objects = shardObjectStore(r2ObjectStore(env.TILES), shardName(env));
    this.tiles = new TileReader((path) => {
      // One read per object per reader, even when several entries' proofs ask for a tile at once
      // (search builds a page of hits in parallel). Checkpoints are never shared this way.
      if (path === "checkpoint") return this.read(path);
      let p = this.reads.get(path);
      if (!p) this.reads.set(path, (p = this.read(path)));
      return p;
    }, [newVerifier(key.vkey)]);
  }

  /** Reads of tiles and bundles by this reader, shared by concurrent callers. */
  private readonly reads = new Map<string, Promise<Uint8Array | null>>();

  private async read(path: string): Promise<Uint8Array | null> {
    if (!path.startsWith("tile/entries/")) return this.objects.get(path);
    const got = await this.objects.getWithMetadata(path);
    if (got) this.metadata.set(path, got.metadata);
    return got?.body ?? null;
  }

  async checkpoint(): Promise<VerifiedCheckpoint> {
    try {
      return await this.tiles.checkpoint();
    } catch (e) {
      console.error("reading the checkpoint:", e);
      throw new ApiError(503, "the log has no readable checkpoint yet", { "Retry-After": "1" });
    }
  }

  proofReader(): TileReader {
    return this.tiles;
  }

  /** The entries of bundle `n` of the tree of `size` (not yet checked against the tiles: see TileReader.entry). */
  async bundle(n: number, size: number): Promise<Uint8Array[]> {
    const path = tilePath({ level: ENTRIES_LEVEL, index: n, width: tileWidth(ENTRIES_LEVEL, n, size) });
    const data = await this.read(path);
    if (data === null) throw new Error(`${path} is missing from the object store`);
    return parseBundle(data);
  }

  /** Entry `index` under checkpoint `cp`, with its integrated time and inclusion proof. */
  async entry(index: number, cp: VerifiedCheckpoint): Promise<StoredEntry> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= cp.size) throw new ApiError(404, `no entry at index ${index}`);
    const leaf = await this.tiles.entry(index, cp.size);
    const n = Math.floor(index / TILE_WIDTH);
    const width = tileWidth(ENTRIES_LEVEL, n, cp.size);
    const path = tilePath({ level: ENTRIES_LEVEL, index: n, width });
    // Signed by the log's key: R2 alone cannot backdate what the edge then signs in a SET.
    let times = this.verifiedTimes.get(path);
    if (times === undefined) {
      times = verifiedIntegratedTimes(this.metadata.get(path), { origin: this.key.origin, index: n, width }, this.key.publicKey);
      this.verifiedTimes.set(path, times); // one signature check per bundle per reader
    }
    const inclusionProof = await this.tiles.proveInclusion(index, cp.size);
    return { leaf, index, integratedTime: integratedTimeAt(times, index % TILE_WIDTH), inclusionProof };
  }
}
