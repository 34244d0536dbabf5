/**
 * RFC 6962 §2.1.1–2.1.2 inclusion and consistency proofs: plan, read once, compute
 * (golang/mod sumdb/tlog). Proving first lists the stored hashes it needs, reads them with one call
 * to a HashReader, checks the count, then folds. Checking follows RFC 9162 §2.1.3.2 and §2.1.4.2.
 * @module
 */
import { assert, MalformedError, ProofError } from "./errors.ts";
import { bytesEqual } from "./encoding.ts";
import { EMPTY_ROOT, HASH_SIZE, hashChildren, type Hash } from "./hash.ts";
import { TILE_HEIGHT, TILE_WIDTH, tilePath, tileWidth, type Tile } from "./tile.ts";

/** The root of the perfect subtree of 2^level leaves starting at leaf index·2^level. */
export interface StoredHash {
  level: number;
  index: number;
}

/** Returns the hashes for coords, in order. Called once per proof. */
export type HashReader = (coords: StoredHash[]) => Promise<Hash[]>;

/** A range [lo, hi) of leaves whose RFC 6962 subtree hash a proof needs. */
type Range = readonly [lo: number, hi: number];

/** Largest power of two strictly less than n (n ≥ 2): the split point k of RFC 6962 §2.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Decomposes [lo, hi) into maximal aligned perfect subtrees, left to right. */
export function perfectSubtrees(lo: number, hi: number): StoredHash[] {
  const out: StoredHash[] = [];
  while (lo < hi) {
    let level = 0;
    let width = 1;
    while (lo % (width * 2) === 0 && lo + width * 2 <= hi) {
      width *= 2;
      level++;
    }
    out.push({ level, index: lo / width });
    lo += width;
  }
  return out;
}

/** PATH(m, D[lo:hi]) as ranges, leaf to root (RFC 6962 §2.1.1). */
function inclusionRanges(m: number, lo: number, hi: number, out: Range[]): void {
  if (hi - lo <= 1) return;
  const k = splitPoint(hi - lo);
  if (m < lo + k) {
    inclusionRanges(m, lo, lo + k, out);
    out.push([lo + k, hi]);
  } else {
    inclusionRanges(m, lo + k, hi, out);
    out.push([lo, lo + k]);
  }
}

/** SUBPROOF(m, D[lo:hi], b) as ranges (RFC 6962 §2.1.2). */
function consistencyRanges(m: number, lo: number, hi: number, complete: boolean, out: Range[]): void {
  const n = hi - lo;
  if (m === n) {
    if (!complete) out.push([lo, hi]);
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    consistencyRanges(m, lo, lo + k, complete, out);
    out.push([lo + k, hi]);
  } else {
    consistencyRanges(m - k, lo + k, hi, false, out);
    out.push([lo, lo + k]);
  }
}

/** Reads every range's perfect subtrees in one call and folds each range to its MTH. */
async function hashRanges(ranges: readonly Range[], reader: HashReader): Promise<Hash[]> {
  const parts = ranges.map(([lo, hi]) => perfectSubtrees(lo, hi));
  const coords = parts.flat();
  const hashes = await reader(coords);
  if (hashes.length !== coords.length)
    throw new Error(`hash reader returned ${hashes.length} hashes for ${coords.length}`);
  let next = 0;
  return parts.map((p) => {
    const mine = hashes.slice(next, next + p.length);
    next += p.length;
    let h = mine[mine.length - 1]!;
    for (let i = mine.length - 2; i >= 0; i--) h = hashChildren(mine[i]!, h);
    return h;
  });
}

function checkSize(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new MalformedError(`${what} must be a non-negative integer`);
}

/** MTH(D[0:size]). */
export async function treeHash(size: number, reader: HashReader): Promise<Hash> {
  checkSize("size", size);
  if (size === 0) return EMPTY_ROOT;
  const [root] = await hashRanges([[0, size]], reader);
  return root!;
}

/** The audit path for leaf `index` in the tree of `size` leaves, leaf to root. */
export async function proveInclusion(index: number, size: number, reader: HashReader): Promise<Hash[]> {
  checkSize("index", index);
  checkSize("size", size);
  if (index >= size) throw new MalformedError(`index ${index} is not below tree size ${size}`);
  const ranges: Range[] = [];
  inclusionRanges(index, 0, size, ranges);
  return hashRanges(ranges, reader);
}

/**
 * The audit path of the complete subtree at (level, index) — the node over leaves index·2^level ..
 * (index+1)·2^level − 1 — in the tree of `size` leaves: its first leaf's path without the `level` hashes
 * inside the subtree. With checkSubtreeInclusion it proves a whole full tile (its root), or one aligned run of a
 * partial tile's hashes, at once.
 */
export async function proveSubtreeInclusion(
  level: number,
  index: number,
  size: number,
  reader: HashReader,
): Promise<Hash[]> {
  checkSize("level", level);
  checkSize("index", index);
  checkSize("size", size);
  if ((index + 1) * 2 ** level > size)
    throw new MalformedError(`subtree ${level}/${index} is not complete in a tree of size ${size}`);
  const ranges: Range[] = [];
  inclusionRanges(index * 2 ** level, 0, size, ranges);
  return hashRanges(ranges.slice(level), reader);
}

/** The consistency proof from oldSize to newSize (empty when oldSize is 0 or equals newSize). */
export async function proveConsistency(oldSize: number, newSize: number, reader: HashReader): Promise<Hash[]> {
  checkSize("old size", oldSize);
  checkSize("new size", newSize);
  if (oldSize > newSize) throw new MalformedError(`old size ${oldSize} is larger than new size ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const ranges: Range[] = [];
  consistencyRanges(oldSize, 0, newSize, true, ranges);
  return hashRanges(ranges, reader);
}

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** RFC 9162 §2.1.3.2: verifies `proof` for the leaf hash at `index` in the tree of `size` with root `root`. */
export function checkInclusion(proof: readonly Hash[], index: number, size: number, leafHash: Hash, root: Hash): void {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) throw new ProofError();
  if (leafHash.length !== HASH_SIZE || root.length !== HASH_SIZE) throw new ProofError();
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (p.length !== HASH_SIZE || sn === 0) throw new ProofError();
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0 || !bytesEqual(r, root)) throw new ProofError();
}

/**
 * Verifies that `node` is the hash of the complete subtree at (level, index) of the tree (size, root), by
 * its path above the subtree (proveSubtreeInclusion). Inside a complete aligned subtree the RFC 9162 walk
 * only halves both positions, so above it the walk is the leaf algorithm's from (index, (size − 1) >> level).
 */
export function checkSubtreeInclusion(
  proof: readonly Hash[],
  level: number,
  index: number,
  size: number,
  node: Hash,
  root: Hash,
): void {
  if (!Number.isSafeInteger(level) || level < 0 || !Number.isSafeInteger(index) || index < 0) throw new ProofError();
  if (!Number.isSafeInteger(size) || (index + 1) * 2 ** level > size) throw new ProofError();
  checkInclusion(proof, index, Math.floor((size - 1) / 2 ** level) + 1, node, root);
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree (newSize, newRoot) extends (oldSize, oldRoot).
 * As transparency-dev/merkle (proof/verify.go), a proof from the empty tree is meaningless and
 * rejected: callers treat oldSize 0 themselves (every tree extends the empty one).
 */
export function checkConsistency(
  proof: readonly Hash[],
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
): void {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize <= 0 || oldSize > newSize) {
    throw new ProofError();
  }
  if (oldSize === newSize) {
    if (proof.length > 0 || !bytesEqual(oldRoot, newRoot)) throw new ProofError();
    return;
  }
  if (proof.length === 0 || proof.some((p) => p.length !== HASH_SIZE)) throw new ProofError();
  // RFC 9162 §2.1.4.2 step 1: when oldSize is a power of two, the old root is the first node of the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError();
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0 || !bytesEqual(fr, oldRoot) || !bytesEqual(sr, newRoot)) throw new ProofError();
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1) {
    if (odd(n)) return false;
    n = half(n);
  }
  return n === 1;
}

/** Tile path → the tile's inner levels (levels[r][i] = node i at height r); a tile's path fixes its bytes. */
export interface TileLevelsCache {
  get(path: string): Hash[][] | undefined;
  set(path: string, levels: Hash[][], tile: Tile): void;
  /**
   * The levels of a narrower copy of `tile` (same level and index, fewer hashes) kept earlier, if any: a tile grows
   * only at its right edge, so the nodes over the hashes the two share need no hashing again (innerLevels).
   */
  narrower?(tile: Tile): Hash[][] | undefined;
}

/**
 * A HashReader over C2SP tiles for a tree of `size` leaves. A stored hash at level 8t+r is the
 * perfect root of 2^r consecutive hashes of a level-t tile, so it needs the one tile that holds
 * them, read at the width it has at `size`. The reader fetches each tile once (across calls) and
 * memoizes each tile's inner levels, so proofs for many leaves of one round share the work; given
 * a `cache`, readers share them too (tiles are write-once: a path always names the same bytes).
 */
export function tileHashReader(
  size: number,
  readTiles: (tiles: Tile[]) => Promise<Uint8Array[]>,
  cache: TileLevelsCache = new Map<string, Hash[][]>(),
): HashReader {
  return async (coords) => {
    const wanted = new Map<string, Tile>();
    const mine = new Map<string, Hash[][]>(); // this call's tiles: a shared cache may drop one meanwhile
    const located = coords.map(({ level, index }) => {
      const t = Math.floor(level / TILE_HEIGHT);
      const r = level % TILE_HEIGHT;
      const first = index * 2 ** r; // position of the subtree's first hash at tile level t
      const tileIndex = Math.floor(first / TILE_WIDTH);
      const width = tileWidth(t, tileIndex, size);
      const offset = first % TILE_WIDTH;
      if (offset + 2 ** r > width) throw new MalformedError(`hash ${level}/${index} is not in a tree of size ${size}`);
      const tile = { level: t, index: tileIndex, width };
      const path = tilePath(tile);
      const known = mine.get(path) ?? cache.get(path);
      if (known) mine.set(path, known);
      else wanted.set(path, tile);
      return { path, r, node: offset / 2 ** r };
    });
    if (wanted.size > 0) {
      const tiles = [...wanted.values()];
      const datas = await readTiles(tiles);
      if (datas.length !== tiles.length) throw new Error("tile reader returned the wrong number of tiles");
      tiles.forEach((tile, i) => {
        const data = datas[i]!;
        if (data.length !== tile.width * HASH_SIZE)
          throw new MalformedError(`${tilePath(tile)} has ${data.length} bytes`);
        const levels = innerLevels(data, cache.narrower?.(tile));
        cache.set(tilePath(tile), levels, tile);
        mine.set(tilePath(tile), levels);
      });
    }
    return located.map(({ path, r, node }) => {
      const h = mine.get(path)?.[r]?.[node];
      assert(h !== undefined, "tile hash located");
      return h;
    });
  };
}

/**
 * Every complete node inside a tile: levels[0] = its hashes, levels[r] = roots of aligned runs of 2^r. Given the
 * levels of another copy of the tile (`prior`, e.g. a narrower one), the nodes over the leading hashes both hold
 * byte for byte are taken from it: a node is a function of the hashes under it alone, whoever computed it.
 */
export function innerLevels(data: Uint8Array, prior?: Hash[][]): Hash[][] {
  const hashes: Hash[] = [];
  for (let o = 0; o < data.length; o += HASH_SIZE) hashes.push(data.subarray(o, o + HASH_SIZE));
  const before = prior?.[0] ?? [];
  let same = 0;
  while (same < before.length && same < hashes.length && bytesEqual(before[same]!, hashes[same]!)) same++;
  const levels: Hash[][] = [hashes];
  for (let r = 1; r < TILE_HEIGHT; r++) {
    const below = levels[r - 1]!;
    // Node i at height r covers hashes [i·2^r, (i+1)·2^r): the first ⌊same / 2^r⌋ lie within the shared ones.
    const row: Hash[] = prior?.[r]?.slice(0, Math.floor(same / 2 ** r)) ?? [];
    for (let i = 2 * row.length; i + 1 < below.length; i += 2) row.push(hashChildren(below[i]!, below[i + 1]!));
    levels.push(row);
  }
  return levels;
}

/** A HashReader over an in-memory list of leaf hashes (tests, small tools). */
export function memoryHashReader(leafHashes: readonly Hash[]): HashReader {
  const subtree = (level: number, index: number): Hash => {
    if (level === 0) return leafHashes[index]!;
    return hashChildren(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1));
  };
  return async (coords) =>
    coords.map(({ level, index }) => {
      if ((index + 1) * 2 ** level > leafHashes.length) throw new MalformedError("hash beyond the tree");
      return subtree(level, index);
    });
}
