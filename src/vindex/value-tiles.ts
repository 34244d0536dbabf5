/**
 * A key's list as write-once objects in R2, so a page of it is proven from a few objects whatever the
 * list's length. Under `index/value/<key path hex>/`:
 *
 *   chunk/<i>            chunk i, full (CHUNK_SIZE indices, uint64 BE)
 *   chunk/<i>.p/<n>      chunk i while it holds n < CHUNK_SIZE indices (the list's last)
 *   tile/<L>/<t>         the value tree's stored hashes, as tlog-tiles stores a log's: level 0 holds the
 *   tile/<L>/<t>.p/<w>   hashes of the full chunks, level L + 1 the root of each full run of 256 level-L
 *                        hashes; tile t of a level holds its hashes 256t .. 256t + w - 1
 *
 * Lists only grow, so a name (with its length) always means the same bytes: each object is written
 * once. A chunk's proof against the key's value root needs O(log n) subtree hashes; each is read from one
 * tile (at most 128 hashes folded), and the last chunk, while partial, from its own object.
 * @module
 */
import type { PathFetcher } from "../client/tile-reader.ts";
import { MalformedError } from "../tlog/errors.ts";
import { HASH_SIZE, type Hash } from "../tlog/hash.ts";
import { perfectSubtrees } from "../tlog/proof.ts";
import { splitHashes } from "../tlog/tree.ts";
import { CHUNK_SIZE, chunkHash, chunkNodeHash } from "./hash.ts";
import type { ChunkProof } from "./map.ts";
import type { MapStore } from "./store.ts";
import { chunkCount, chunkLength, VALUE_TILE_WIDTH, valueRoot } from "./value-tree.ts";

/** Levels of the value tree per stored level (log2 VALUE_TILE_WIDTH). */
const LEVEL_HEIGHT = 8;

/** The grammar of value object names (what the edge serves under /index/value/). */
export const VALUE_OBJECT_PATH =
  /^index\/value\/[0-9a-f]{64}\/(chunk\/(0|[1-9][0-9]{0,14})(\.p\/[1-9][0-9]{0,2})?|tile\/[0-9]\/(0|[1-9][0-9]{0,14})(\.p\/[1-9][0-9]{0,2})?)$/;

export function encodeIndices(indices: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 * indices.length);
  const view = new DataView(out.buffer);
  indices.forEach((n, i) => view.setBigUint64(8 * i, BigInt(n)));
  return out;
}

export function decodeIndices(bytes: Uint8Array): number[] {
  if (bytes.length % 8 !== 0) throw new MalformedError("a value chunk is not a whole number of indices");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let o = 0; o < bytes.length; o += 8) out.push(Number(view.getBigUint64(o)));
  return out;
}

/** Chunk `i` of a list of `count` indices. */
export function chunkPath(keyHex: string, count: number, i: number): string {
  const n = chunkLength(count, i);
  return `index/value/${keyHex}/chunk/${i}${n < CHUNK_SIZE ? `.p/${n}` : ""}`;
}

/** How many hashes level L stores for a list of `count` indices. */
function storedAt(count: number, level: number): number {
  return Math.floor(Math.floor(count / CHUNK_SIZE) / VALUE_TILE_WIDTH ** level);
}

function valueTileWidth(count: number, level: number, t: number): number {
  return Math.min(VALUE_TILE_WIDTH, storedAt(count, level) - t * VALUE_TILE_WIDTH);
}

export function valueTilePath(keyHex: string, count: number, level: number, t: number): string {
  const w = valueTileWidth(count, level, t);
  return `index/value/${keyHex}/tile/${level}/${t}${w < VALUE_TILE_WIDTH ? `.p/${w}` : ""}`;
}

/**
 * The objects a key's list has at `count` that it did not have at `before` (0 for a new key): the chunks
 * from the one `before` left partial, and the value tiles whose width grew.
 */
export function valueObjects(
  store: MapStore,
  keyHex: string,
  before: number,
  count: number,
): { path: string; body: Uint8Array }[] {
  const out: { path: string; body: Uint8Array }[] = [];
  for (let c = Math.floor(before / CHUNK_SIZE); c < chunkCount(count); c++)
    out.push({ path: chunkPath(keyHex, count, c), body: encodeIndices(store.chunk(keyHex, c)!) });
  for (let level = 0; storedAt(count, level) > storedAt(before, level); level++) {
    const was = storedAt(before, level);
    const now = storedAt(count, level);
    for (let t = Math.floor(was / VALUE_TILE_WIDTH); t * VALUE_TILE_WIDTH < now; t++) {
      const w = valueTileWidth(count, level, t);
      const body = new Uint8Array(w * HASH_SIZE);
      for (let j = 0; j < w; j++) body.set(store.valueHash(keyHex, level, t * VALUE_TILE_WIDTH + j)!, j * HASH_SIZE);
      out.push({ path: valueTilePath(keyHex, count, level, t), body });
    }
  }
  return out;
}

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The ranges of chunks whose hashes prove chunk m among [lo, hi), leaf to root (RFC 6962 PATH). */
function proofRanges(m: number, lo: number, hi: number, out: [number, number][] = []): [number, number][] {
  if (hi - lo <= 1) return out;
  const k = split(hi - lo);
  if (m < lo + k) {
    proofRanges(m, lo, lo + k, out);
    out.push([lo + k, hi]);
  } else {
    proofRanges(m, lo + k, hi, out);
    out.push([lo, lo + k]);
  }
  return out;
}

/** A piece of a range: a perfect subtree of full chunks (level j, index k), or the partial last chunk. */
type Piece = { level: number; index: number } | "partial";

/**
 * A range's hash is its pieces (largest first, the partial last chunk last) folded right to left: they
 * are the range's RFC 6962 split, as on a log's right edge.
 */
function piecesOf(lo: number, hi: number, fullChunks: number): Piece[] {
  const pieces: Piece[] = perfectSubtrees(lo, Math.min(hi, fullChunks));
  if (hi > fullChunks) pieces.push("partial");
  return pieces;
}

/**
 * Chunks `wanted` of a key's list of `count` indices with their proofs against its value root, from the
 * published objects (a few per chunk, whatever the list's length). Not trusted here: a client checks
 * each chunk against the signed value root.
 * @throws MalformedError when an object is missing or malformed
 */
export async function proveChunksFromObjects(
  fetch: PathFetcher,
  keyHex: string,
  count: number,
  wanted: readonly number[],
): Promise<ChunkProof[]> {
  const n = chunkCount(count);
  const full = Math.floor(count / CHUNK_SIZE);
  const plans = wanted.map((i) => {
    if (!Number.isSafeInteger(i) || i < 0 || i >= n)
      throw new RangeError(`key has ${n} chunks; there is no chunk ${i}`);
    return { i, ranges: proofRanges(i, 0, n).map(([lo, hi]) => piecesOf(lo, hi, full)) };
  });
  // Every object the proofs read, fetched once and in parallel.
  const paths = new Set<string>(wanted.map((i) => chunkPath(keyHex, count, i)));
  if (full < n) paths.add(chunkPath(keyHex, count, full));
  const stored = (p: Exclude<Piece, "partial">) => {
    const level = Math.floor(p.level / LEVEL_HEIGHT);
    const span = 2 ** (p.level - level * LEVEL_HEIGHT);
    const first = p.index * span;
    const t = Math.floor(first / VALUE_TILE_WIDTH);
    return { path: valueTilePath(keyHex, count, level, t), from: first - t * VALUE_TILE_WIDTH, span };
  };
  for (const plan of plans)
    for (const pieces of plan.ranges) for (const p of pieces) if (p !== "partial") paths.add(stored(p).path);
  const objects = new Map<string, Uint8Array>();
  await Promise.all(
    [...paths].map(async (path) => {
      const body = await fetch(path);
      if (!body) throw new MalformedError(`${path} is not available`);
      objects.set(path, body);
    }),
  );
  const chunkAt = (i: number) => decodeIndices(objects.get(chunkPath(keyHex, count, i))!);
  const pieceHash = (p: Piece): Hash => {
    if (p === "partial") return chunkHash(chunkAt(full));
    const { path, from, span } = stored(p);
    const body = objects.get(path)!;
    if (body.length % HASH_SIZE !== 0) throw new MalformedError(`${path} is not a whole number of hashes`);
    const hashes = splitHashes(body).slice(from, from + span);
    if (hashes.length !== span) throw new MalformedError(`${path} is too short`);
    return valueRoot(hashes);
  };
  return plans.map(({ i, ranges }) => ({
    chunk: i,
    indices: chunkAt(i),
    proof: ranges.map((pieces) => pieces.map(pieceHash).reduceRight((acc, h) => chunkNodeHash(h, acc))),
  }));
}
