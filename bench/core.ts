/**
 * Phase 1: the tlog core alone in Node. Rounds of ~1,000 random 400-byte entries, each doing what
 * a sequencing round does to the tree: hashLeaf every entry, appendLeaves from the right edge
 * (building every changed hash tile), encode the entry bundles that changed, compute the root.
 * No SQLite, no signing, no uploads: those belong to the sequencer phase.
 * @module
 */
import { randomFillSync } from "node:crypto";
import { performance } from "node:perf_hooks";
import { encodeBundle } from "../src/tlog/bundle.ts";
import { hashLeaf } from "../src/tlog/hash.ts";
import { entryBundlesForSize, TILE_WIDTH } from "../src/tlog/tile.ts";
import { appendLeaves, edgeRoot, emptyEdge, type RightEdge } from "../src/tlog/tree.ts";

export const CORE_TARGET_APPENDS_PER_SECOND = 200_000;

export interface CoreOptions {
  entrySize: number;
  roundSize: number;
  /** At least this many measured entries ... */
  minEntries: number;
  /** ... and at least this much measured time. */
  minSeconds: number;
}

export interface CoreResult {
  entries: number;
  rounds: number;
  entrySize: number;
  roundSize: number;
  /** Time spent inside rounds (random data generation excluded). */
  seconds: number;
  entriesPerSecond: number;
  /** Where a round's time goes, ms in total per stage. */
  breakdownMs: { hashLeaf: number; appendLeaves: number; encodeBundle: number; edgeRoot: number };
  tilesBuilt: number;
  bundlesEncoded: number;
  bundleBytes: number;
  finalSize: number;
  root: string;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

export function runCore(opts: CoreOptions): CoreResult {
  let edge: RightEdge = emptyEdge();
  // The entries of the current (partial) entry bundle: a round re-encodes it with its new entries.
  let bundle: Uint8Array[] = [];
  const t = { hashLeaf: 0, appendLeaves: 0, encodeBundle: 0, edgeRoot: 0 };
  let tilesBuilt = 0;
  let bundlesEncoded = 0;
  let bundleBytes = 0;
  let root: Uint8Array = new Uint8Array(32);

  const round = (entries: Uint8Array[], measure: boolean): void => {
    const oldSize = edge.size;
    const t0 = performance.now();
    const hashes = entries.map(hashLeaf);
    const t1 = performance.now();
    const appended = appendLeaves(edge, hashes);
    edge = appended.edge;
    const t2 = performance.now();
    // As the round stages them: every entry bundle that changed between oldSize and newSize.
    for (const b of entryBundlesForSize(edge.size, oldSize)) {
      const start = b.index * TILE_WIDTH;
      const members: Uint8Array[] = [];
      for (let i = start; i < start + b.width; i++) {
        members.push(i < oldSize ? bundle[i - start]! : entries[i - oldSize]!);
      }
      const data = encodeBundle(members);
      bundleBytes += data.length;
      bundlesEncoded++;
      bundle = b.width < TILE_WIDTH ? members : [];
    }
    const t3 = performance.now();
    root = edgeRoot(edge);
    const t4 = performance.now();
    if (measure) {
      t.hashLeaf += t1 - t0;
      t.appendLeaves += t2 - t1;
      t.encodeBundle += t3 - t2;
      t.edgeRoot += t4 - t3;
      tilesBuilt += appended.tiles.length;
    }
  };

  const makeEntries = (): Uint8Array[] => {
    const buf = randomFillSync(new Uint8Array(opts.entrySize * opts.roundSize));
    const out: Uint8Array[] = [];
    for (let i = 0; i < opts.roundSize; i++) out.push(buf.subarray(i * opts.entrySize, (i + 1) * opts.entrySize));
    return out;
  };

  // Warm-up: let V8 optimise the hot paths before measuring.
  for (let i = 0; i < 20; i++) round(makeEntries(), false);
  const warmSize = edge.size;
  bundlesEncoded = 0;
  bundleBytes = 0;

  let rounds = 0;
  let measuredMs = 0;
  while (edge.size - warmSize < opts.minEntries || measuredMs < opts.minSeconds * 1000) {
    const entries = makeEntries();
    const before = performance.now();
    round(entries, true);
    measuredMs += performance.now() - before;
    rounds++;
  }
  const entries = edge.size - warmSize;
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    entries,
    rounds,
    entrySize: opts.entrySize,
    roundSize: opts.roundSize,
    seconds: round3(measuredMs / 1000),
    entriesPerSecond: Math.round(entries / (measuredMs / 1000)),
    breakdownMs: {
      hashLeaf: round3(t.hashLeaf),
      appendLeaves: round3(t.appendLeaves),
      encodeBundle: round3(t.encodeBundle),
      edgeRoot: round3(t.edgeRoot),
    },
    tilesBuilt,
    bundlesEncoded,
    bundleBytes,
    finalSize: edge.size,
    root: hex(root),
  };
}
