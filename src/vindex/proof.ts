/**
 * Checking what the verifiable index says about a key, with nothing but a map root (from a signed map
 * checkpoint): a key's count and value root, or that no entry has the key; then each chunk of its list.
 *
 * Why it is sound: every node hash carries its kind's tag (hash.ts), and a leaf's hash names its key's
 * path. Folding a proof up to the root re-derives each node on the key's path; two proofs for one key
 * that both reach the same root must agree node by node (else SHA-256 collides), so they end at the same
 * depth in the same leaf (same count, same value root) or both in EMPTY, or both in one other key's leaf.
 * Hence a key cannot be shown both present and absent, or with two values, under one root.
 * @module
 */
import { bytesEqual } from "../tlog/encoding.ts";
import { ProofError } from "../tlog/errors.ts";
import { HASH_SIZE, type Hash } from "../tlog/hash.ts";
import { CHUNK_SIZE, chunkHash, EMPTY, keyPath, mapLeafHash, mapNodeHash, pathBit } from "./hash.ts";
import { checkChunkInclusion, chunkCount, chunkLength } from "./value-tree.ts";

/** The map path of `depth` siblings, root first; null stands for EMPTY (most of them, in a sparse map). */
export interface MapProof {
  siblings: (Hash | null)[];
  /** Where the key's path ends: nothing there, or a leaf (the key's own, or one other key's alone there). */
  terminal: { kind: "empty" } | { kind: "leaf"; path: Hash; count: number; valueRoot: Hash };
}

/** What a verified map proof says of a key: absent, or present with `count` indices under `valueRoot`. */
export type KeyValue = { present: false } | { present: true; count: number; valueRoot: Hash };

/** The map root a proof leads to for `path`. */
function rootOf(path: Hash, proof: MapProof): Hash {
  const t = proof.terminal;
  let hash = t.kind === "empty" ? EMPTY : mapLeafHash(t.path, t.count, t.valueRoot);
  for (let d = proof.siblings.length - 1; d >= 0; d--) {
    const sibling = proof.siblings[d] ?? EMPTY;
    if (sibling.length !== HASH_SIZE) throw new ProofError("map proof: a sibling is not 32 bytes");
    hash = pathBit(path, d) === 0 ? mapNodeHash(hash, sibling) : mapNodeHash(sibling, hash);
  }
  return hash;
}

/** Verifies a key's map proof against `root`. @throws ProofError */
export function verifyKey(root: Hash, key: string, proof: MapProof): KeyValue {
  const path = keyPath(key);
  const depth = proof.siblings.length;
  if (depth > 256) throw new ProofError("map proof: deeper than 256 levels");
  const t = proof.terminal;
  if (t.kind === "leaf") {
    if (t.path.length !== HASH_SIZE || t.valueRoot.length !== HASH_SIZE)
      throw new ProofError("map proof: malformed leaf");
    if (!Number.isSafeInteger(t.count) || t.count < 1)
      throw new ProofError("map proof: a leaf's count must be at least 1");
    for (let d = 0; d < depth; d++) {
      if (pathBit(t.path, d) !== pathBit(path, d)) throw new ProofError("map proof: the leaf is not on the key's path");
    }
  }
  if (!bytesEqual(rootOf(path, proof), root)) throw new ProofError("map proof does not lead to the map root");
  if (t.kind === "leaf" && bytesEqual(t.path, path)) return { present: true, count: t.count, valueRoot: t.valueRoot };
  return { present: false };
}

/**
 * Verifies chunk `chunk` of a key's list: its proof against the value root, its length (every chunk
 * but the last is full), and that its indices rise strictly and lie below the map's log size.
 * @throws ProofError
 */
export function verifyChunk(
  value: { count: number; valueRoot: Hash },
  logSize: number,
  chunk: number,
  indices: readonly number[],
  proof: readonly Hash[],
): void {
  const n = chunkCount(value.count);
  if (!Number.isSafeInteger(chunk) || chunk < 0 || chunk >= n)
    throw new ProofError(`the key's list has ${n} chunks; there is no chunk ${chunk}`);
  if (indices.length !== chunkLength(value.count, chunk)) {
    throw new ProofError(`chunk ${chunk} must hold ${chunkLength(value.count, chunk)} indices, not ${indices.length}`);
  }
  for (let i = 0; i < indices.length; i++) {
    const idx = indices[i]!;
    if (!Number.isSafeInteger(idx) || idx < 0 || idx >= logSize)
      throw new ProofError(`index ${idx} is not in a log of size ${logSize}`);
    if (i > 0 && idx <= indices[i - 1]!) throw new ProofError("a chunk's indices must rise strictly");
  }
  checkChunkInclusion(proof, chunk, n, chunkHash(indices), value.valueRoot);
}

/** The chunks that hold list positions [start, start + limit). */
export function chunksFor(start: number, limit: number): number[] {
  const out: number[] = [];
  for (let c = Math.floor(start / CHUNK_SIZE); c * CHUNK_SIZE < start + limit; c++) out.push(c);
  return out;
}
