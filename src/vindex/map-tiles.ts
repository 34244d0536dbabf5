/**
 * The map's nodes as write-once tiles in R2. The sparse tree is cut into strata of 8 levels: the tile of
 * a node at depth 8s (the root, or an interior node) holds what lies below it down to depth 8s + 8 as its
 * terminals, left to right: the key leaves in that range, and the interior nodes at depth 8s + 8 (the
 * roots of stratum s + 1's tiles). Every other node of the tile is rebuilt from them, so a reader
 * recomputes a tile's root and compares it with the hash it expects (the signed map root, or the
 * terminal naming it in its parent tile): a changed tile cannot go unnoticed.
 *
 * A tile is named by its stratum and its root: `index/tile/<s>/<root hex>`. The name follows from the
 * content (a root names every leaf path below it, so one root cannot stand at two places), so each object
 * is written once and never changes; a new map root brings new tiles along the changed paths only, and
 * older map checkpoints keep their tiles.
 *
 * Encoding: the terminals in order, each
 *   depth below the tile's root (1 byte, 0..8) · position at that depth (1 byte, < 2^depth) · kind (1 byte)
 *   kind 0, a subtree (depth 8 only): its hash (32 bytes)
 *   kind 1, a key's leaf: key path (32) · count (uint64 BE) · value root (32)
 * @module
 */
import type { PathFetcher } from "../client/tile-reader.ts";
import { bytesEqual, toHex } from "../tlog/encoding.ts";
import { MalformedError } from "../tlog/errors.ts";
import { HASH_SIZE, type Hash } from "../tlog/hash.ts";
import { EMPTY, keyPath, mapLeafHash, mapNodeHash } from "./hash.ts";
import { nodeId, withBit } from "./map.ts";
import type { MapProof } from "./proof.ts";
import type { MapStore } from "./store.ts";

/** Levels of the map per tile. */
export const STRATUM_HEIGHT = 8;
const STRATA = 256 / STRATUM_HEIGHT;
const KIND_NODE = 0;
const KIND_LEAF = 1;

export type TileTerminal = { depth: number; position: number } & (
  | { kind: "node"; hash: Hash }
  | { kind: "leaf"; path: Hash; count: number; valueRoot: Hash }
);

export interface MapTile {
  stratum: number;
  root: Hash;
  terminals: TileTerminal[];
}

export function mapTilePath(stratum: number, root: Hash): string {
  return `index/tile/${stratum}/${toHex(root)}`;
}

/** The grammar of map tile names (what the edge serves under /index/tile/). */
export const MAP_TILE_PATH = /^index\/tile\/([0-9]|[12][0-9]|3[01])\/[0-9a-f]{64}$/;

export function encodeMapTile(terminals: readonly TileTerminal[]): Uint8Array {
  const size = terminals.reduce((n, t) => n + 3 + (t.kind === "node" ? HASH_SIZE : 2 * HASH_SIZE + 8), 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const t of terminals) {
    out.set([t.depth, t.position, t.kind === "node" ? KIND_NODE : KIND_LEAF], o);
    o += 3;
    if (t.kind === "node") {
      out.set(t.hash, o);
      o += HASH_SIZE;
    } else {
      out.set(t.path, o);
      view.setBigUint64(o + HASH_SIZE, BigInt(t.count));
      out.set(t.valueRoot, o + HASH_SIZE + 8);
      o += 2 * HASH_SIZE + 8;
    }
  }
  return out;
}

/** Parses a map tile; its terminals must be in order and disjoint (one encoding per tile). @throws MalformedError */
export function decodeMapTile(bytes: Uint8Array): TileTerminal[] {
  const bad = (why: string) => new MalformedError(`map tile: ${why}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: TileTerminal[] = [];
  let nextSlot = 0;
  for (let o = 0; o < bytes.length; ) {
    if (o + 3 > bytes.length) throw bad("truncated");
    const [depth, position, kind] = [bytes[o]!, bytes[o + 1]!, bytes[o + 2]!];
    o += 3;
    if (depth > STRATUM_HEIGHT || position >= 1 << depth) throw bad(`no position ${position} at depth ${depth}`);
    const slot = position << (STRATUM_HEIGHT - depth);
    if (slot < nextSlot) throw bad("terminals out of order or overlapping");
    nextSlot = (position + 1) << (STRATUM_HEIGHT - depth);
    if (kind === KIND_NODE && depth === STRATUM_HEIGHT && o + HASH_SIZE <= bytes.length) {
      out.push({ depth, position, kind: "node", hash: bytes.slice(o, o + HASH_SIZE) });
      o += HASH_SIZE;
    } else if (kind === KIND_LEAF && o + 2 * HASH_SIZE + 8 <= bytes.length) {
      const count = Number(view.getBigUint64(o + HASH_SIZE));
      if (!Number.isSafeInteger(count) || count < 1) throw bad("a leaf's count must be at least 1");
      out.push({
        depth,
        position,
        kind: "leaf",
        path: bytes.slice(o, o + HASH_SIZE),
        count,
        valueRoot: bytes.slice(o + HASH_SIZE + 8, o + 2 * HASH_SIZE + 8),
      });
      o += 2 * HASH_SIZE + 8;
    } else {
      throw bad(
        kind === KIND_NODE || kind === KIND_LEAF
          ? "truncated, or a subtree above the bottom level"
          : `unknown kind ${kind}`,
      );
    }
  }
  if (out.length === 0) throw bad("no terminals");
  return out;
}

function terminalHash(t: TileTerminal): Hash {
  return t.kind === "node" ? t.hash : mapLeafHash(t.path, t.count, t.valueRoot);
}

const slotOf = (t: TileTerminal) => t.position << (STRATUM_HEIGHT - t.depth);

/** The hash of the node at `depth`, `position` below the tile's root, rebuilt from the terminals under it. */
function subtreeHash(terminals: readonly TileTerminal[], depth: number, position: number): Hash {
  const lo = position << (STRATUM_HEIGHT - depth);
  const hi = (position + 1) << (STRATUM_HEIGHT - depth);
  const inside = terminals.filter((t) => slotOf(t) >= lo && slotOf(t) < hi);
  if (inside.length === 0) return EMPTY;
  if (inside[0]!.depth <= depth) return terminalHash(inside[0]!); // disjoint: a terminal this high is alone here
  return mapNodeHash(subtreeHash(inside, depth + 1, 2 * position), subtreeHash(inside, depth + 1, 2 * position + 1));
}

/** The root a tile's terminals rebuild. */
export function mapTileRoot(terminals: readonly TileTerminal[]): Hash {
  return subtreeHash(terminals, 0, 0);
}

/** A key's position at `depth` below the root of its stratum-s tile: the path's bits 8s .. 8s + depth - 1. */
function positionIn(path: Hash, stratum: number, depth: number): number {
  return depth === 0 ? 0 : path[stratum]! >> (STRATUM_HEIGHT - depth);
}

type PathEnd = MapProof["terminal"] | { kind: "node"; hash: Hash };

/** A key's path through one tile: its siblings there (top first) and where the path leaves the tile. */
function walkTile(
  terminals: readonly TileTerminal[],
  path: Hash,
  stratum: number,
): { siblings: (Hash | null)[]; end: PathEnd } {
  const siblings: (Hash | null)[] = [];
  for (let depth = 0; ; depth++) {
    const position = positionIn(path, stratum, depth);
    const lo = position << (STRATUM_HEIGHT - depth);
    const hi = (position + 1) << (STRATUM_HEIGHT - depth);
    const inside = terminals.filter((t) => slotOf(t) >= lo && slotOf(t) < hi);
    if (inside.length === 0) return { siblings, end: { kind: "empty" } };
    const here = inside[0]!;
    if (here.depth <= depth)
      return {
        siblings,
        end:
          here.kind === "node"
            ? { kind: "node", hash: here.hash }
            : { kind: "leaf", path: here.path, count: here.count, valueRoot: here.valueRoot },
      };
    const sibling = subtreeHash(terminals, depth + 1, positionIn(path, stratum, depth + 1) ^ 1);
    siblings.push(bytesEqual(sibling, EMPTY) ? null : sibling);
  }
}

/**
 * A key's map proof read from the published tiles of the map with root `mapRoot`: one tile per stratum
 * down the key's path. The tiles are not trusted here: a client folds the proof up to the signed root.
 * @throws MalformedError when a tile is missing or malformed
 */
export async function proveFromTiles(fetch: PathFetcher, mapRoot: Hash, key: string): Promise<MapProof> {
  const path = keyPath(key);
  const siblings: (Hash | null)[] = [];
  let root = mapRoot;
  for (let stratum = 0; stratum < STRATA && !bytesEqual(root, EMPTY); stratum++) {
    const name = mapTilePath(stratum, root);
    const bytes = await fetch(name);
    if (!bytes) throw new MalformedError(`${name} is not available`);
    const walk = walkTile(decodeMapTile(bytes), path, stratum);
    siblings.push(...walk.siblings);
    if (walk.end.kind !== "node") return { siblings, terminal: walk.end };
    root = walk.end.hash;
  }
  return { siblings, terminal: { kind: "empty" } };
}

/** The tile of the stratum-s node on `path`, read from a map's store (undefined where that node is empty). */
export function mapTileAt(store: MapStore, path: Hash, stratum: number): MapTile | undefined {
  const base = stratum * STRATUM_HEIGHT;
  const top = store.node(nodeId(path, base));
  if (!top) return undefined;
  const terminals: TileTerminal[] = [];
  const visit = (p: Hash, depth: number): void => {
    const node = store.node(nodeId(p, depth));
    if (!node) return;
    const rel = depth - base;
    const position = positionIn(p, stratum, rel);
    if (node.leaf) {
      const state = store.keyState(toHex(node.leaf))!;
      terminals.push({
        depth: rel,
        position,
        kind: "leaf",
        path: node.leaf,
        count: state.count,
        valueRoot: state.valueRoot,
      });
    } else if (rel === STRATUM_HEIGHT) {
      terminals.push({ depth: rel, position, kind: "node", hash: node.hash });
    } else {
      visit(withBit(p, depth, 0), depth + 1);
      visit(withBit(p, depth, 1), depth + 1);
    }
  };
  visit(path, base);
  return { stratum, root: top.hash, terminals };
}

/** Every tile of the map in a store, top down (what an auditor compares with the published ones). */
export function* allMapTiles(store: MapStore): Generator<MapTile> {
  const pending: { path: Hash; stratum: number }[] = [{ path: EMPTY, stratum: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const tile = mapTileAt(store, next.path, next.stratum);
    if (!tile) continue;
    yield tile;
    for (const t of tile.terminals) {
      if (t.kind !== "node") continue;
      const path = new Uint8Array(next.path);
      path[next.stratum] = t.position;
      pending.push({ path, stratum: next.stratum + 1 });
    }
  }
}
