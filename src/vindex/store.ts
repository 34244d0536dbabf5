/**
 * Where a verifiable map keeps its state: synchronous reads and writes, so the same map code runs over
 * memory (tests, the CLI's audit) and over a Durable Object's SQLite (the indexer).
 * @module
 */
import type { Hash } from "../tlog/hash.ts";

/** A non-empty map node: an interior node, or a key's leaf lifted as high as it is alone. */
export interface MapNode {
  hash: Hash;
  /** The key path of the leaf this node is; absent for interior nodes. */
  leaf?: Hash;
}

/** What the map remembers of one key besides its chunks. */
export interface KeyState {
  count: number;
  /** Perfect-subtree roots over the key's full chunks, largest first. */
  frontier: Hash[];
  valueRoot: Hash;
}

export interface MapStore {
  /** How many log entries the map has taken in. */
  size(): number;
  setSize(size: number): void;
  /** Nodes are named by depth and the path bits above them (nodeId). */
  node(id: string): MapNode | undefined;
  setNode(id: string, node: MapNode): void;
  /** Keys are named by the hex of their path. */
  keyState(path: string): KeyState | undefined;
  setKeyState(path: string, state: KeyState): void;
  chunk(path: string, i: number): number[] | undefined;
  setChunk(path: string, i: number, indices: readonly number[]): void;
  /**
   * The value tree's stored hashes, as tlog-tiles stores a log's: level 0 holds the hash of each full
   * chunk, level L + 1 the root of every full run of 256 level-L hashes (value-tiles.ts publishes them).
   */
  valueHash(path: string, level: number, i: number): Hash | undefined;
  setValueHash(path: string, level: number, i: number, hash: Hash): void;
}

/** A map kept in memory. */
export class MemoryMapStore implements MapStore {
  #size = 0;
  readonly nodes = new Map<string, MapNode>();
  readonly keys = new Map<string, KeyState>();
  readonly chunks = new Map<string, number[]>();
  readonly valueHashes = new Map<string, Hash>();

  size(): number {
    return this.#size;
  }
  setSize(size: number): void {
    this.#size = size;
  }
  node(id: string): MapNode | undefined {
    return this.nodes.get(id);
  }
  setNode(id: string, node: MapNode): void {
    this.nodes.set(id, node);
  }
  keyState(path: string): KeyState | undefined {
    return this.keys.get(path);
  }
  setKeyState(path: string, state: KeyState): void {
    this.keys.set(path, state);
  }
  chunk(path: string, i: number): number[] | undefined {
    return this.chunks.get(`${path}/${i}`);
  }
  setChunk(path: string, i: number, indices: readonly number[]): void {
    this.chunks.set(`${path}/${i}`, [...indices]);
  }
  valueHash(path: string, level: number, i: number): Hash | undefined {
    return this.valueHashes.get(`${path}/${level}/${i}`);
  }
  setValueHash(path: string, level: number, i: number, hash: Hash): void {
    this.valueHashes.set(`${path}/${level}/${i}`, hash);
  }
}
