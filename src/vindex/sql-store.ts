/**
 * The verifiable index's state in a Durable Object's SQLite (synchronous, so the map code is the same
 * as over memory). Callers group a batch of updates in one transaction: the map and its size move together.
 * @module
 */
import type { Hash } from "../tlog/hash.ts";
import type { KeyState, MapNode, MapStore } from "./store.ts";

const HASH = 32;

function split(blob: ArrayBuffer): Hash[] {
  const bytes = new Uint8Array(blob);
  const out: Hash[] = [];
  for (let o = 0; o < bytes.length; o += HASH) out.push(bytes.slice(o, o + HASH));
  return out;
}

function join(hashes: readonly Hash[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH);
  hashes.forEach((h, i) => out.set(h, i * HASH));
  return out;
}

function encodeIndices(indices: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 * indices.length);
  const view = new DataView(out.buffer);
  indices.forEach((n, i) => view.setBigUint64(8 * i, BigInt(n)));
  return out;
}

function decodeIndices(blob: ArrayBuffer): number[] {
  const view = new DataView(blob);
  const out: number[] = [];
  for (let o = 0; o < blob.byteLength; o += 8) out.push(Number(view.getBigUint64(o)));
  return out;
}

export class SqlMapStore implements MapStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS vindex_meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS vindex_nodes (id TEXT PRIMARY KEY, hash BLOB NOT NULL, leaf BLOB) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS vindex_keys (path TEXT PRIMARY KEY, count INTEGER NOT NULL, frontier BLOB NOT NULL, value_root BLOB NOT NULL) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS vindex_chunks (path TEXT NOT NULL, i INTEGER NOT NULL, indices BLOB NOT NULL, PRIMARY KEY (path, i)) WITHOUT ROWID`);
  }

  meta(name: string): string | number | null {
    const rows = this.sql.exec<{ value: string | number | null }>(`SELECT value FROM vindex_meta WHERE name = ?`, name).toArray();
    return rows[0]?.value ?? null;
  }

  setMeta(name: string, value: string | number): void {
    this.sql.exec(`INSERT OR REPLACE INTO vindex_meta (name, value) VALUES (?, ?)`, name, value);
  }

  size(): number {
    return Number(this.meta("size") ?? 0);
  }
  setSize(size: number): void {
    this.setMeta("size", size);
  }
  node(id: string): MapNode | undefined {
    const row = this.sql.exec<{ hash: ArrayBuffer; leaf: ArrayBuffer | null }>(`SELECT hash, leaf FROM vindex_nodes WHERE id = ?`, id).toArray()[0];
    if (!row) return undefined;
    return row.leaf ? { hash: new Uint8Array(row.hash), leaf: new Uint8Array(row.leaf) } : { hash: new Uint8Array(row.hash) };
  }
  setNode(id: string, node: MapNode): void {
    this.sql.exec(`INSERT OR REPLACE INTO vindex_nodes (id, hash, leaf) VALUES (?, ?, ?)`, id, node.hash, node.leaf ?? null);
  }
  keyState(path: string): KeyState | undefined {
    const row = this.sql
      .exec<{ count: number; frontier: ArrayBuffer; value_root: ArrayBuffer }>(`SELECT count, frontier, value_root FROM vindex_keys WHERE path = ?`, path)
      .toArray()[0];
    return row ? { count: row.count, frontier: split(row.frontier), valueRoot: new Uint8Array(row.value_root) } : undefined;
  }
  setKeyState(path: string, s: KeyState): void {
    this.sql.exec(`INSERT OR REPLACE INTO vindex_keys (path, count, frontier, value_root) VALUES (?, ?, ?, ?)`, path, s.count, join(s.frontier), s.valueRoot);
  }
  chunk(path: string, i: number): number[] | undefined {
    const row = this.sql.exec<{ indices: ArrayBuffer }>(`SELECT indices FROM vindex_chunks WHERE path = ? AND i = ?`, path, i).toArray()[0];
    return row ? decodeIndices(row.indices) : undefined;
  }
  setChunk(path: string, i: number, indices: readonly number[]): void {
    this.sql.exec(`INSERT OR REPLACE INTO vindex_chunks (path, i, indices) VALUES (?, ?, ?)`, path, i, encodeIndices(indices));
  }
}
