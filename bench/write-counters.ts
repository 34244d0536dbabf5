/**
 * Counters read around one load window of the HTTP phase: the sequencer's (calls, entries, R2 and KV puts,
 * SQLite rows), the search index's rows in D1, and workerd's CPU time. Their differences feed
 * `sequencerCallsPer1000` and the cost of a million entries (bench/cost.ts).
 * @module
 */
import type { WindowCounts } from "./cost.ts";
import { descendantCpuMs } from "./machine.ts";
import type { RunningLog } from "./miniflare.ts";

export interface Snapshot {
  at: number;
  calls: number;
  entries: number;
  objectPuts: number;
  hotPuts: number;
  sqlRead: number;
  sqlWritten: number;
  /** Rows per D1 table, and how many b-trees a row of it is written to. */
  d1: Record<string, { rows: number; writesPerRow: number }>;
  cpuMs: number;
}

/** How many b-trees an inserted row is written to: the table, plus each index (a rowid table's PRIMARY KEY is one). */
async function writesPerRow(db: D1Database, table: string): Promise<number> {
  const def = await db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
    .bind(table)
    .first<{ sql: string }>();
  const withoutRowid = /WITHOUT\s+ROWID/i.test(def?.sql ?? "");
  const { results } = await db.prepare(`SELECT origin FROM pragma_index_list('${table}')`).all<{ origin: string }>();
  return 1 + results.filter((r) => !(withoutRowid && r.origin === "pk")).length;
}

/**
 * Reads the counters once the log has settled (the last round published, its index rows drained: status()
 * drains the outbox), so that a window's entries and the rows they cost fall in the same window.
 */
export async function snapshot(log: RunningLog, settleMs = 2_000): Promise<Snapshot> {
  await new Promise((r) => setTimeout(r, settleMs));
  await (await log.sequencer()).status();
  await new Promise((r) => setTimeout(r, settleMs / 4)); // the drain's own index rows reach D1
  const status = await (await log.sequencer()).status();
  const db = (await log.mf.getD1Database("INDEX")) as unknown as D1Database;
  const d1: Snapshot["d1"] = {};
  for (const table of ["entries", "index_keys"]) {
    const n = await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
    d1[table] = { rows: n?.n ?? 0, writesPerRow: await writesPerRow(db, table) };
  }
  return {
    at: Date.now(),
    calls: status.writes.calls,
    entries: status.writes.entries,
    objectPuts: status.writes.objectPuts,
    hotPuts: status.writes.hotPuts,
    sqlRead: status.sqlRows.read,
    sqlWritten: status.sqlRows.written,
    d1,
    cpuMs: descendantCpuMs("workerd"),
  };
}

/** The window between two snapshots, as the cost model counts it. */
export function windowCounts(
  a: Snapshot,
  b: Snapshot,
  w: { seconds: number; refused: number; batchers: number },
): WindowCounts {
  let d1RowsInserted = 0;
  let d1RowsWritten = 0;
  for (const [table, t] of Object.entries(b.d1)) {
    const added = t.rows - (a.d1[table]?.rows ?? 0);
    d1RowsInserted += added;
    d1RowsWritten += added * t.writesPerRow;
  }
  const entries = b.entries - a.entries;
  // One request per entry (answered in the window or just after it), and every refused one.
  const requests = entries + w.refused;
  return {
    seconds: w.seconds,
    entries,
    requests,
    batcherCalls: w.batchers > 0 ? requests : 0,
    sequencerCalls: b.calls - a.calls,
    activeDurableObjects: 1 + w.batchers,
    workerdCpuMs: b.cpuMs - a.cpuMs,
    r2Puts: b.objectPuts - a.objectPuts,
    kvPuts: b.hotPuts - a.hotPuts,
    doSqlRowsRead: b.sqlRead - a.sqlRead,
    doSqlRowsWritten: b.sqlWritten - a.sqlWritten,
    d1RowsInserted,
    d1RowsWritten,
  };
}

/** Sequencer calls per 1,000 entries over a window. */
export function callsPer1000(c: WindowCounts): number {
  return c.entries > 0 ? Math.round((c.sequencerCalls / c.entries) * 1000 * 10) / 10 : NaN;
}
