/**
 * Following a tlog-tiles log as a C2SP tlog-mirror: a pull update process ("A mirror MAY additionally implement
 * other update processes, provided it ... never violates its cosigner requirements on mirror checkpoints",
 * tlog-mirror §add-entries, Implementation Considerations). One step at a time, each bounded:
 *
 *  1. pending checkpoint (tlog-mirror §"Updating a Mirror"): when the mirror has caught up with its pending
 *     checkpoint, read the log's checkpoint and open it with the log's key (its origin the key's name). Not
 *     older than the mirror checkpoint; at the same size, the same root (else the log forked).
 *  2. authenticate before committing (§Design Rationale: "authenticating every log entry before committing"):
 *     the tiles, read from the mirror's own verified copy or else the log, must hash to the pending root, and
 *     prove the pending tree consistent with the mirror checkpoint (RFC 9162 §2.1.4.2).
 *  3. pending entries: copy the next entry bundles and level-0 tiles (at most `maxBundles`), each checked —
 *     every entry hashes to its level-0 hash, every full tile's root is its parent hash (itself checked the same
 *     way up to a right-edge partial that step 2 folded into the signed root) — then stored.
 *  4. once every entry is in: store the upper tiles (checked the same way), then the mirror checkpoint: the
 *     log's note with every signature it came with plus the mirror's cosignature (§Introduction: "The
 *     checkpoint served from this prefix MUST include a cosignature from the mirror"; "the mirror MUST NOT sign
 *     or update its mirror checkpoint until all entries are durably committed").
 * Anything that does not verify is a MirrorRefusal: nothing of that step is stored and the state stays.
 * Pure: the caller gives the log's reader, the mirror's store and the cosigner.
 * @module
 */
import type { PathFetcher } from "../client/tile-reader.ts";
import { openCheckpoint, type LogKey } from "../client/verify-checkpoint.ts";
import { parseBundle } from "../tlog/bundle.ts";
import type { CosignatureSigner } from "../tlog/cosignature.ts";
import { bytesEqual, utf8Decode, utf8Encode } from "../tlog/encoding.ts";
import { MalformedError, ProofError } from "../tlog/errors.ts";
import { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf, type Hash } from "../tlog/hash.ts";
import { parseNote } from "../tlog/note.ts";
import { checkConsistency, proveConsistency, tileHashReader, treeHash, type HashReader } from "../tlog/proof.ts";
import { ENTRIES_LEVEL, TILE_HEIGHT, TILE_WIDTH, tilePath, tilesForSize, tileWidth, type Tile } from "../tlog/tile.ts";

export interface TreeHead {
  /** The log's signed note, with every signature it came with. */
  note: string;
  size: number;
  root: Hash;
}

export interface MirrorState {
  /** The mirror checkpoint: the tree the mirror holds in full and has cosigned. */
  mirror: TreeHead | null;
  /** The pending checkpoint: at or ahead of the mirror checkpoint. */
  pending: TreeHead | null;
  /** The next entry: every entry below it (up to the pending size) is stored. */
  next: number;
}

export const EMPTY_MIRROR: MirrorState = { mirror: null, pending: null, next: 0 };

/** The mirror's copy of the log (tlog-tiles paths). Only verified objects are ever put. */
export interface MirrorStore {
  get(path: string): Promise<Uint8Array | null>;
  put(path: string, body: Uint8Array, kind: "tile" | "checkpoint"): Promise<void>;
}

export interface MirrorSource {
  origin: string;
  logKey: LogKey;
  /** Reads the log's `checkpoint` and `tile/...` paths; null when absent. */
  fetch: PathFetcher;
}

/** The log served something that does not verify: refused, reported, nothing of it stored. */
export class MirrorRefusal extends Error {
  override name = "MirrorRefusal";
}

export interface StepResult {
  state: MirrorState;
  /** The mirror is at the log's latest checkpoint (as of this step). */
  caughtUp: boolean;
  /** The cosigned checkpoint this step published, if it moved the mirror checkpoint. */
  published?: string;
}

/** Bundles (and level-0 tiles) per step by default: 16,384 entries, at most ~8 MiB of reads. */
export const DEFAULT_MAX_BUNDLES = 64;

export async function mirrorStep(
  src: MirrorSource,
  store: MirrorStore,
  state: MirrorState,
  cosigner: CosignatureSigner,
  nowSeconds: number,
  maxBundles = DEFAULT_MAX_BUNDLES,
): Promise<StepResult> {
  const m = state.mirror?.size ?? 0;
  let { pending, next } = state;
  let fresh = false;
  if (!pending || pending.size === m) {
    const cp = await latestCheckpoint(src);
    if (state.mirror && cp.size < m)
      throw new MirrorRefusal(`the log's checkpoint (size ${cp.size}) is older than the mirror's (size ${m})`);
    if (cp.size === m) {
      if (!bytesEqual(cp.root, state.mirror?.root ?? EMPTY_ROOT))
        throw new MirrorRefusal(`the log signed another tree of size ${m} than the one mirrored: a fork`);
      return { state, caughtUp: true };
    }
    pending = cp;
    next = Math.floor(m / TILE_WIDTH) * TILE_WIDTH;
    fresh = true;
  }
  const n = pending.size;
  const staged = new Map<string, Uint8Array>();
  const source = async (path: string): Promise<Uint8Array> => {
    const hit = staged.get(path) ?? (await store.get(path)) ?? (await src.fetch(path));
    if (hit === null) throw new Error(`the log has no ${path} (tree size ${n})`);
    staged.set(path, hit);
    return hit;
  };
  const reader = tileHashReader(n, (tiles) => Promise.all(tiles.map((t) => source(tilePath(t)))));
  await authenticated(async () => {
    // Step 2. A new pending checkpoint first: the log's own tiles must prove it extends the mirrored tree.
    if (fresh && state.mirror && m > 0) {
      const upstream = tileHashReader(n, (tiles) =>
        Promise.all(
          tiles.map(
            async (t) => (await src.fetch(tilePath(t))) ?? Promise.reject(new Error(`the log has no ${tilePath(t)}`)),
          ),
        ),
      );
      try {
        checkConsistency(await proveConsistency(m, n, upstream), m, n, state.mirror.root, pending.root);
      } catch (e) {
        if (e instanceof ProofError)
          throw new MirrorRefusal(
            `the log's checkpoint of size ${n} is not consistent with the mirrored one of size ${m}`,
          );
        throw e;
      }
    }
    // Each step: the tiles it reads (the mirror's verified copy first) are the ones the signed root commits to.
    if (!bytesEqual(await treeHash(n, reader), pending.root))
      throw new MirrorRefusal(`the log's tiles do not hash to the root of its checkpoint of size ${n}`);
  });

  // Step 3: the next bundles, with their level-0 tiles.
  const end = Math.min(n, next + maxBundles * TILE_WIDTH);
  const copies: { path: string; body: Uint8Array }[] = [];
  await authenticated(async () => {
    for (let start = next; start < end; start += TILE_WIDTH) {
      const index = start / TILE_WIDTH;
      const width = tileWidth(0, index, n);
      const tile: Tile = { level: 0, index, width };
      const bundle: Tile = { level: ENTRIES_LEVEL, index, width };
      const [hashes, entries] = await Promise.all([source(tilePath(tile)), source(tilePath(bundle))]);
      await checkTile(tile, hashes, reader);
      const parsed = parseBundle(entries);
      if (parsed.length !== width)
        throw new MirrorRefusal(`${tilePath(bundle)} holds ${parsed.length} entries, not ${width}`);
      parsed.forEach((e, i) => {
        if (!bytesEqual(hashLeaf(e), hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)))
          throw new MirrorRefusal(`entry ${start + i} in ${tilePath(bundle)} does not hash to its leaf hash`);
      });
      copies.push({ path: tilePath(bundle), body: entries }, { path: tilePath(tile), body: hashes });
    }
  });
  for (const c of copies) await store.put(c.path, c.body, "tile");
  next = end;
  if (next < n) return { state: { mirror: state.mirror, pending, next }, caughtUp: false };

  // Step 4: the upper tiles of the pending tree, then the cosigned mirror checkpoint.
  const upper = tilesForSize(n, m).filter((t) => t.level > 0);
  await authenticated(async () => {
    for (const t of upper) await checkTile(t, await source(tilePath(t)), reader);
  });
  for (const t of upper) await store.put(tilePath(t), staged.get(tilePath(t))!, "tile");
  const text = parseNote(pending.note).text;
  const published = pending.note + cosigner.cosignLine(text, nowSeconds);
  await store.put("checkpoint", utf8Encode(published), "checkpoint");
  return { state: { mirror: pending, pending, next: n }, caughtUp: false, published };
}

/** The log's checkpoint, opened with its key; a bad signature or origin is a refusal. */
async function latestCheckpoint(src: MirrorSource): Promise<TreeHead> {
  const body = await src.fetch("checkpoint");
  if (body === null) throw new Error("the log has no checkpoint");
  try {
    const cp = openCheckpoint(utf8Decode(body, "checkpoint"), [src.logKey]);
    if (cp.origin !== src.origin) throw new MirrorRefusal(`the checkpoint's origin is ${cp.origin}, not ${src.origin}`);
    return { note: cp.note, size: cp.size, root: cp.root };
  } catch (e) {
    if (e instanceof MirrorRefusal) throw e;
    throw new MirrorRefusal(`the log's checkpoint does not verify: ${(e as Error).message}`);
  }
}

/**
 * A tile's hashes are the tree's: a full tile's root is the stored hash one level up (its parent's, which is
 * checked the same way); a right-edge partial is folded whole into the root the caller checked (treeHash reads
 * every hash of it).
 */
async function checkTile(tile: Tile, data: Uint8Array, reader: HashReader): Promise<void> {
  if (data.length !== tile.width * HASH_SIZE)
    throw new MirrorRefusal(`${tilePath(tile)} has ${data.length} bytes, not ${tile.width * HASH_SIZE}`);
  if (tile.width < TILE_WIDTH) return;
  const [parent] = await reader([{ level: (tile.level + 1) * TILE_HEIGHT, index: tile.index }]);
  if (!bytesEqual(perfectRoot(data), parent!))
    throw new MirrorRefusal(`${tilePath(tile)} does not hash to its hash in the tile above`);
}

function perfectRoot(data: Uint8Array): Hash {
  let level: Hash[] = [];
  for (let o = 0; o < data.length; o += HASH_SIZE) level.push(data.subarray(o, o + HASH_SIZE));
  while (level.length > 1) {
    const up: Hash[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(hashChildren(level[i]!, level[i + 1]!));
    level = up;
  }
  return level[0]!;
}

/** Malformed objects from the log (a tile of the wrong length, a truncated bundle) are refusals too. */
async function authenticated(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof MalformedError) throw new MirrorRefusal(`the log served a malformed object: ${e.message}`);
    throw e;
  }
}
