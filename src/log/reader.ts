/**
 * The edge's view of its own log, read straight from R2 and checked: the latest checkpoint (its
 * signature verified with the log's key), entries (checked against the level-0 tile and proven to the
 * checkpoint's root) with their integrated times (their signature verified), proofs built from tiles, and
 * tiles and bundles as stored (right-edge partials from KV first) proven to the checkpoint before they are
 * served. Never calls the sequencer.
 *
 * Compute once, serve many: per isolate it keeps the write-once objects it read (tiles,
 * bundles; checked again on every use), the checkpoints and integrated times whose signatures verified
 * (by their exact bytes), and the newest checkpoint it verified. That one is reused for up to
 * CHECKPOINT_MAX_AGE seconds (the age /checkpoint may be cached at the edge) unless a read needs a larger
 * tree, and the view never goes back: a checkpoint in R2 older than one already verified here is not
 * served (a rolled-back bucket cannot make the edge vouch for an old tree as current).
 * @module
 */
import { TileReader, type VerifiedCheckpoint } from "../client/tile-reader.ts";
import type { HotStore, ObjectStore } from "../storage/object-store.ts";
import { parseCheckpoint } from "../tlog/checkpoint.ts";
import { bytesEqual, utf8Decode } from "../tlog/encoding.ts";
import { HASH_SIZE, hashLeaf, type Hash } from "../tlog/hash.ts";
import { newVerifier, openNoteAsync, type NoteVerifier } from "../tlog/note.ts";
import {
  checkInclusion,
  checkSubtreeInclusion,
  memoryHashReader,
  perfectSubtrees,
  proveSubtreeInclusion,
  treeHash,
  type TileLevelsCache,
} from "../tlog/proof.ts";
import { ENTRIES_LEVEL, TILE_HEIGHT, tilePath, tileWidth, TILE_WIDTH, type Tile } from "../tlog/tile.ts";
import { MalformedError, ProofError } from "../tlog/errors.ts";
import { parseBundle } from "../tlog/bundle.ts";
import { bundlePath, CHECKPOINT_PATH } from "../tlog/layout.ts";
import { LruCache, onClearCaches } from "../lru-cache.ts";
import { integratedTimeAt, verifiedIntegratedTimes } from "./integrated-times.ts";
import type { CheckpointKey } from "./keys.ts";

/** The log has no checkpoint that verifies (not published yet, or R2 holds a bad one): retry later. */
export class NoCheckpointError extends Error {}

/** No entry at this index under the checkpoint read. */
export class NoEntryError extends Error {}

/** What a reader reads: a log's name, its checkpoint key, its objects, and how long a checkpoint may be reused. */
export interface ReaderSource {
  name: string;
  key: CheckpointKey;
  objects: ObjectStore;
  /** The log's copies of right-edge partial tiles and bundles (KV), read before R2 when serving one. */
  hot?: HotStore;
  checkpointMaxAgeSeconds: number;
}

export interface StoredEntry {
  leaf: Uint8Array;
  leafHash: Hash;
  index: number;
  integratedTime: number;
  inclusionProof: Hash[];
}

interface StoredObject {
  body: Uint8Array;
  metadata?: Record<string, string>;
}

/** Write-once objects by log and path, at most 32 MiB of them. Never trusted: every use checks them again. */
const objects = new LruCache<string, StoredObject>(4096, 32 << 20, (o) => o.body.length + 512);
/** Tiles' inner levels (up to 511 hashes each) by log and path, so a tile is hashed once per isolate, not per read. */
const tileLevels = new LruCache<string, Hash[][]>(128);
/**
 * By log, level and tile index: the inner levels of the widest copy hashed so far. The right-edge tiles grow with
 * each round; a new width is hashed only past what it shares with the last (innerLevels in src/tlog/proof.ts).
 */
const widestLevels = new LruCache<string, Hash[][]>(64);
/** Checkpoints whose signature verified, by key and exact note. */
const verifiedCheckpoints = new LruCache<string, VerifiedCheckpoint>(256);
/** Integrated times whose signature verified, by key, bundle position and the exact metadata. */
const verifiedTimes = new LruCache<string, string>(4096);
/** Per log: the newest checkpoint verified in this isolate, and when R2 was last read for it. */
const newest = new Map<string, { cp: VerifiedCheckpoint; readAt: number }>();
onClearCaches(() => newest.clear());

const verifiers = new LruCache<string, NoteVerifier>(64);

/** A log's name in the isolate's caches: its shard and its checkpoint key (LogReader.logId). */
export const logIdOf = (shard: string, vkey: string): string => `${shard}\n${vkey}`;

/**
 * The newest checkpoint verified in this isolate for `logId` (logIdOf, LogReader.logId), if it has at least
 * `atLeast` entries and R2 was read for it less than `maxAgeMs` ago: what LogReader.checkpoint answers without a read,
 * for callers that need no reader otherwise (a cached answer's key names the tree).
 */
export function freshCheckpoint(logId: string, atLeast: number, maxAgeMs: number): VerifiedCheckpoint | undefined {
  const known = newest.get(logId);
  return known && known.cp.size >= atLeast && Date.now() - known.readAt < maxAgeMs ? known.cp : undefined;
}

export class LogReader {
  private readonly store: ObjectStore;
  private readonly hot: HotStore | undefined;
  private readonly tiles: TileReader;
  private readonly key: CheckpointKey;
  /** The log this reader reads: its shard and its checkpoint key (the caches' namespace). */
  readonly logId: string;
  private readonly maxAgeMs: number;
  /** The cached objects this reader used: dropped from the cache if a check of them fails. */
  private readonly used = new Set<string>();

  constructor(source: ReaderSource) {
    const key = source.key;
    this.key = key;
    this.logId = logIdOf(source.name, key.vkey);
    this.maxAgeMs = source.checkpointMaxAgeSeconds * 1000;
    this.store = source.objects;
    this.hot = source.hot;
    let verifier = verifiers.get(key.vkey);
    if (!verifier) verifiers.set(key.vkey, (verifier = newVerifier(key.vkey)));
    // TileReader asks for tiles and bundles only; the checkpoint is read here (checkpoint()).
    const id = (path: string) => `${this.logId}\n${path}`;
    const at = (tile: Tile) => `${this.logId}\n${tile.level}/${tile.index}`;
    const levels: TileLevelsCache = {
      get: (path) => tileLevels.get(id(path)),
      set: (path, v, tile) => {
        this.used.add(id(path));
        tileLevels.set(id(path), v);
        if ((widestLevels.get(at(tile))?.[0]?.length ?? 0) < v[0]!.length) widestLevels.set(at(tile), v);
      },
      narrower: (tile) => widestLevels.get(at(tile)),
    };
    this.tiles = new TileReader(async (path) => (await this.object(path))?.body ?? null, [verifier], levels);
  }

  /** Reads of this reader in flight, shared by concurrent callers (search builds a page of hits in parallel). */
  private readonly reads = new Map<string, Promise<StoredObject | null>>();

  private object(path: string): Promise<StoredObject | null> {
    let p = this.reads.get(path);
    if (!p) this.reads.set(path, (p = this.load(path)));
    return p;
  }

  /** One R2 read per object per isolate while it stays cached. */
  private async load(path: string): Promise<StoredObject | null> {
    const id = `${this.logId}\n${path}`;
    this.used.add(id);
    const hit = objects.get(id);
    if (hit) return hit;
    const got = path.startsWith("tile/entries/")
      ? await this.store.getWithMetadata(path)
      : await this.store.get(path).then((body) => body && { body });
    if (got) objects.set(id, got);
    return got;
  }

  /**
   * The newest checkpoint: verified, and at least `atLeast` entries when the log has them (a read of an
   * index the cached view does not hold yet looks at R2 again). NoCheckpointError if none verifies.
   */
  async checkpoint(atLeast = 0): Promise<VerifiedCheckpoint> {
    const fresh = freshCheckpoint(this.logId, atLeast, this.maxAgeMs);
    if (fresh) return fresh;
    let cp: VerifiedCheckpoint;
    try {
      const body = await this.store.get(CHECKPOINT_PATH);
      if (body === null) throw new Error("no checkpoint in R2");
      cp = await this.verify(utf8Decode(body));
    } catch (e) {
      console.error("reading the checkpoint:", e);
      throw new NoCheckpointError("the log has no readable checkpoint yet");
    }
    return this.remember(cp);
  }

  private async verify(note: string): Promise<VerifiedCheckpoint> {
    const id = `${this.key.vkey}\n${note}`;
    const hit = verifiedCheckpoints.get(id);
    if (hit) return hit;
    const opened = await openNoteAsync(note, [verifiers.get(this.key.vkey) ?? newVerifier(this.key.vkey)]);
    const cp = { ...parseCheckpoint(opened.text), note };
    verifiedCheckpoints.set(id, cp);
    return cp;
  }

  /** Keeps the newest verified checkpoint; one older than it (or another tree of its size) is not served. */
  private remember(cp: VerifiedCheckpoint): VerifiedCheckpoint {
    const known = newest.get(this.logId);
    if (known && (cp.size < known.cp.size || (cp.size === known.cp.size && !bytesEqual(cp.root, known.cp.root)))) {
      console.error(
        `R2's checkpoint (size ${cp.size}) is not the newest this isolate verified (size ${known.cp.size}): serving that one`,
      );
      known.readAt = Date.now();
      return known.cp;
    }
    newest.set(this.logId, { cp, readAt: Date.now() });
    return cp;
  }

  proofReader(): TileReader {
    return this.tiles;
  }

  /** The entries of bundle `n` of the tree of `size` (not yet checked against the tiles: see TileReader.entry). */
  async bundle(n: number, size: number): Promise<Uint8Array[]> {
    const path = bundlePath(n, size);
    const data = (await this.object(path))?.body ?? null;
    if (data === null) throw new Error(`${path} is missing from the object store`);
    return parseBundle(data);
  }

  /**
   * Entry `index` under checkpoint `cp`, with its integrated time and inclusion proof, proven to the
   * checkpoint's root: R2 alone is not trusted (docs/SECURITY.md), and the edge signs over what this returns.
   */
  async entry(index: number, cp: VerifiedCheckpoint): Promise<StoredEntry> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= cp.size)
      throw new NoEntryError(`no entry at index ${index}`);
    try {
      const leaf = await this.tiles.entry(index, cp.size);
      const n = Math.floor(index / TILE_WIDTH);
      const width = tileWidth(ENTRIES_LEVEL, n, cp.size);
      const path = tilePath({ level: ENTRIES_LEVEL, index: n, width });
      const inclusionProof = await this.tiles.proveInclusion(index, cp.size);
      // A bundle and level-0 tile replaced together pass tiles.entry; the proof to the signed root does not.
      const leafHash = hashLeaf(leaf);
      checkInclusion(inclusionProof, index, cp.size, leafHash, cp.root);
      const times = await this.integratedTimes(path, n, width);
      return { leaf, leafHash, index, integratedTime: integratedTimeAt(times, index % TILE_WIDTH), inclusionProof };
    } catch (e) {
      this.forgetUsed();
      throw e;
    }
  }

  /**
   * Tile or bundle `tile` as stored, proven to the newest verified checkpoint: every hash of a hash tile is a
   * complete node of the tree (a full tile's 256 hashes fold to one node, a right-edge partial's W to at most
   * eight, one per maximal aligned run), each node proven by its subtree inclusion proof, which authenticates
   * every hash under it; a bundle's entries by their leaf hashes against the level-0 tile of its width so
   * proven. Full tiles and bundles come from R2; partials from KV first (eventually consistent: a miss there
   * is no answer), else R2. NoEntryError if no checkpoint covers the tile yet (the view is read again from R2
   * first); ProofError (or MalformedError) if the stored bytes are not the log's.
   */
  async provenTile(tile: Tile): Promise<Uint8Array> {
    const path = tilePath(tile);
    if (!Number.isSafeInteger(tile.width) || tile.width < 1 || tile.width > TILE_WIDTH)
      throw new MalformedError(`${path}: a tile holds 1 to ${TILE_WIDTH} hashes`);
    const bundle = tile.level === ENTRIES_LEVEL;
    const level = TILE_HEIGHT * (bundle ? 0 : tile.level);
    // The tile's hashes are the nodes [first, first + width) at `level`: every leaf under them must be in the tree.
    const first = tile.index * TILE_WIDTH;
    const leaves = (first + tile.width) * 2 ** level;
    const cp = await this.checkpoint(leaves);
    // tlog-tiles: a tile is published once a checkpoint covers it.
    if (leaves > cp.size) throw new NoEntryError(`${path} has not been published`);
    try {
      const data = await this.storedTile(path, tile.width < TILE_WIDTH);
      if (data === null) throw new NoEntryError(`${path} has not been published`);
      const hashTile = bundle ? await this.provenTile({ level: 0, index: tile.index, width: tile.width }) : data;
      if (hashTile.length !== tile.width * HASH_SIZE) throw new MalformedError(`${path} has ${hashTile.length} bytes`);
      const hashes = Array.from({ length: tile.width }, (_, i) =>
        hashTile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE),
      );
      if (bundle) {
        const entries = parseBundle(data);
        if (entries.length !== tile.width) throw new MalformedError(`${path} has ${entries.length} entries`);
        entries.forEach((e, i) => {
          if (!bytesEqual(hashLeaf(e), hashes[i]!)) throw new ProofError(`${path}: entry ${i} is not the log's`);
        });
        return data;
      }
      for (const run of perfectSubtrees(first, first + tile.width)) {
        const start = run.index * 2 ** run.level - first;
        const node = await treeHash(2 ** run.level, memoryHashReader(hashes.slice(start, start + 2 ** run.level)));
        const proof = await proveSubtreeInclusion(
          level + run.level,
          run.index,
          cp.size,
          this.tiles.hashReader(cp.size),
        );
        checkSubtreeInclusion(proof, level + run.level, run.index, cp.size, node, cp.root);
      }
      return data;
    } catch (e) {
      if (!(e instanceof NoEntryError)) this.forgetUsed();
      throw e;
    }
  }

  /** A tile's bytes as stored: a right-edge partial from KV if it is there (not kept: the caller keeps what proved). */
  private async storedTile(path: string, partial: boolean): Promise<Uint8Array | null> {
    const hot = partial ? await this.hot?.get(path).catch(() => null) : null;
    return hot ?? (await this.object(path))?.body ?? null;
  }

  /** A bundle's times, signed by the log's key: R2 alone cannot backdate what the edge then signs in a SET. */
  private async integratedTimes(path: string, index: number, width: number): Promise<string> {
    const metadata = (await this.object(path))?.metadata;
    const id = `${this.key.vkey}\n${path}\n${JSON.stringify(metadata ?? null)}`;
    const hit = verifiedTimes.get(id);
    if (hit !== undefined) return hit;
    const times = await verifiedIntegratedTimes(
      metadata,
      { origin: this.key.origin, index, width },
      this.key.publicKey,
    );
    verifiedTimes.set(id, times);
    return times;
  }

  /** After a failed check: the objects it used are read from R2 again next time (they may have been repaired). */
  forgetUsed(): void {
    for (const id of this.used) {
      objects.delete(id);
      tileLevels.delete(id);
    }
  }
}
