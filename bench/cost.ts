/**
 * The cost of a million entries: every billable operation the write path performed during one load
 * window, per entry, priced with bench/prices.ts. What is counted, and how:
 *   Worker requests      one per entry sequenced in the window, plus every refused request
 *   Worker CPU ms        all of workerd's CPU time over the window: an upper bound (it includes the Durable
 *                        Objects, Miniflare's local R2/KV/D1 simulators and its proxy)
 *   DO requests          one batcher call per request (none with BATCHERS = 0) + the sequencer's calls (its counter)
 *   DO duration          every Durable Object on the write path is active the whole window under load
 *                        (the sequencer and the batchers): count × 128 MB × seconds
 *   DO SQLite rows       the sequencer's statements' own counters (rowsRead, rowsWritten)
 *   R2 class A, KV writes the sequencer's put counters (tiles, bundles, checkpoint; partial tiles)
 *   D1 rows written      rows the index gained, each once per b-tree it is written to (table and indexes:
 *                        D1 bills an index on a written column as one more row written)
 *   D1 rows read         counted as the rows inserted (INSERT OR IGNORE looks each key up once): at $0.001 per
 *                        million, negligible whatever the exact figure
 * R2 class B and KV reads are read-path costs (bench/reads.ts); the write path makes none under load.
 * @module
 */
import { DO_BILLED_GB, PRICES_DATE, USD_PER_MILLION } from "./prices.ts";

export interface WindowCounts {
  seconds: number;
  /** Entries sequenced during the window. */
  entries: number;
  /** HTTP requests: one per entry, plus the refused ones. */
  requests: number;
  batcherCalls: number;
  sequencerCalls: number;
  /** Durable Objects active throughout the window (the sequencer and the batchers). */
  activeDurableObjects: number;
  workerdCpuMs: number;
  r2Puts: number;
  kvPuts: number;
  doSqlRowsRead: number;
  doSqlRowsWritten: number;
  d1RowsRead: number;
  d1RowsWritten: number;
}

type Item = keyof typeof USD_PER_MILLION;

export interface CostLine {
  /** Billable units per entry. */
  perEntry: number;
  /** USD per million entries. */
  usd: number;
}

export interface CostPerMillion {
  usd: number;
  pricesDate: string;
  breakdown: Partial<Record<Item, CostLine>>;
  /** Items by cost, largest first, with their share of the total. */
  dominant: { item: Item; share: number }[];
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function costPerMillion(c: WindowCounts): CostPerMillion {
  if (c.entries <= 0) throw new Error("cost: no entries in the window");
  const units: Partial<Record<Item, number>> = {
    workerRequests: c.requests,
    workerCpuMs: c.workerdCpuMs,
    doRequests: c.batcherCalls + c.sequencerCalls,
    doGbSeconds: c.activeDurableObjects * DO_BILLED_GB * c.seconds,
    doSqlRowsRead: c.doSqlRowsRead,
    doSqlRowsWritten: c.doSqlRowsWritten,
    r2ClassA: c.r2Puts,
    kvWrites: c.kvPuts,
    d1RowsRead: c.d1RowsRead,
    d1RowsWritten: c.d1RowsWritten,
  };
  const breakdown: Partial<Record<Item, CostLine>> = {};
  let usd = 0;
  for (const [item, n] of Object.entries(units) as [Item, number][]) {
    const perEntry = n / c.entries;
    const cost = perEntry * USD_PER_MILLION[item]; // per million entries: units per entry × USD per million units
    breakdown[item] = { perEntry: round(perEntry, 4), usd: round(cost, 4) };
    usd += cost;
  }
  const dominant = (Object.entries(breakdown) as [Item, CostLine][])
    .sort((a, b) => b[1].usd - a[1].usd)
    .map(([item, l]) => ({ item, share: round(l.usd / usd, 3) }));
  return { usd: round(usd, 3), pricesDate: PRICES_DATE, breakdown, dominant };
}
