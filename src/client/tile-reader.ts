/**
 * Reading a C2SP tlog-tiles log and verifying what it serves: the checkpoint signature, entries
 * against the level-0 tile, inclusion and consistency proofs. Platform-free: it takes a function
 * that fetches one path, so the same code reads over HTTP (CLI, monitor, tests) or straight from
 * R2 (the edge's v1 lookups).
 * @module
 */
import { parseBundle } from "../tlog/bundle.ts";
import type { Checkpoint } from "../tlog/checkpoint.ts";
import { bytesEqual } from "../tlog/encoding.ts";
import { MalformedError, ProofError } from "../tlog/errors.ts";
import { EMPTY_ROOT, hashLeaf, type Hash } from "../tlog/hash.ts";
import type { NoteVerifier } from "../tlog/note.ts";
import {
  checkConsistency,
  proveConsistency,
  proveInclusion,
  tileHashReader,
  type HashReader,
  type TileLevelsCache,
} from "../tlog/proof.ts";
import { ENTRIES_LEVEL, TILE_WIDTH, tilePath, tileWidth, type Tile } from "../tlog/tile.ts";
import { openCheckpoint } from "./verify-checkpoint.ts";
import { verifyEntryInclusion } from "./verify-entry.ts";

/** Fetches one object by its tlog-tiles path ("checkpoint", "tile/0/000.p/3", ...); null if absent. */
export type PathFetcher = (path: string) => Promise<Uint8Array | null>;

export class MissingObjectError extends Error {
  override name = "MissingObjectError";
}

export interface VerifiedCheckpoint extends Checkpoint {
  /** The signed note as served. */
  note: string;
}

/** Tiles are write-once, so a reader may keep the ones it fetched; this bounds the memory it uses. */
const MAX_CACHED_TILES = 512;

export class TileReader {
  private readonly tileCache = new Map<string, Uint8Array>();

  constructor(
    private readonly fetchPath: PathFetcher,
    private readonly verifiers: readonly NoteVerifier[],
    /** Tiles' inner levels, shared by this reader's hash readers (and beyond, if the caller keeps one). */
    private readonly levels: TileLevelsCache = boundedLevels(MAX_CACHED_TILES),
  ) {}

  private async must(path: string): Promise<Uint8Array> {
    const cached = this.tileCache.get(path);
    if (cached) return cached;
    const body = await this.fetchPath(path);
    if (body === null) throw new MissingObjectError(`${path} is not available`);
    if (path.startsWith("tile/")) {
      if (this.tileCache.size >= MAX_CACHED_TILES) this.tileCache.delete(this.tileCache.keys().next().value!);
      this.tileCache.set(path, body);
    }
    return body;
  }

  /** Fetches the checkpoint and verifies its signature with the log's key(s). */
  async checkpoint(): Promise<VerifiedCheckpoint> {
    const note = new TextDecoder().decode(await this.must("checkpoint"));
    return this.verifyCheckpoint(note);
  }

  /** Verifies a checkpoint's signature by one of the log's keys and its origin (that key's name). @throws ClaimError */
  verifyCheckpoint(note: string): VerifiedCheckpoint {
    return openCheckpoint(note, this.verifiers);
  }

  /**
   * A HashReader for the tree of `size` leaves, backed by the log's tiles. Every hash reader of this TileReader shares
   * its tiles' inner levels, so proofs for many entries (a search page of hits) hash each tile once, not once each.
   */
  hashReader(size: number): HashReader {
    return tileHashReader(size, (tiles: Tile[]) => Promise.all(tiles.map((t) => this.must(tilePath(t)))), this.levels);
  }

  /** Entry `index` from its bundle, checked against the level-0 tile of the tree `size` (so it is authenticated by the root). */
  async entry(index: number, size: number): Promise<Uint8Array> {
    if (index >= size) throw new MalformedError(`index ${index} is not below tree size ${size}`);
    const n = Math.floor(index / TILE_WIDTH);
    const bundle: Tile = { level: ENTRIES_LEVEL, index: n, width: tileWidth(ENTRIES_LEVEL, n, size) };
    const entries = parseBundle(await this.must(tilePath(bundle)));
    if (entries.length !== bundle.width) throw new MalformedError(`${tilePath(bundle)} has ${entries.length} entries`);
    const entry = entries[index % TILE_WIDTH]!;
    const [leafHash] = await this.hashReader(size)([{ level: 0, index }]);
    if (!bytesEqual(hashLeaf(entry), leafHash!)) throw new ProofError("entry does not match its leaf hash");
    return entry;
  }

  async proveInclusion(index: number, size: number): Promise<Hash[]> {
    return proveInclusion(index, size, this.hashReader(size));
  }

  async proveConsistency(oldSize: number, newSize: number): Promise<Hash[]> {
    return proveConsistency(oldSize, newSize, this.hashReader(newSize));
  }

  /** Verifies that `entry` is at `index` in the tree of checkpoint `cp`, with a proof built from the log's tiles. */
  async verifyInclusion(entry: Uint8Array, index: number, cp: Checkpoint): Promise<void> {
    verifyEntryInclusion(entry, index, await this.proveInclusion(index, cp.size), cp);
  }

  /** Verifies that checkpoint `newer` extends checkpoint `older` (consistency proof from tiles). */
  async verifyConsistency(older: Checkpoint, newer: Checkpoint): Promise<void> {
    if (older.size > newer.size) return this.verifyConsistency(newer, older);
    if (older.size === 0) {
      // Every tree extends the empty one; only its root is fixed (SHA-256 of nothing).
      if (!bytesEqual(older.root, EMPTY_ROOT)) throw new ProofError("size-0 checkpoint with a non-empty root");
      return;
    }
    const proof = await this.proveConsistency(older.size, newer.size);
    checkConsistency(proof, older.size, newer.size, older.root, newer.root);
  }
}

/** A long-lived reader (a monitor walking a large log) keeps the inner levels of its most recent tiles only. */
function boundedLevels(max: number): TileLevelsCache {
  const map = new Map<string, Hash[][]>();
  return {
    get: (path) => map.get(path),
    set: (path, levels) => {
      map.delete(path);
      map.set(path, levels);
      if (map.size > max) map.delete(map.keys().next().value!);
    },
  };
}
