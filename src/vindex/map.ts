/**
 * The verifiable index: a sparse Merkle tree over SHA-256(key) whose leaf for a key commits to every log
 * index whose entry has that key, in log order. It is a deterministic function of the log prefix it has
 * taken in: the same entries give the same root whatever order keys are updated in, so anyone who
 * replays the log gets the same root (see audit.ts).
 *
 * The tree is 256 levels deep in principle; a subtree holding one key is that key's leaf itself (its
 * hash names the key's path, so it cannot stand for another position), and an empty subtree is EMPTY.
 * A proof is then as long as the key's path is shared with others (about log2(keys) siblings).
 * @module
 */
import { bytesEqual, toHex } from "../tlog/encoding.ts";
import type { Hash } from "../tlog/hash.ts";
import { CHUNK_SIZE, chunkHash, EMPTY, keyPath, mapLeafHash, mapNodeHash, pathBit } from "./hash.ts";
import type { MapProof } from "./proof.ts";
import type { KeyState, MapStore } from "./store.ts";
import {
  appendToFrontier,
  chunkCount,
  chunkInclusionProof,
  rootFromFrontier,
  VALUE_TILE_WIDTH,
  valueRoot,
} from "./value-tree.ts";

/** The id of the node at `depth` on `path`: the depth and the path's first `depth` bits. */
export function nodeId(path: Hash, depth: number): string {
  // A copy, never a view: a Node Buffer's slice() shares memory with the path it came from.
  const bytes = new Uint8Array(path.subarray(0, Math.ceil(depth / 8)));
  if (depth % 8 !== 0) bytes[bytes.length - 1]! &= 0xff << (8 - (depth % 8));
  return `${depth}/${toHex(bytes)}`;
}

/** `path` with bit `depth` flipped: the path of a node's sibling. */
function flipped(path: Hash, depth: number): Hash {
  const out = new Uint8Array(path);
  out[depth >> 3]! ^= 0x80 >> (depth & 7);
  return out;
}

/** `path` with bit `depth` set to `bit`: the path of a node's left (0) or right (1) child. */
export function withBit(path: Hash, depth: number, bit: 0 | 1): Hash {
  return pathBit(path, depth) === bit ? path : flipped(path, depth);
}

/** One page of a key's value: chunk `chunk` of its list and the proof that it is that chunk. */
export interface ChunkProof {
  chunk: number;
  indices: number[];
  proof: Hash[];
}

export class VerifiableMap {
  readonly store: MapStore;

  constructor(store: MapStore) {
    this.store = store;
  }

  /** How many log entries the map has taken in (the log size its root is for). */
  get size(): number {
    return this.store.size();
  }

  get root(): Hash {
    return this.store.node(nodeId(EMPTY, 0))?.hash ?? EMPTY;
  }

  /**
   * Takes in the log's entries from index `size` on, given as each entry's keys. The indices of one
   * batch are appended key by key; each key's list stays in log order.
   */
  append(keysOfEntries: readonly (readonly string[])[]): void {
    const first = this.size;
    const added = new Map<string, number[]>();
    keysOfEntries.forEach((keys, i) => {
      for (const key of new Set(keys)) {
        const list = added.get(key);
        if (list) list.push(first + i);
        else added.set(key, [first + i]);
      }
    });
    // Leaves first, then each interior node above them once: a batch's paths share their upper levels.
    const dirty: Map<string, Hash>[] = [];
    for (const [key, indices] of added) {
      const path = keyPath(key);
      const depth = this.#setLeaf(path, this.#appendToKey(path, indices));
      for (let d = 0; d < depth; d++) (dirty[d] ??= new Map()).set(nodeId(path, d), path);
    }
    for (let d = dirty.length - 1; d >= 0; d--) {
      for (const [id, path] of dirty[d] ?? []) {
        const left = this.store.node(nodeId(withBit(path, d, 0), d + 1))?.hash ?? EMPTY;
        const right = this.store.node(nodeId(withBit(path, d, 1), d + 1))?.hash ?? EMPTY;
        this.store.setNode(id, { hash: mapNodeHash(left, right) });
      }
    }
    this.store.setSize(first + keysOfEntries.length);
  }

  /** The count and value root of a key, or undefined if no entry has it. */
  value(key: string): KeyState | undefined {
    return this.store.keyState(toHex(keyPath(key)));
  }

  /** Chunk `i` of a key's list (undefined beyond its end). */
  chunk(key: string, i: number): number[] | undefined {
    return this.store.chunk(toHex(keyPath(key)), i);
  }

  /** Appends to a key's list; returns its new leaf hash. */
  #appendToKey(path: Hash, indices: readonly number[]): Hash {
    const id = toHex(path);
    const state = this.store.keyState(id) ?? { count: 0, frontier: [], valueRoot: EMPTY };
    let { count, frontier } = state;
    let tail = count % CHUNK_SIZE === 0 ? [] : this.store.chunk(id, Math.floor(count / CHUNK_SIZE))!;
    for (let at = 0; at < indices.length; ) {
      const take = indices.slice(at, at + CHUNK_SIZE - tail.length);
      tail = [...tail, ...take];
      this.store.setChunk(id, Math.floor(count / CHUNK_SIZE), tail);
      count += take.length;
      at += take.length;
      if (tail.length === CHUNK_SIZE) {
        const hash = chunkHash(tail);
        frontier = appendToFrontier(frontier, count / CHUNK_SIZE - 1, hash);
        this.#storeValueHash(id, count / CHUNK_SIZE - 1, hash);
        tail = [];
      }
    }
    const full = Math.floor(count / CHUNK_SIZE);
    const valueRoot = rootFromFrontier(frontier, full, tail.length > 0 ? chunkHash(tail) : undefined);
    this.store.setKeyState(id, { count, frontier, valueRoot });
    return mapLeafHash(path, count, valueRoot);
  }

  /** Stores a full chunk's hash, and the root of each run of VALUE_TILE_WIDTH hashes it completes, level by level. */
  #storeValueHash(id: string, chunk: number, hash: Hash): void {
    for (let level = 0, i = chunk; ; level++) {
      this.store.setValueHash(id, level, i, hash);
      if (i % VALUE_TILE_WIDTH !== VALUE_TILE_WIDTH - 1) return;
      const first = i - (VALUE_TILE_WIDTH - 1);
      hash = valueRoot(Array.from({ length: VALUE_TILE_WIDTH }, (_, j) => this.store.valueHash(id, level, first + j)!));
      i = Math.floor(i / VALUE_TILE_WIDTH);
    }
  }

  /**
   * Puts a key's leaf hash in the tree; returns its depth. The interior nodes above it are left for
   * the caller to rehash (new ones are created with a placeholder hash, so later walks see them).
   */
  #setLeaf(path: Hash, leafHash: Hash): number {
    let depth = 0;
    for (;;) {
      const here = this.store.node(nodeId(path, depth));
      if (here === undefined || (here.leaf && bytesEqual(here.leaf, path))) break;
      if (here.leaf) {
        // Another key's leaf sits here: both go down to the first depth where their paths part.
        let split = depth;
        while (pathBit(here.leaf, split) === pathBit(path, split)) split++;
        this.store.setNode(nodeId(here.leaf, split + 1), here);
        for (let d = depth; d <= split; d++) this.store.setNode(nodeId(path, d), { hash: EMPTY });
        depth = split + 1;
        break;
      }
      depth++;
    }
    this.store.setNode(nodeId(path, depth), { hash: leafHash, leaf: path });
    return depth;
  }

  /** The proof of a key's value, or of its absence, at the map's current size. */
  prove(key: string): MapProof {
    const path = keyPath(key);
    const siblings: (Hash | null)[] = [];
    for (let depth = 0; ; depth++) {
      const here = this.store.node(nodeId(path, depth));
      if (here === undefined) return { siblings, terminal: { kind: "empty" } };
      if (here.leaf) {
        const state = this.store.keyState(toHex(here.leaf))!;
        return {
          siblings,
          terminal: { kind: "leaf", path: here.leaf, count: state.count, valueRoot: state.valueRoot },
        };
      }
      siblings.push(this.store.node(nodeId(flipped(path, depth), depth + 1))?.hash ?? null);
    }
  }

  /** Chunk `i` of a key's list with its proof against the key's value root. */
  proveChunk(key: string, i: number): ChunkProof {
    return this.proveChunks(key, [i])[0]!;
  }

  /** Several chunks of a key's list with their proofs (the chunk hashes are computed once). */
  proveChunks(key: string, wanted: readonly number[]): ChunkProof[] {
    const id = toHex(keyPath(key));
    const n = chunkCount(this.store.keyState(id)?.count ?? 0);
    for (const i of wanted)
      if (!Number.isSafeInteger(i) || i < 0 || i >= n)
        throw new RangeError(`key has ${n} chunks; there is no chunk ${i}`);
    const chunks: number[][] = [];
    for (let c = 0; c < n; c++) chunks.push(this.store.chunk(id, c)!);
    const hashes = chunks.map(chunkHash);
    return wanted.map((i) => ({ chunk: i, indices: chunks[i]!, proof: chunkInclusionProof(hashes, i) }));
  }
}
