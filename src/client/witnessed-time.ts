/**
 * Time from witnesses: when an entry was logged, bounded by the witnesses that cosigned a checkpoint covering it.
 *
 * A verified cosignature with timestamp t states that, as of t, the witness had seen the log's tree of the
 * checkpoint's size (C2SP tlog-cosignature § Ed25519 signed message, § ML-DSA-44 signed message), so every
 * entry of that tree was logged no later than t: the earliest such t is the bound. It is an upper bound only
 * (nothing says how long before t the entry was logged), as good as the witness's clock and honesty, and as
 * tight as the checkpoint is early: the checkpoint a v2 entry is answered with on submission is the first
 * that covers it, one read later may be a much later one. An ML-DSA-44 timestamp of 0 states no time and
 * gives no bound. Rekor v2 entries carry no integrated time: this is the bound sigstore-go's maintainers
 * propose in its place (peers: sigstore-go #496).
 * @module
 */
import type { CosignatureReport } from "./verify-checkpoint.ts";

export interface WitnessedTime {
  /** Unix seconds: the entry was logged no later than this. */
  time: number;
  /** The witness whose cosignature gives it. */
  witness: string;
  /** The size of the cosigned checkpoint. */
  treeSize: number;
}

/** The earliest verified, non-zero cosignature time on a checkpoint of `treeSize` leaves, or null. */
export function witnessedTime(report: CosignatureReport, treeSize: number): WitnessedTime | null {
  let best: WitnessedTime | null = null;
  for (const c of report.present) {
    if (c.status !== "verified" || !c.timestamp) continue;
    if (best === null || c.timestamp < best.time) best = { time: c.timestamp, witness: c.name, treeSize };
  }
  return best;
}

/** One line for a verifier's output. */
export function describeWitnessedTime(w: WitnessedTime): string {
  return `logged no later than ${new Date(w.time * 1000).toISOString()} (cosigned by ${w.witness} on the checkpoint of size ${w.treeSize})`;
}
