/**
 * Checks on what the log acknowledged: indices unique and consecutive, and (sampled) inclusion
 * proofs valid against the signed checkpoint they came with.
 * @module
 */
import { logKey, openCheckpoint } from "../src/client/verify-checkpoint.ts";
import { verifyEntryInclusion } from "../src/client/verify-entry.ts";

export interface IndexCheck {
  acknowledged: number;
  duplicates: number;
  /** Indices at or beyond `limit` (the final tree size), when a limit is given. */
  beyondLimit: number;
  /** Holes in [min, max]: fine for HTTP (requests cut off at the end), wrong for the sequencer phase. */
  gaps: number;
  min: number;
  max: number;
}

export function checkIndices(indices: readonly number[], limit?: number): IndexCheck {
  const sorted = Float64Array.from(indices).sort();
  let duplicates = 0;
  let gaps = 0;
  let beyondLimit = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (limit !== undefined && sorted[i]! >= limit) beyondLimit++;
    if (i === 0) continue;
    const d = sorted[i]! - sorted[i - 1]!;
    if (d === 0) duplicates++;
    else if (d > 1) gaps += d - 1;
  }
  return {
    acknowledged: sorted.length,
    duplicates,
    beyondLimit,
    gaps,
    min: sorted.length ? sorted[0]! : -1,
    max: sorted.length ? sorted[sorted.length - 1]! : -1,
  };
}

/** Verifies inclusion proofs against their signed checkpoints; returns how many failed. */
export function checkProofs(
  vkey: string,
  samples: Array<{ entry: Uint8Array; index: number; checkpoint: string; proof: Uint8Array[] }>,
): number {
  const key = logKey(vkey);
  const roots = new Map<string, { size: number; root: Uint8Array } | null>();
  let failed = 0;
  for (const s of samples) {
    let cp = roots.get(s.checkpoint);
    if (cp === undefined) {
      try {
        const opened = openCheckpoint(s.checkpoint, [key]);
        cp = { size: opened.size, root: opened.root };
      } catch {
        cp = null;
      }
      roots.set(s.checkpoint, cp);
    }
    try {
      if (!cp) throw new Error("bad checkpoint");
      verifyEntryInclusion(s.entry, s.index, s.proof, cp);
    } catch {
      failed++;
    }
  }
  return failed;
}
