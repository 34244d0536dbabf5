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
import { toHex } from "../tlog/encoding.ts";
import { leafRuns, runLeaves, type StoredLeaf } from "./leaf-runs.ts";
import { countingSql, type SqlRowCounts } from "./sql-row-counter.ts";

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

/**
 * One object to upload: its bytes (hash tiles, and entry bundles small enough for one SQLite row),
 * or an entry bundle to rebuild from stored leaves (a bundle of large entries can exceed the 2 MB row
 * limit: 256 entries of up to 64 KiB).
 */
export type StagedObject =
  | { key: string; kind: "bytes"; body: Uint8Array; metadata?: Record<string, string>; partial: boolean }
  | { key: string; kind: "bundle"; start: number; count: number; partial: boolean };

/** What a round writes besides the checkpoint, edge and staged objects. */
export interface RoundRows {
  /** Leaves a later round (or recovery) still needs: the partial tail, and bundles staged by range. */
  storedLeaves: readonly NewLeaf[];
  /** Every new leaf: leaf hash → index. */
  dedup: readonly { leafHash: Uint8Array; index: number }[];
  /**
   * The round's leaf hashes in index order from `firstIndex`, and each leaf's search keys, for the
   * search index (one row per round).
   */
  outbox: { firstIndex: number; leafHashes: Uint8Array; indexKeys: readonly (readonly string[])[] } | null;
}

export interface NewLeaf {
  index: number;
  data: Uint8Array;
  /**
   * RFC 6962 leaf hash: the dedup identity (full 32 bytes: Sunlight ANT-2026-88EWBS43, Azul #251)
   * and, in the index outbox, the Rekor v1 entry UUID.
   */
  leafHash: Uint8Array;
  /** Integrated time, Unix seconds (Rekor v1 integratedTime). */
  time: number;
}

/** One leaf on its way to the search index. */
export interface OutboxRow {
  index: number;
  leafHash: Uint8Array;
  /** Its search keys (src/search/index-keys.ts). */
  keys: readonly string[];
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
CREATE TABLE IF NOT EXISTS leaf_runs (first_idx INTEGER PRIMARY KEY, data BLOB NOT NULL, times TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (first_idx INTEGER PRIMARY KEY, leaf_hashes BLOB NOT NULL, index_keys TEXT);
CREATE TABLE IF NOT EXISTS dedup (leaf_hash BLOB PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS staged (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, body BLOB, metadata TEXT, start INTEGER, count INTEGER, partial INTEGER NOT NULL);
`;

const bytes = (v: unknown): Uint8Array => new Uint8Array(v as ArrayBuffer);

/**
 * A round's outbox is one row, unless its keys are large: then one row per run of leaves whose keys
 * fit in OUTBOX_KEYS_BYTES (a SQLite row holds at most 2 MB; a big round of certificate entries
 * can carry more keys than that).
 */
const OUTBOX_KEYS_BYTES = 1_800_000;

function outboxParts(outbox: NonNullable<RoundRows["outbox"]>): [number, Uint8Array, string][] {
  const parts: [number, Uint8Array, string][] = [];
  const n = outbox.leafHashes.length / 32;
  let start = 0;
  let size = 0;
  const flush = (end: number) => {
    if (end === start) return;
    parts.push([
      outbox.firstIndex + start,
      outbox.leafHashes.subarray(start * 32, end * 32),
      JSON.stringify(outbox.indexKeys.slice(start, end)),
    ]);
    start = end;
    size = 0;
  };
  for (let i = 0; i < n; i++) {
    const keys = outbox.indexKeys[i] ?? [];
    const cost = keys.reduce((a, k) => a + 3 * k.length + 3, 3); // UTF-8: at most 3 bytes per UTF-16 unit
    if (size > 0 && size + cost > OUTBOX_KEYS_BYTES) flush(i);
    size += cost;
  }
  flush(n);
  return parts;
}

/** Stores leaves as runs (leaf-runs.ts): one row per run. */
function insertLeafRuns(sql: SqlStorage, leaves: readonly StoredLeaf[]): void {
  for (const run of leafRuns(leaves))
    sql.exec("INSERT INTO leaf_runs (first_idx, data, times) VALUES (?, ?, ?)", run.firstIndex, run.data, run.times);
}

/** Durable Object SQLite limit (developers.cloudflare.com/durable-objects/platform/limits). */
const MAX_BOUND_PARAMETERS = 100;

export class LogDatabase {
  /**
   * Bookkeeping that may lag without harm, applied inside the next commit's transaction: each
   * separate SQLite commit is costly, and losing these on a crash only repeats idempotent work
   * (re-uploading staged objects under the same write-once names, re-inserting index rows).
   */
  private uploadedPending: number | null = null;
  private publishedPending: number | null = null;
  private drainedUpTo = -1;
  private drainedPending: number[] = [];

  constructor(private readonly storage: DurableObjectStorage) {
    this.storage.sql.exec(SCHEMA);
    // Outboxes created before search: add the keys column (their old rows index leaf hashes only).
    const columns = this.storage.sql.exec("SELECT name FROM pragma_table_info('outbox')").toArray();
    if (!columns.some((c) => c.name === "index_keys"))
      this.storage.sql.exec("ALTER TABLE outbox ADD COLUMN index_keys TEXT");
    // Leaves stored one row each by earlier versions become runs, a bundle at a time (at most a few).
    if (this.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leaves'").toArray().length)
      this.storage.transactionSync(() => {
        let bundle: StoredLeaf[] = [];
        const flush = () => {
          insertLeafRuns(this.storage.sql, bundle);
          bundle = [];
        };
        for (const r of this.storage.sql.exec("SELECT idx, data, time FROM leaves ORDER BY idx")) {
          const index = r.idx as number;
          if (bundle.length > 0 && Math.floor(index / TILE_WIDTH) !== Math.floor(bundle[0]!.index / TILE_WIDTH))
            flush();
          bundle.push({ index, data: bytes(r.data), time: r.time as number });
        }
        flush();
        this.storage.sql.exec("DROP TABLE leaves");
      });
  }

  /** Applies the lagging bookkeeping; call inside a transaction. */
  private applyPendingCleanup(): void {
    if (this.uploadedPending !== null) {
      this.sql.exec("DELETE FROM staged");
      // Runs never cross a bundle boundary: those starting below the tail's bundle are of complete bundles.
      this.sql.exec(
        "DELETE FROM leaf_runs WHERE first_idx < ?",
        Math.floor(this.uploadedPending / TILE_WIDTH) * TILE_WIDTH,
      );
      this.uploadedPending = null;
    }
    if (this.publishedPending !== null) {
      const size = this.publishedPending;
      this.sql.exec("UPDATE checkpoint SET published_size = ? WHERE id = 0 AND size = ?", size, size);
      this.publishedPending = null;
    }
    if (this.drainedPending.length > 0) {
      this.sql.exec("DELETE FROM outbox WHERE first_idx <= ?", Math.max(...this.drainedPending));
      this.drainedPending = [];
    }
  }

  /** Writes the lagging bookkeeping now (status, idle alarm, after recovery). */
  flush(): void {
    if (this.uploadedPending === null && this.publishedPending === null && this.drainedPending.length === 0) return;
    this.storage.transactionSync(() => this.applyPendingCleanup());
  }

  /** Rows read and written by this database's statements since the instance started (both are billed). */
  readonly sqlRows: SqlRowCounts = { read: 0, written: 0 };
  private countedSql: SqlStorage | undefined;

  private get sql(): SqlStorage {
    return (this.countedSql ??= countingSql(this.storage.sql, this.sqlRows));
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

  /**
   * The commit point of a round, one SQLite transaction: the new checkpoint, right edge, leaves,
   * dedup rows and staged uploads. Compare-and-swap on the previous checkpoint: if storage does not
   * hold `previous`, someone else advanced the log and this instance must reload (never fork).
   */
  commitRound(
    previous: CommittedCheckpoint | null,
    next: CommittedCheckpoint,
    edge: RightEdge,
    rows: RoundRows,
    staged: readonly StagedObject[],
  ): void {
    this.storage.transactionSync(() => {
      this.applyPendingCleanup();
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
        if (hashes.length > 0)
          this.sql.exec("INSERT INTO edge (level, hashes) VALUES (?, ?)", level, concatHashes(hashes));
      });
      // Uint8Array binds as a BLOB (the type declares only ArrayBuffer).
      insertLeafRuns(this.sql, rows.storedLeaves);
      this.insertDedup(rows.dedup);
      if (rows.outbox)
        for (const part of outboxParts(rows.outbox))
          this.sql.exec("INSERT INTO outbox (first_idx, leaf_hashes, index_keys) VALUES (?, ?, ?)", ...part);
      for (const s of staged) {
        if (s.kind === "bytes") {
          this.sql.exec(
            "INSERT OR REPLACE INTO staged (key, kind, body, metadata, partial) VALUES (?, 'bytes', ?, ?, ?)",
            s.key,
            s.body,
            s.metadata ? JSON.stringify(s.metadata) : null,
            s.partial ? 1 : 0,
          );
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

  /**
   * Multi-row INSERTs: one statement per chunk instead of one per row (each exec crosses into the
   * runtime). A SQLite-backed Durable Object allows at most 100 bound parameters per statement.
   */
  private insertRows(table: string, rows: readonly (readonly SqlStorageValue[])[]): void {
    if (rows.length === 0) return;
    const width = rows[0]!.length;
    const perStatement = Math.floor(MAX_BOUND_PARAMETERS / width);
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const placeholders = chunk.map(() => `(${Array(width).fill("?").join(", ")})`).join(", ");
      this.sql.exec(`INSERT INTO ${table} VALUES ${placeholders}`, ...chunk.flat());
    }
  }

  /**
   * A round's dedup rows have consecutive indices: one statement expands their concatenated leaf hashes
   * in SQL (substr on a BLOB is by byte, constant time) instead of one statement per 50 rows.
   */
  private insertDedup(rows: RoundRows["dedup"]): void {
    if (rows.length === 0) return;
    const first = rows[0]!.index;
    if (!rows.every((r, i) => r.index === first + i)) {
      this.insertRows(
        "dedup (leaf_hash, idx)",
        rows.map((l) => [l.leafHash, l.index] as SqlStorageValue[]),
      );
      return;
    }
    this.sql.exec(
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?3) " +
        "INSERT INTO dedup (leaf_hash, idx) SELECT substr(?1, i * 32 + 1, 32), ?2 + i FROM n",
      concatHashes(rows.map((r) => r.leafHash)),
      first,
      rows.length,
    );
  }

  staged(): StagedObject[] {
    return this.sql
      .exec("SELECT key, kind, body, metadata, start, count, partial FROM staged ORDER BY key")
      .toArray()
      .map((r) =>
        r.kind === "bytes"
          ? {
              key: r.key as string,
              kind: "bytes" as const,
              body: bytes(r.body),
              ...(r.metadata ? { metadata: JSON.parse(r.metadata as string) as Record<string, string> } : {}),
              partial: r.partial === 1,
            }
          : {
              key: r.key as string,
              kind: "bundle" as const,
              start: r.start as number,
              count: r.count as number,
              partial: r.partial === 1,
            },
      );
  }

  /** Leaves [start, start+count) with their integrated times; they must still be stored. */
  leaves(start: number, count: number): { data: Uint8Array; time: number }[] {
    // A run holding `start` begins in start's bundle (runs never cross a bundle boundary).
    const runs = this.sql
      .exec(
        "SELECT first_idx, data, times FROM leaf_runs WHERE first_idx >= ? AND first_idx < ? ORDER BY first_idx",
        Math.floor(start / TILE_WIDTH) * TILE_WIDTH,
        start + count,
      )
      .toArray();
    const found = runs
      .flatMap((r) => runLeaves(r.first_idx as number, bytes(r.data), r.times as string))
      .filter((l) => l.index >= start && l.index < start + count);
    if (found.length !== count || found.some((l, i) => l.index !== start + i))
      throw new Error(`leaves ${start}..${start + count} are not all stored (found ${found.length})`);
    return found.map((l) => ({ data: l.data, time: l.time }));
  }

  /** The oldest round whose leaves are not yet in the search index (D1), expanded to rows. */
  nextOutbox(): { firstIndex: number; rows: OutboxRow[] } | null {
    const r = this.sql
      .exec(
        "SELECT first_idx, leaf_hashes, index_keys FROM outbox WHERE first_idx > ? ORDER BY first_idx LIMIT 1",
        this.drainedUpTo,
      )
      .toArray()[0];
    if (!r) return null;
    const firstIndex = r.first_idx as number;
    const hashes = splitHashes(bytes(r.leaf_hashes));
    // Rows written before search have no keys (null): those leaves are indexed by leaf hash only.
    const keys = r.index_keys === null ? [] : (JSON.parse(r.index_keys as string) as string[][]);
    return {
      firstIndex,
      rows: hashes.map((leafHash, i) => ({ index: firstIndex + i, leafHash, keys: keys[i] ?? [] })),
    };
  }

  /** The index has that round's rows now (the row itself is deleted with the next commit). */
  dropOutbox(firstIndex: number): void {
    this.drainedUpTo = Math.max(this.drainedUpTo, firstIndex);
    this.drainedPending.push(firstIndex);
  }

  /** Indices among `leafHashes` already sequenced, in one query per 100 (the bound-parameter limit). */
  findDuplicates(leafHashes: readonly Uint8Array[]): (number | null)[] {
    const found = new Map<string, number>();
    for (let i = 0; i < leafHashes.length; i += MAX_BOUND_PARAMETERS) {
      const chunk = leafHashes.slice(i, i + MAX_BOUND_PARAMETERS);
      const rows = this.sql.exec(
        `SELECT leaf_hash, idx FROM dedup WHERE leaf_hash IN (${chunk.map(() => "?").join(", ")})`,
        ...chunk,
      );
      for (const r of rows) found.set(toHex(bytes(r.leaf_hash)), r.idx as number);
    }
    return leafHashes.map((h) => found.get(toHex(h)) ?? null);
  }

  /**
   * After the staged objects of the tree of `size` are uploaded: they are durable in the object
   * store, and leaves of complete bundles are no longer needed (the partial bundle's stay: the
   * next partial bundle repeats them). The checkpoint itself may be published later (witnesses).
   */
  markUploaded(size: number): void {
    this.uploadedPending = size;
  }

  /** After the checkpoint of `size` is published. */
  markPublished(size: number): void {
    this.publishedPending = size;
  }

  /** Row counts, for tests and the benchmark. */
  counts(): Record<string, number> {
    const c = (t: string) => this.sql.exec(`SELECT COUNT(*) AS n FROM ${t}`).one().n as number;
    const pending = this.sql.exec("SELECT COALESCE(SUM(LENGTH(leaf_hashes)), 0) / 32 AS n FROM outbox").one()
      .n as number;
    const leaves = this.sql.exec("SELECT COALESCE(SUM(json_array_length(times)), 0) AS n FROM leaf_runs").one()
      .n as number;
    return { leaves, dedup: c("dedup"), staged: c("staged"), outbox: pending };
  }
}
