/**
 * Phase 2: the Sequencer Durable Object alone in workerd, fed the way edge batching would feed it:
 * RPC addBatch(256 leaves), several batches in flight, no HTTP. Reports entries/s and the R2/KV
 * writes per 1,000 entries from the DO's own counters, and checks every answer.
 *
 * Three drivers:
 * - runSequencer: from Node through Miniflare's DO namespace (mf.getDurableObjectNamespace), the
 *   headline figure;
 * - runInWorkerdDriver: the same loop inside workerd (bench/driver.worker.js), without the Node ↔
 *   Miniflare proxy serialisation;
 * - runTransportProbe: the Node loop against a DO that rejects every leaf at its first check, the
 *   ceiling the harness itself puts on the headline figure.
 * @module
 */
import { randomFillSync } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { AddResult, SequencerStatus } from "../src/sequencer/protocol.ts";
import { descendantCpuMs } from "./machine.ts";
import { DRIVER, startLog, type RunningLog } from "./miniflare.ts";
import { checkIndices, checkProofs, type IndexCheck } from "./verify.ts";

export const SEQUENCER_TARGET_ENTRIES_PER_SECOND = 20_000;
export const SEQUENCER_TARGET_R2_WRITES_PER_1000 = 10;

export interface SequencerOptions {
  seconds: number;
  batchSize: number;
  entrySize: number;
  /** Batches in flight at once. */
  concurrency: number;
}

export interface SequencerResult {
  driver: "node-via-miniflare" | "in-workerd";
  seconds: number;
  batchSize: number;
  entrySize: number;
  concurrency: number;
  batches: number;
  entries: number;
  entriesPerSecond: number;
  /** addBatch round trip, ms. */
  batchLatencyMs: { p50: number; p99: number; max: number };
  rounds: number;
  entriesPerRound: number;
  r2Writes: number;
  kvWrites: number;
  r2WritesPer1000: number;
  kvWritesPer1000: number;
  /** Answers that were not "sequenced", duplicated or missing indices, RPC failures, bad proofs: must be 0. */
  wrong: number;
  notSequenced: Record<string, number>;
  rpcErrors: number;
  indices: IndexCheck;
  /** The tree grew from..to during the window; every index in between must be answered exactly once. */
  sizeBefore: number;
  sizeAfter: number;
  proofsChecked: number;
  proofsFailed: number;
  /**
   * CPU time the workerd process spent per entry during the window, µs: the DO, the Worker and
   * Miniflare's R2/KV/D1 simulators share its one thread. Unlike entries/s, barely moved by
   * other processes on the machine.
   */
  workerdCpuUsPerEntry: number;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function makeBatch(size: number, entrySize: number): Uint8Array[] {
  const buf = randomFillSync(new Uint8Array(size * entrySize));
  // Separate buffers: RPC serialises a view's whole underlying ArrayBuffer.
  return Array.from({ length: size }, (_, i) => buf.slice(i * entrySize, (i + 1) * entrySize));
}

interface RawRun {
  seconds: number;
  batches: number;
  indices: number[];
  notSequenced: Record<string, number>;
  rpcErrors: number;
  latencies: number[];
  sizeBefore: number;
  sizeAfter: number;
  writesBefore: SequencerStatus["writes"];
  writesAfter: SequencerStatus["writes"];
  proofsChecked: number;
  proofsFailed: number;
  workerdCpuMs: number;
}

function summariseRun(driver: SequencerResult["driver"], opts: SequencerOptions, raw: RawRun): SequencerResult {
  const entries = raw.indices.length;
  const check = checkIndices(raw.indices, raw.sizeAfter);
  // Only this run appends: the answered indices must be exactly sizeBefore .. sizeAfter-1.
  const expected = raw.sizeAfter - raw.sizeBefore;
  const missing = Math.max(0, expected - (check.acknowledged - check.duplicates));
  const nonSeq = Object.values(raw.notSequenced).reduce((a, b) => a + b, 0);
  const wrongStart = entries > 0 && check.min !== raw.sizeBefore ? 1 : 0;
  const wrong =
    nonSeq +
    raw.rpcErrors +
    check.duplicates +
    check.gaps +
    check.beyondLimit +
    missing +
    wrongStart +
    raw.proofsFailed;
  const latencies = [...raw.latencies].sort((a, b) => a - b);
  const w0 = raw.writesBefore;
  const w1 = raw.writesAfter;
  const rounds = w1.rounds - w0.rounds;
  const r2Writes = w1.objectPuts - w0.objectPuts;
  const kvWrites = w1.hotPuts - w0.hotPuts;
  const per1000 = (n: number) => (entries > 0 ? Math.round((n / entries) * 1000 * 100) / 100 : NaN);
  const ms = (x: number) => Math.round(x * 10) / 10;
  return {
    driver,
    seconds: Math.round(raw.seconds * 100) / 100,
    batchSize: opts.batchSize,
    entrySize: opts.entrySize,
    concurrency: opts.concurrency,
    batches: raw.batches,
    entries,
    entriesPerSecond: Math.round(entries / raw.seconds),
    batchLatencyMs: {
      p50: ms(percentile(latencies, 50)),
      p99: ms(percentile(latencies, 99)),
      max: ms(latencies.at(-1) ?? NaN),
    },
    rounds,
    entriesPerRound: rounds > 0 ? Math.round((w1.entries - w0.entries) / rounds) : 0,
    r2Writes,
    kvWrites,
    r2WritesPer1000: per1000(r2Writes),
    kvWritesPer1000: per1000(kvWrites),
    wrong,
    notSequenced: raw.notSequenced,
    rpcErrors: raw.rpcErrors,
    indices: check,
    sizeBefore: raw.sizeBefore,
    sizeAfter: raw.sizeAfter,
    proofsChecked: raw.proofsChecked,
    proofsFailed: raw.proofsFailed,
    workerdCpuUsPerEntry: entries > 0 ? Math.round((raw.workerdCpuMs * 1000) / entries) : NaN,
  };
}

/** Node → Miniflare's DO namespace → addBatch, `concurrency` batches in flight for `seconds`. */
export async function runSequencer(log: RunningLog, opts: SequencerOptions): Promise<SequencerResult> {
  const seq = await log.sequencer();
  await seq.status(); // creates the log on first use
  // Warm-up: one batch, so the DO, its isolate and the RPC path are hot.
  await seq.addBatch(makeBatch(opts.batchSize, opts.entrySize));
  const before = await seq.status();

  const indices: number[] = [];
  const notSequenced: Record<string, number> = {};
  const latencies: number[] = [];
  const samples: Array<{ entry: Uint8Array; index: number; checkpoint: string; proof: Uint8Array[] }> = [];
  let rpcErrors = 0;
  let batches = 0;

  const cpu0 = descendantCpuMs("workerd");
  const start = performance.now();
  const deadline = start + opts.seconds * 1000;
  let lastAnswer = start;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const batch = makeBatch(opts.batchSize, opts.entrySize);
      const t0 = performance.now();
      let results: AddResult[];
      try {
        results = await seq.addBatch(batch);
      } catch (e) {
        rpcErrors++;
        if (rpcErrors === 1) console.error("addBatch failed:", e);
        continue;
      }
      lastAnswer = performance.now();
      latencies.push(lastAnswer - t0);
      batches++;
      results.forEach((r, i) => {
        if (r.kind === "sequenced") {
          indices.push(r.index);
          // One proof per batch is checked after the timed window.
          if (i === 0)
            samples.push({ entry: batch[i]!, index: r.index, checkpoint: r.checkpoint, proof: r.inclusionProof });
        } else {
          notSequenced[r.kind] = (notSequenced[r.kind] ?? 0) + 1;
        }
      });
      if (results.length !== batch.length)
        notSequenced.missing = (notSequenced.missing ?? 0) + batch.length - results.length;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const workerdCpuMs = descendantCpuMs("workerd") - cpu0;
  const after = await seq.status();
  return summariseRun("node-via-miniflare", opts, {
    seconds: (lastAnswer - start) / 1000,
    batches,
    indices,
    notSequenced,
    rpcErrors,
    latencies,
    sizeBefore: before.size,
    sizeAfter: after.size,
    writesBefore: before.writes,
    writesAfter: after.writes,
    proofsChecked: samples.length,
    proofsFailed: checkProofs(log.vkey, samples),
    workerdCpuMs,
  });
}

/** The same loop run by bench/driver.worker.js inside workerd, on a fresh log of its own. */
export async function runInWorkerdDriver(
  scriptPath: string,
  opts: SequencerOptions & { tickMs?: number },
): Promise<SequencerResult> {
  const log = await startLog({ scriptPath, driver: true, ...(opts.tickMs ? { tickMs: opts.tickMs } : {}) });
  try {
    const driver = await log.mf.getWorker(DRIVER);
    const q = new URLSearchParams({
      seconds: String(opts.seconds),
      concurrency: String(opts.concurrency),
      batch: String(opts.batchSize),
      size: String(opts.entrySize),
    });
    const cpu0 = descendantCpuMs("workerd");
    const res = await driver.fetch(`http://driver/run?${q}`);
    if (!res.ok) throw new Error(`driver: HTTP ${res.status}: ${await res.text()}`);
    const raw = (await res.json()) as Omit<RawRun, "proofsChecked" | "proofsFailed" | "workerdCpuMs">;
    // Includes the driver's warm-up batch and status() calls: a little pessimistic.
    const workerdCpuMs = descendantCpuMs("workerd") - cpu0;
    return summariseRun("in-workerd", opts, { ...raw, proofsChecked: 0, proofsFailed: 0, workerdCpuMs });
  } finally {
    await log.dispose();
  }
}

export interface TransportResult {
  seconds: number;
  concurrency: number;
  entries: number;
  entriesPerSecond: number;
}

/**
 * The ceiling the harness itself puts on runSequencer: the same addBatch calls from Node through
 * Miniflare's proxy, but with MAX_LEAF_BYTES below the entry size, so the DO rejects every leaf
 * at its first check (no hashing, pool, SQLite, round or upload). What remains is RPC transport
 * (Node serialisation, the proxy Worker, workerd RPC) and one add() call per leaf.
 */
export async function runTransportProbe(scriptPath: string, opts: SequencerOptions): Promise<TransportResult> {
  const log = await startLog({ scriptPath, vars: { MAX_LEAF_BYTES: String(opts.entrySize - 1) } });
  try {
    const seq = await log.sequencer();
    await seq.status();
    await seq.addBatch(makeBatch(opts.batchSize, opts.entrySize));
    let entries = 0;
    const start = performance.now();
    const deadline = start + opts.seconds * 1000;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < deadline) {
          const r = await seq.addBatch(makeBatch(opts.batchSize, opts.entrySize));
          if (r.some((x) => x.kind !== "rejected")) throw new Error("transport probe: a leaf was not rejected");
          entries += r.length;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    return {
      seconds: Math.round(seconds * 100) / 100,
      concurrency: opts.concurrency,
      entries,
      entriesPerSecond: Math.round(entries / seconds),
    };
  } finally {
    await log.dispose();
  }
}
