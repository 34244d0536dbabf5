/**
 * Incremental RFC 6962 tree building over tiles, for the sequencer.
 *
 * The right edge of a tree of size s is the partial tile at every level: level l holds
 * floor(s / 256^l) mod 256 hashes. It is all a sequencer needs to append leaves, write the tiles that
 * change, and compute the root, so a round never reads tiles back from object storage.
 * @module
 */
import { assert } from "./errors.ts";
import { EMPTY_ROOT, HASH_SIZE, hashChildren, type Hash } from "./hash.ts";
import { TILE_WIDTH, type Tile } from "./tile.ts";

export interface RightEdge {
  /** Tree size (number of leaves). */
  size: number;
  /** levels[l] = the hashes of the partial tile at level l (0..255 of them). */
  levels: Hash[][];
}

export interface TileData {
  tile: Tile;
  /** Concatenated 32-byte hashes, width × 32 bytes. */
  data: Uint8Array;
}

export function emptyEdge(): RightEdge {
  return { size: 0, levels: [] };
}

/** Root of a perfect subtree from its 2^k leaves-or-subtree hashes (RFC 6962 MTH of a power-of-two list). */
export function perfectRoot(hashes: readonly Hash[]): Hash {
  assert(hashes.length > 0 && (hashes.length & (hashes.length - 1)) === 0, "perfectRoot needs 2^k hashes");
  let level = hashes.slice();
  while (level.length > 1) {
    const next: Hash[] = new Array(level.length / 2);
    for (let i = 0; i < next.length; i++) next[i] = hashChildren(level[2 * i]!, level[2 * i + 1]!);
    level = next;
  }
  return level[0]!;
}

export function concatHashes(hashes: readonly Hash[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => out.set(h, i * HASH_SIZE));
  return out;
}

export function splitHashes(data: Uint8Array): Hash[] {
  assert(data.length % HASH_SIZE === 0, "hash data length");
  const out: Hash[] = [];
  for (let o = 0; o < data.length; o += HASH_SIZE) out.push(data.slice(o, o + HASH_SIZE));
  return out;
}

/**
 * Appends leaf hashes to the tree. Returns the new edge (the input is not modified) and every hash
 * tile whose content changed: each tile completed on the way (full, 256 hashes) and the final
 * partial tile of each level that received hashes. This is the set tilesForSize(new, old) names.
 */
export function appendLeaves(edge: RightEdge, leafHashes: readonly Hash[]): { edge: RightEdge; tiles: TileData[] } {
  const levels = edge.levels.map((l) => l.slice());
  const touched = new Set<number>();
  const tiles: TileData[] = [];
  let size = edge.size;

  const push = (level: number, hash: Hash, countAtLevel: number): void => {
    // countAtLevel = number of hashes at this level once `hash` is added = floor(size / 256^level).
    const row = (levels[level] ??= []);
    row.push(hash);
    touched.add(level);
    if (row.length === TILE_WIDTH) {
      const index = countAtLevel / TILE_WIDTH - 1;
      tiles.push({ tile: { level, index, width: TILE_WIDTH }, data: concatHashes(row) });
      levels[level] = [];
      touched.delete(level);
      push(level + 1, perfectRoot(row), countAtLevel / TILE_WIDTH);
    }
  };

  for (const leaf of leafHashes) {
    assert(leaf.length === HASH_SIZE, "leaf hash size");
    size++;
    push(0, leaf, size);
  }
  for (const level of [...touched].sort((a, b) => a - b)) {
    const row = levels[level]!;
    if (row.length === 0) continue;
    const count = Math.floor(size / Math.pow(TILE_WIDTH, level));
    tiles.push({ tile: { level, index: Math.floor(count / TILE_WIDTH), width: row.length }, data: concatHashes(row) });
  }
  while (levels.length > 0 && levels[levels.length - 1]!.length === 0) levels.pop();
  return { edge: { size, levels }, tiles };
}

/**
 * The RFC 6962 root of the tree the edge describes. The partial tiles, from the top level down,
 * list the tree's perfect subtrees left to right; each level's k hashes split into power-of-two
 * runs (binary digits of k), and MTH is the right fold of those subtree roots.
 */
export function edgeRoot(edge: RightEdge): Hash {
  const subtrees: Hash[] = [];
  for (let level = edge.levels.length - 1; level >= 0; level--) {
    const row = edge.levels[level]!;
    let offset = 0;
    for (let run = TILE_WIDTH / 2; run >= 1; run /= 2) {
      if (row.length & run) {
        subtrees.push(perfectRoot(row.slice(offset, offset + run)));
        offset += run;
      }
    }
  }
  if (subtrees.length === 0) return EMPTY_ROOT;
  let root = subtrees[subtrees.length - 1]!;
  for (let i = subtrees.length - 2; i >= 0; i--) root = hashChildren(subtrees[i]!, root);
  return root;
}

/** Checks that an edge's shape matches its size (used when loading one from storage). */
export function edgeIsWellFormed(edge: RightEdge): boolean {
  let size = 0;
  for (let level = 0; level < edge.levels.length; level++) {
    const row = edge.levels[level]!;
    if (row.length >= TILE_WIDTH || row.some((h) => h.length !== HASH_SIZE)) return false;
    size += row.length * Math.pow(TILE_WIDTH, level);
  }
  return size === edge.size;
}

/** The partial tiles of the edge, as they are published for its size. */
export function edgeTiles(edge: RightEdge): TileData[] {
  const out: TileData[] = [];
  edge.levels.forEach((row, level) => {
    if (row.length === 0) return;
    const count = Math.floor(edge.size / Math.pow(TILE_WIDTH, level));
    out.push({ tile: { level, index: Math.floor(count / TILE_WIDTH), width: row.length }, data: concatHashes(row) });
  });
  return out;
}

/** Reference RFC 6962 §2.1 MTH by direct recursion; for tests and cross-checks only. */
export function naiveRoot(leafHashes: readonly Hash[]): Hash {
  const n = leafHashes.length;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHashes[0]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return hashChildren(naiveRoot(leafHashes.slice(0, k)), naiveRoot(leafHashes.slice(k)));
}
