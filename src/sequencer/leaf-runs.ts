/**
 * Leaves the sequencer must keep (a partial tail bundle's, a bundle too large to stage as one row) are
 * stored as runs: one SQLite row per round and bundle holding that round's leaves of the bundle, instead
 * of one row per leaf. Durable Object SQLite bills rows, not bytes: a leaf row was written once and
 * deleted once, about as much as everything else a round writes together.
 * A run never crosses a bundle boundary, so the runs of complete bundles are exactly those that start
 * below the tail's bundle, and holds at most MAX_RUN_BYTES (a SQLite row holds at most 2 MB).
 * @module
 */
import { encodeBundle, parseBundle } from "../tlog/bundle.ts";
import { TILE_WIDTH } from "../tlog/tile.ts";

export interface StoredLeaf {
  index: number;
  data: Uint8Array;
  /** Integrated time, Unix seconds. */
  time: number;
}

export interface LeafRun {
  firstIndex: number;
  /** The leaves in the entry bundle encoding (uint16 length || bytes each). */
  data: Uint8Array;
  /** Each leaf's integrated time, as JSON. */
  times: string;
}

const MAX_RUN_BYTES = 1_800_000;

/** Consecutive leaves of one bundle, in as few runs as fit a row each. */
export function leafRuns(leaves: readonly StoredLeaf[]): LeafRun[] {
  const runs: LeafRun[] = [];
  let run: StoredLeaf[] = [];
  let bytes = 0;
  const flush = () => {
    if (run.length === 0) return;
    runs.push({
      firstIndex: run[0]!.index,
      data: encodeBundle(run.map((l) => l.data)),
      times: JSON.stringify(run.map((l) => l.time)),
    });
    run = [];
    bytes = 0;
  };
  for (const l of leaves) {
    const last = run[run.length - 1];
    const apart = last !== undefined && (l.index !== last.index + 1 || l.index % TILE_WIDTH === 0);
    if (apart || bytes + 2 + l.data.length > MAX_RUN_BYTES) flush();
    run.push(l);
    bytes += 2 + l.data.length;
  }
  flush();
  return runs;
}

/** A stored run's leaves. */
export function runLeaves(firstIndex: number, data: Uint8Array, times: string): StoredLeaf[] {
  const t = JSON.parse(times) as number[];
  const entries = parseBundle(data);
  if (entries.length !== t.length)
    throw new Error(`leaf run at ${firstIndex}: ${entries.length} leaves, ${t.length} times`);
  return entries.map((d, i) => ({ index: firstIndex + i, data: d, time: t[i]! }));
}
