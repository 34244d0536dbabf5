/**
 * A key's value (its log indices, in order) is cut into chunks of CHUNK_SIZE and committed by a Merkle
 * tree of RFC 6962's shape over the chunk hashes, with the index's own node tag (hash.ts). A page of a
 * long list is then one chunk and its inclusion proof; appending to a list touches only its last chunk
 * and the frontier of full-chunk subtrees, never the whole list.
 * @module
 */
import { bytesEqual } from "../tlog/encoding.ts";
import { ProofError } from "../tlog/errors.ts";
import type { Hash } from "../tlog/hash.ts";
import { CHUNK_SIZE, chunkNodeHash, EMPTY } from "./hash.ts";

/** Stored value-tree hashes per value tile: level L + 1 holds the root of each full run of this many level-L hashes. */
export const VALUE_TILE_WIDTH = 256;

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root over chunk hashes (EMPTY for none: a key in the map always has at least one). */
export function valueRoot(chunks: readonly Hash[]): Hash {
  if (chunks.length === 0) return EMPTY;
  if (chunks.length === 1) return chunks[0]!;
  const k = split(chunks.length);
  return chunkNodeHash(valueRoot(chunks.slice(0, k)), valueRoot(chunks.slice(k)));
}

/**
 * The frontier of a list of full chunks: the roots of its perfect subtrees, largest first (one per set
 * bit of the chunk count). Appending a chunk merges equal-sized subtrees, like a log's right edge.
 */
export function appendToFrontier(frontier: readonly Hash[], fullChunks: number, chunk: Hash): Hash[] {
  const out = [...frontier, chunk];
  for (let n = fullChunks; n % 2 === 1; n = Math.floor(n / 2)) {
    const right = out.pop()!;
    const left = out.pop()!;
    out.push(chunkNodeHash(left, right));
  }
  return out;
}

/** The value root of the full chunks in `frontier` followed by an optional partial last chunk. */
export function rootFromFrontier(frontier: readonly Hash[], fullChunks: number, partial?: Hash): Hash {
  const hashes = partial ? appendToFrontier(frontier, fullChunks, partial) : [...frontier];
  if (hashes.length === 0) return EMPTY;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = chunkNodeHash(hashes[i]!, acc);
  return acc;
}

/** The inclusion proof of chunk `i` among `chunks`, leaf to root (RFC 6962 PATH). */
export function chunkInclusionProof(chunks: readonly Hash[], i: number): Hash[] {
  if (i < 0 || i >= chunks.length) throw new RangeError(`chunk ${i} is not among ${chunks.length}`);
  if (chunks.length === 1) return [];
  const k = split(chunks.length);
  return i < k
    ? [...chunkInclusionProof(chunks.slice(0, k), i), valueRoot(chunks.slice(k))]
    : [...chunkInclusionProof(chunks.slice(k), i - k), valueRoot(chunks.slice(0, k))];
}

/** Checks that `chunk` is chunk `i` of `n` under `root` (RFC 9162 §2.1.3.2 with the chunk node tag). */
export function checkChunkInclusion(proof: readonly Hash[], i: number, n: number, chunk: Hash, root: Hash): void {
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(n) || i < 0 || i >= n)
    throw new ProofError(`chunk ${i} is not among ${n}`);
  let fn = i;
  let sn = n - 1;
  let r = chunk;
  for (const p of proof) {
    if (sn === 0) throw new ProofError("chunk proof is too long");
    if (fn % 2 === 1 || fn === sn) {
      r = chunkNodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = chunkNodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError("chunk proof is too short");
  if (!bytesEqual(r, root)) throw new ProofError("chunk proof does not lead to the value root");
}

/** How many chunks a list of `count` indices has, and how many indices chunk `i` holds. */
export function chunkCount(count: number): number {
  return Math.ceil(count / CHUNK_SIZE);
}

export function chunkLength(count: number, i: number): number {
  return Math.max(0, Math.min(CHUNK_SIZE, count - i * CHUNK_SIZE));
}
