/**
 * The verifiable index's state in a Durable Object's SQLite (synchronous, so the map code is the same
 * as over memory). Callers group a batch of updates in one transaction: the map and its size move together.
 * @module
 */
import type { Hash } from "../tlog/hash.ts";
import type { KeyState, MapNode, MapStore } from "./store.ts";
import { decodeIndices, encodeIndices } from "./value-tiles.ts";

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

export class SqlMapStore implements MapStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS vindex_meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID`);
    sql.exec(
      `CREATE TABLE IF NOT EXISTS vindex_nodes (id TEXT PRIMARY KEY, hash BLOB NOT NULL, leaf BLOB) WITHOUT ROWID`,
    );
    sql.exec(
      `CREATE TABLE IF NOT EXISTS vindex_keys (path TEXT PRIMARY KEY, count INTEGER NOT NULL, frontier BLOB NOT NULL, value_root BLOB NOT NULL) WITHOUT ROWID`,
    );
    sql.exec(
      `CREATE TABLE IF NOT EXISTS vindex_chunks (path TEXT NOT NULL, i INTEGER NOT NULL, indices BLOB NOT NULL, PRIMARY KEY (path, i)) WITHOUT ROWID`,
    );
    sql.exec(
      `CREATE TABLE IF NOT EXISTS vindex_value_hashes (path TEXT NOT NULL, level INTEGER NOT NULL, i INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (path, level, i)) WITHOUT ROWID`,
    );
    // Keys changed since the last publication, with their count then (what publication must write).
    sql.exec(
      `CREATE TABLE IF NOT EXISTS vindex_unpublished (path TEXT PRIMARY KEY, published_count INTEGER NOT NULL) WITHOUT ROWID`,
    );
  }

  meta(name: string): string | number | null {
    const rows = this.sql
      .exec<{ value: string | number | null }>(`SELECT value FROM vindex_meta WHERE name = ?`, name)
      .toArray();
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
    const row = this.sql
      .exec<{ hash: ArrayBuffer; leaf: ArrayBuffer | null }>(`SELECT hash, leaf FROM vindex_nodes WHERE id = ?`, id)
      .toArray()[0];
    if (!row) return undefined;
    return row.leaf
      ? { hash: new Uint8Array(row.hash), leaf: new Uint8Array(row.leaf) }
      : { hash: new Uint8Array(row.hash) };
  }
  setNode(id: string, node: MapNode): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO vindex_nodes (id, hash, leaf) VALUES (?, ?, ?)`,
      id,
      node.hash,
      node.leaf ?? null,
    );
  }
  keyState(path: string): KeyState | undefined {
    const row = this.sql
      .exec<{ count: number; frontier: ArrayBuffer; value_root: ArrayBuffer }>(
        `SELECT count, frontier, value_root FROM vindex_keys WHERE path = ?`,
        path,
      )
      .toArray()[0];
    return row
      ? { count: row.count, frontier: split(row.frontier), valueRoot: new Uint8Array(row.value_root) }
      : undefined;
  }
  setKeyState(path: string, s: KeyState): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO vindex_keys (path, count, frontier, value_root) VALUES (?, ?, ?, ?)`,
      path,
      s.count,
      join(s.frontier),
      s.valueRoot,
    );
  }
  chunk(path: string, i: number): number[] | undefined {
    const row = this.sql
      .exec<{ indices: ArrayBuffer }>(`SELECT indices FROM vindex_chunks WHERE path = ? AND i = ?`, path, i)
      .toArray()[0];
    return row ? decodeIndices(new Uint8Array(row.indices)) : undefined;
  }
  setChunk(path: string, i: number, indices: readonly number[]): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO vindex_chunks (path, i, indices) VALUES (?, ?, ?)`,
      path,
      i,
      encodeIndices(indices),
    );
  }
  valueHash(path: string, level: number, i: number): Hash | undefined {
    const row = this.sql
      .exec<{ hash: ArrayBuffer }>(
        `SELECT hash FROM vindex_value_hashes WHERE path = ? AND level = ? AND i = ?`,
        path,
        level,
        i,
      )
      .toArray()[0];
    return row ? new Uint8Array(row.hash) : undefined;
  }
  setValueHash(path: string, level: number, i: number, hash: Hash): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO vindex_value_hashes (path, level, i, hash) VALUES (?, ?, ?, ?)`,
      path,
      level,
      i,
      hash,
    );
  }

  /** Forgets the whole map (it is a function of the log: the Indexer rebuilds it). */
  reset(): void {
    for (const table of [
      "vindex_meta",
      "vindex_nodes",
      "vindex_keys",
      "vindex_chunks",
      "vindex_value_hashes",
      "vindex_unpublished",
    ])
      this.sql.exec(`DELETE FROM ${table}`);
  }

  /** Records that a key is about to change; the first call since its last publication keeps its count then. */
  markUnpublished(path: string, publishedCount: number): void {
    this.sql.exec(
      `INSERT OR IGNORE INTO vindex_unpublished (path, published_count) VALUES (?, ?)`,
      path,
      publishedCount,
    );
  }
  /** Up to `limit` keys changed since their last publication. */
  unpublished(limit: number): { path: string; publishedCount: number }[] {
    return this.sql
      .exec<{ path: string; published_count: number }>(
        `SELECT path, published_count FROM vindex_unpublished LIMIT ?`,
        limit,
      )
      .toArray()
      .map((r) => ({ path: r.path, publishedCount: r.published_count }));
  }
  markPublished(paths: readonly string[]): void {
    for (const p of paths) this.sql.exec(`DELETE FROM vindex_unpublished WHERE path = ?`, p);
  }
}
