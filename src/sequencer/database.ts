/**
 * The sequencer's durable state in Durable Object SQLite: the only trusted, strongly consistent
 * store (Sunlight's lock backend, Azul's DO storage). Everything a restart needs is here:
 * the signed checkpoint, the right edge, the staged uploads, the dedup table and the leaves of
 * bundles not yet complete and uploaded.
 * @module
 */
import type { Hash } from "../tlog/hash.ts";
import { concatHashes, splitHashes, type RightEdge } from "../tlog/tree.ts";
import { TILE_WIDTH } from "../tlog/tile.ts";

export interface CommittedCheckpoint {
  size: number;
  root: Hash;
  /** The signed note, exactly as published. */
  note: string;
}

export interface LoadedState {
  checkpoint: CommittedCheckpoint;
  /** Size of the last checkpoint known to be published to the object store. */
  publishedSize: number;
  edge: RightEdge;
}

/** One object to upload: a hash tile with its bytes, or an entry bundle rebuilt from stored leaves. */
export type StagedObject =
  | { key: string; kind: "tile"; body: Uint8Array; partial: boolean }
  | { key: string; kind: "bundle"; start: number; count: number; partial: boolean };

export interface NewLeaf {
  index: number;
  data: Uint8Array;
  /** RFC 6962 leaf hash, for the index outbox (leaf hash = Rekor v1 entry UUID). */
  leafHash: Uint8Array;
  /** Integrated time, Unix seconds (Rekor v1 integratedTime). */
  time: number;
  /** SHA-256 of the leaf: the dedup identity (full 32 bytes: Sunlight ANT-2026-88EWBS43, Azul #251). */
  identity: Uint8Array;
}

/** Thrown when the stored checkpoint is not the one this instance extended: never sign from stale memory. */
export class CheckpointConflict extends Error {
  override name = "CheckpointConflict";
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL, published_size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS edge (level INTEGER PRIMARY KEY, hashes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS leaves (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS dedup (identity BLOB PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS staged (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, body BLOB, start INTEGER, count INTEGER, partial INTEGER NOT NULL);
`;

const bytes = (v: unknown): Uint8Array => new Uint8Array(v as ArrayBuffer);

export class LogDatabase {
  constructor(private readonly storage: DurableObjectStorage) {
    this.storage.sql.exec(SCHEMA);
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  load(): LoadedState | null {
    const row = this.sql.exec("SELECT size, root, note, published_size FROM checkpoint WHERE id = 0").toArray()[0];
    if (!row) return null;
    const levels: Hash[][] = [];
    for (const e of this.sql.exec("SELECT level, hashes FROM edge ORDER BY level")) {
      levels[e.level as number] = splitHashes(bytes(e.hashes));
    }
    for (let i = 0; i < levels.length; i++) levels[i] ??= [];
    return {
      checkpoint: { size: row.size as number, root: bytes(row.root), note: row.note as string },
      publishedSize: row.published_size as number,
      edge: { size: row.size as number, levels },
    };
  }

  /** Index of an already-sequenced leaf with this identity, if any. */
  findDuplicate(identity: Uint8Array): number | null {
    const row = this.sql.exec("SELECT idx FROM dedup WHERE identity = ?", identity).toArray()[0];
    return row ? (row.idx as number) : null;
  }

  /**
   * The commit point of a round, one SQLite transaction: the new checkpoint, right edge, leaves,
   * dedup rows and staged uploads. Compare-and-swap on the previous checkpoint: if storage does not
   * hold `previous`, someone else advanced the log and this instance must reload (never fork).
   */
  commitRound(
    previous: CommittedCheckpoint | null,
    next: CommittedCheckpoint,
    edge: RightEdge,
    leaves: readonly NewLeaf[],
    staged: readonly StagedObject[],
  ): void {
    this.storage.transactionSync(() => {
      const row = this.sql.exec("SELECT note, published_size FROM checkpoint WHERE id = 0").toArray()[0];
      if (previous === null ? row !== undefined : row === undefined || row.note !== previous.note) {
        throw new CheckpointConflict("stored checkpoint differs from the one this round extended");
      }
      const publishedSize = row ? (row.published_size as number) : 0;
      this.sql.exec(
        "INSERT OR REPLACE INTO checkpoint (id, size, root, note, published_size) VALUES (0, ?, ?, ?, ?)",
        next.size,
        next.root,
        next.note,
        publishedSize,
      );
      this.sql.exec("DELETE FROM edge");
      edge.levels.forEach((hashes, level) => {
        if (hashes.length > 0) this.sql.exec("INSERT INTO edge (level, hashes) VALUES (?, ?)", level, concatHashes(hashes));
      });
      for (const l of leaves) {
        this.sql.exec("INSERT INTO leaves (idx, data, time) VALUES (?, ?, ?)", l.index, l.data, l.time);
        this.sql.exec("INSERT INTO dedup (identity, idx) VALUES (?, ?)", l.identity, l.index);
        this.sql.exec("INSERT INTO outbox (idx, leaf_hash) VALUES (?, ?)", l.index, l.leafHash);
      }
      for (const s of staged) {
        if (s.kind === "tile") {
          this.sql.exec("INSERT OR REPLACE INTO staged (key, kind, body, partial) VALUES (?, 'tile', ?, ?)", s.key, s.body, s.partial ? 1 : 0);
        } else {
          this.sql.exec(
            "INSERT OR REPLACE INTO staged (key, kind, start, count, partial) VALUES (?, 'bundle', ?, ?, ?)",
            s.key,
            s.start,
            s.count,
            s.partial ? 1 : 0,
          );
        }
      }
    });
  }

  staged(): StagedObject[] {
    return this.sql.exec("SELECT key, kind, body, start, count, partial FROM staged ORDER BY key").toArray().map((r) =>
      r.kind === "tile"
        ? { key: r.key as string, kind: "tile" as const, body: bytes(r.body), partial: r.partial === 1 }
        : { key: r.key as string, kind: "bundle" as const, start: r.start as number, count: r.count as number, partial: r.partial === 1 },
    );
  }

  /** Leaves [start, start+count) with their integrated times; they must still be stored. */
  leaves(start: number, count: number): { data: Uint8Array; time: number }[] {
    const rows = this.sql.exec("SELECT idx, data, time FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx", start, start + count).toArray();
    if (rows.length !== count) throw new Error(`leaves ${start}..${start + count} are not all stored (found ${rows.length})`);
    return rows.map((r) => ({ data: bytes(r.data), time: r.time as number }));
  }

  /** Index rows committed but not yet written to the search index (D1), oldest first. */
  outbox(limit: number): { index: number; leafHash: Uint8Array }[] {
    return this.sql
      .exec("SELECT idx, leaf_hash FROM outbox ORDER BY idx LIMIT ?", limit)
      .toArray()
      .map((r) => ({ index: r.idx as number, leafHash: bytes(r.leaf_hash) }));
  }

  /** The index has these rows now. */
  dropOutbox(upToIndex: number): void {
    this.sql.exec("DELETE FROM outbox WHERE idx <= ?", upToIndex);
  }

  /**
   * After the checkpoint of `size` is published: the staged objects are durable in the object
   * store, and leaves of complete bundles are no longer needed (the partial bundle's stay: the
   * next partial bundle repeats them).
   */
  markPublished(size: number): void {
    this.storage.transactionSync(() => {
      this.sql.exec("UPDATE checkpoint SET published_size = ? WHERE id = 0 AND size = ?", size, size);
      this.sql.exec("DELETE FROM staged");
      this.sql.exec("DELETE FROM leaves WHERE idx < ?", Math.floor(size / TILE_WIDTH) * TILE_WIDTH);
    });
  }

  /** Row counts, for tests and the benchmark. */
  counts(): Record<string, number> {
    const c = (t: string) => this.sql.exec(`SELECT COUNT(*) AS n FROM ${t}`).one().n as number;
    return { leaves: c("leaves"), dedup: c("dedup"), staged: c("staged"), outbox: c("outbox") };
  }
}
