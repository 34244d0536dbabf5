/**
 * RFC 6962 §2.1 Merkle tree hashing with SHA-256 (C2SP tlog-tiles fixes SHA-256).
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";

/** A 32-byte SHA-256 tree hash. */
export type Hash = Uint8Array;
export const HASH_SIZE = 32;

export type Sha256 = (data: Uint8Array) => Uint8Array;

// @noble/hashes by default: pure JS, the same on every platform. Node's native SHA-256 is ~3x faster
// on small inputs (SHA-NI via OpenSSL), which is most of what appending costs; see useSha256.
let sha256Impl: Sha256 = sha256;

/**
 * Swaps in another SHA-256 implementation (e.g. node:crypto's one-shot hash in the CLI and the
 * benchmarks). It must return a fresh 32-byte array per call: callers keep the results.
 */
export function useSha256(fn: Sha256): void {
  sha256Impl = fn;
}

/** MTH({}) = SHA-256(""): the root of the empty tree. */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

// One growing scratch buffer for 0x00 || entry: hashing is synchronous and its result is a fresh array, so
// the buffer is never shared mid-use, and appending allocates nothing per leaf for it.
let leafScratch = new Uint8Array(1024);

/** MTH({d}) = SHA-256(0x00 || d). */
export function hashLeaf(entry: Uint8Array): Hash {
  if (leafScratch.length < entry.length + 1)
    leafScratch = new Uint8Array(Math.max(entry.length + 1, 2 * leafScratch.length));
  leafScratch[0] = 0;
  leafScratch.set(entry, 1);
  return sha256Impl(leafScratch.subarray(0, entry.length + 1));
}

// One scratch buffer for interior nodes: hashing is synchronous, so it is never shared mid-use.
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = 1;

/** MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
export function hashChildren(left: Hash, right: Hash): Hash {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    // Only test vectors hash raw byte strings as nodes (RFC 6962 hasher vectors); keep them exact.
    const buf = new Uint8Array(1 + left.length + right.length);
    buf[0] = 1;
    buf.set(left, 1);
    buf.set(right, 1 + left.length);
    return sha256Impl(buf);
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256Impl(nodeScratch);
}

/** SHA-256 of arbitrary bytes (dedup identities, key IDs). */
export function sha256Bytes(data: Uint8Array): Hash {
  return sha256Impl(data);
}
