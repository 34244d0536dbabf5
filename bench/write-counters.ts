/**
 * Counters read around one load window of the HTTP phase: the sequencer's (calls, entries, R2 and KV puts,
 * SQLite rows, and the rows its index outbox read and wrote in D1, by D1's own `meta`), and workerd's CPU time. Their differences feed
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
  d1Read: number;
  d1Written: number;
  cpuMs: number;
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
  return {
    at: Date.now(),
    calls: status.writes.calls,
    entries: status.writes.entries,
    objectPuts: status.writes.objectPuts,
    hotPuts: status.writes.hotPuts,
    sqlRead: status.sqlRows.read,
    sqlWritten: status.sqlRows.written,
    d1Read: status.writes.indexRowsRead,
    d1Written: status.writes.indexRowsWritten,
    cpuMs: descendantCpuMs("workerd"),
  };
}

/** The window between two snapshots, as the cost model counts it. */
export function windowCounts(
  a: Snapshot,
  b: Snapshot,
  w: { seconds: number; refused: number; batchers: number },
): WindowCounts {
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
    d1RowsRead: b.d1Read - a.d1Read,
    d1RowsWritten: b.d1Written - a.d1Written,
  };
}

/** Sequencer calls per 1,000 entries over a window. */
export function callsPer1000(c: WindowCounts): number {
  return c.entries > 0 ? Math.round((c.sequencerCalls / c.entries) * 1000 * 10) / 10 : NaN;
}
