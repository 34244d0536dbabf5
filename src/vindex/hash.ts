/**
 * The verifiable index's hashing. Every hash takes a one-byte domain tag that neither RFC 6962 (0x00
 * leaves, 0x01 nodes) nor any other tag here uses, so no log hash, value-list hash or map-node hash can
 * be read as another kind: a proof built from one kind of node never verifies as another.
 *
 *   key path     SHA-256(key)                                   (the key's 256-bit path in the map)
 *   chunk        SHA-256(0x10 || idx_0 || ... || idx_m-1)       (up to CHUNK_SIZE log indices, uint64 BE)
 *   chunk node   SHA-256(0x11 || left || right)                 (RFC 6962 shape over a key's chunks)
 *   map leaf     SHA-256(0x12 || keyPath || uint64 BE count || valueRoot)
 *   map node     SHA-256(0x13 || left || right)
 *   empty        32 zero bytes                                  (an empty subtree of the map)
 * @module
 */
import { concatBytes, utf8Encode } from "../tlog/encoding.ts";
import { HASH_SIZE, sha256Bytes, type Hash } from "../tlog/hash.ts";

export const TAG_CHUNK = 0x10;
export const TAG_CHUNK_NODE = 0x11;
export const TAG_MAP_LEAF = 0x12;
export const TAG_MAP_NODE = 0x13;

/** Log indices per value chunk: the unit a key's list is committed and paged in (2 KiB of indices). */
export const CHUNK_SIZE = 256;

/** The root of an empty map subtree: no SHA-256 output is known to be all zeros. */
export const EMPTY: Hash = new Uint8Array(HASH_SIZE);

/** A key's path in the map: SHA-256 of its UTF-8 bytes (bit 0 is the top bit of byte 0). */
export function keyPath(key: string): Hash {
  return sha256Bytes(utf8Encode(key));
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** SHA-256(0x10 || indices as uint64 BE). */
export function chunkHash(indices: readonly number[]): Hash {
  const buf = new Uint8Array(1 + 8 * indices.length);
  buf[0] = TAG_CHUNK;
  const view = new DataView(buf.buffer);
  indices.forEach((idx, i) => view.setBigUint64(1 + 8 * i, BigInt(idx)));
  return sha256Bytes(buf);
}

function tagged(tag: number, left: Hash, right: Hash): Hash {
  const buf = new Uint8Array(1 + 2 * HASH_SIZE);
  buf[0] = tag;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return sha256Bytes(buf);
}

export function chunkNodeHash(left: Hash, right: Hash): Hash {
  return tagged(TAG_CHUNK_NODE, left, right);
}

export function mapNodeHash(left: Hash, right: Hash): Hash {
  return tagged(TAG_MAP_NODE, left, right);
}

/** The map leaf of a key: its path, how many indices it has, and the root over their chunks. */
export function mapLeafHash(path: Hash, count: number, valueRoot: Hash): Hash {
  return sha256Bytes(concatBytes(new Uint8Array([TAG_MAP_LEAF]), path, u64(count), valueRoot));
}

/** Bit `depth` of a path (0 = the most significant bit of byte 0): 0 goes left, 1 right. */
export function pathBit(path: Hash, depth: number): number {
  return (path[depth >> 3]! >> (7 - (depth & 7))) & 1;
}
