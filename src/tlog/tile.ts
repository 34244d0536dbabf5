/**
 * C2SP tlog-tiles (tag tlog-tiles/v0.1.0): tile coordinates, paths and which tiles a tree size needs.
 *
 * A tile at level L and index N holds up to 256 hashes; hash i of it is the RFC 6962 root of the
 * 256^L leaves starting at leaf (N*256 + i) * 256^L. Level 0 holds leaf hashes; level L ≥ 1 holds the
 * roots of full tiles of level L-1. Entry bundles ("level -1" here) hold the entries themselves and
 * are indexed like level 0. Example: in a tree of 70,000 leaves, `tile/0/273.p/112` holds leaves
 * 69,888..69,999 and `tile/1/000.p/17`, `tile/2/000.p/1` complete the right edge.
 * @module
 */
import { MalformedError } from "./errors.ts";

/** C2SP tlog-tiles fixes the tile height at 8, so a full tile has 2^8 = 256 hashes (8,192 bytes). */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Pseudo-level for entry bundles (`tile/entries/...`). */
export const ENTRIES_LEVEL = -1;
/** Tile levels are decimal 0..63 in paths (C2SP tlog-tiles "<L>"). */
export const MAX_TILE_LEVEL = 63;

export interface Tile {
  /** 0..63 for hash tiles; ENTRIES_LEVEL (-1) for an entry bundle. */
  level: number;
  /** Tile index at that level: 0 ≤ index ≤ 2^53-1 (JS safe integers bound our log sizes). */
  index: number;
  /** 1..256; 256 is a full tile, anything less is a `.p/<W>` partial. */
  width: number;
}

/** Path elements of N: three-digit groups, all but the last prefixed with "x" (1234067 → x001/x234/067). */
function indexPath(index: number): string {
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, "0");
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? "x" + g : g)).join("/");
}

/** The tile's path relative to the log prefix, e.g. `tile/0/x001/x234/067.p/8` or `tile/entries/000`. */
export function tilePath(tile: Tile): string {
  const level = tile.level === ENTRIES_LEVEL ? "entries" : String(tile.level);
  const partial = tile.width < TILE_WIDTH ? `.p/${tile.width}` : "";
  return `tile/${level}/${indexPath(tile.index)}${partial}`;
}

/** A 2^53 index has 16 digits: at most 6 groups. */
const MAX_INDEX_GROUPS = 6;

/**
 * Parses a tile path (no leading slash). Strict: the path must be exactly what tilePath would
 * write for the parsed tile (no leading zeros, no missing "x", width 1..255), so each tile has one
 * spelling and a cache key cannot be aliased.
 */
export function parseTilePath(path: string): Tile {
  const bad = (why: string) => new MalformedError(`malformed tile path: ${why}`);
  const parts = path.split("/");
  if (parts[0] !== "tile" || parts.length < 3) throw bad("expected tile/<L>/<N>[.p/<W>]");
  let level: number;
  if (parts[1] === "entries") level = ENTRIES_LEVEL;
  else if (/^(0|[1-9][0-9]?)$/.test(parts[1]!)) level = Number(parts[1]);
  else throw bad("level must be 0..63 or entries");
  if (level > MAX_TILE_LEVEL) throw bad("level must be 0..63");
  let groups = parts.slice(2);
  let width = TILE_WIDTH;
  const last = groups[groups.length - 1]!;
  const beforeLast = groups[groups.length - 2];
  if (beforeLast !== undefined && beforeLast.endsWith(".p")) {
    if (!/^[1-9][0-9]{0,2}$/.test(last) || Number(last) > 255) throw bad("partial width must be 1..255");
    width = Number(last);
    groups = groups.slice(0, -1);
    groups[groups.length - 1] = beforeLast.slice(0, -2);
  }
  if (groups.length > MAX_INDEX_GROUPS) throw bad("index has too many groups");
  let digits = "";
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const re = i < groups.length - 1 ? /^x[0-9]{3}$/ : /^[0-9]{3}$/;
    if (!re.test(g)) throw bad(`bad index element ${JSON.stringify(g)}`);
    digits += g.replace("x", "");
  }
  const index = Number(digits);
  if (!Number.isSafeInteger(index)) throw bad("index out of range");
  const tile = { level, index, width };
  if (tilePath(tile) !== path) throw bad("not in canonical form");
  return tile;
}

/** 256^level, the number of leaves under one hash of a tile at this level (entries count as level 0). */
function leavesPerHash(level: number): number {
  return Math.pow(TILE_WIDTH, Math.max(level, 0));
}

/** How many hashes tile (level, index) holds in a tree of `size` leaves: 0 if it is empty. */
export function tileWidth(level: number, index: number, size: number): number {
  const hashes = Math.floor(size / leavesPerHash(level));
  return Math.max(0, Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH));
}

/** The tiles of one level whose content differs between tree sizes oldSize and newSize. */
function changedTiles(level: number, newSize: number, oldSize: number): Tile[] {
  const per = leavesPerHash(level);
  const newCount = Math.floor(newSize / per);
  const oldCount = Math.floor(oldSize / per);
  const tiles: Tile[] = [];
  if (newCount <= oldCount) return tiles;
  for (let n = Math.floor(oldCount / TILE_WIDTH); n * TILE_WIDTH < newCount; n++) {
    tiles.push({ level, index: n, width: tileWidth(level, n, newSize) });
  }
  return tiles;
}

/** Hash tiles (level ≥ 0) that a log growing from oldSize to newSize must write (golang/mod tlog.NewTiles, height 8). */
export function tilesForSize(newSize: number, oldSize = 0): Tile[] {
  const tiles: Tile[] = [];
  for (let level = 0; leavesPerHash(level) <= newSize; level++) {
    tiles.push(...changedTiles(level, newSize, oldSize));
  }
  return tiles;
}

/** Entry bundles that a log growing from oldSize to newSize must write. */
export function entryBundlesForSize(newSize: number, oldSize = 0): Tile[] {
  return changedTiles(ENTRIES_LEVEL, newSize, oldSize);
}
