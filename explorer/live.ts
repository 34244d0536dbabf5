/**
 * The live view's state: the shard's checkpoints as the page saw them over time (polled, kept in the page),
 * each signature and origin verified, the cosignatures by pinned witnesses too, and each new one proved
 * consistent with the one before (consistency proof from tiles), and the newest entries read from the
 * entries bundles with their inclusion proofs.
 */
import type { TileReader, VerifiedCheckpoint } from "../src/client/tile-reader.ts";
import { checkCosignatures } from "../src/client/verify-checkpoint.ts";
import type { CosignatureVerifier } from "../src/tlog/cosignature.ts";
import { bytesEqual, toHex } from "../src/tlog/encoding.ts";
import { hashLeaf } from "../src/tlog/hash.ts";
import type { CheckStatus } from "./verify.ts";

export interface SeenCheckpoint {
  seenAt: number;
  size: number;
  root: string;
  note: string;
  /** Consistency with the previous checkpoint seen ("verified"), or why not. */
  consistency: CheckStatus;
  detail: string;
}

export interface RecentEntry {
  index: number;
  leaf: Uint8Array | null;
  /** Inclusion in the latest checkpoint, proved from tiles. */
  status: CheckStatus;
  detail: string;
}

/** How many checkpoints the page keeps, and how many newest entries it shows. */
export const MAX_HISTORY = 50;
export const RECENT = 10;

export class LiveLog {
  readonly history: SeenCheckpoint[] = [];
  latest: VerifiedCheckpoint | null = null;
  /** The last failure (a bad signature, an inconsistent checkpoint, an unreachable log), cleared by the next success. */
  error: string | null = null;
  /** The last checkpoint refused as inconsistent, so that polling reports it once. */
  private rejected: string | null = null;

  constructor(
    private readonly reader: () => TileReader,
    private readonly witnesses: () => readonly CosignatureVerifier[] = () => [],
  ) {}

  /** Reads and verifies the current checkpoint; records it when it differs from the last one seen. */
  async poll(now = Date.now()): Promise<boolean> {
    const reader = this.reader();
    let cp: VerifiedCheckpoint;
    try {
      cp = await reader.checkpoint();
      checkCosignatures(cp.note, [], this.witnesses(), 0);
    } catch (e) {
      this.error = `checkpoint: ${(e as Error).message}`;
      return false;
    }
    this.error = null;
    const prev = this.latest;
    if (prev && prev.size === cp.size && bytesEqual(prev.root, cp.root)) return false;
    if (this.rejected === `${cp.size}/${toHex(cp.root)}`) return false; // already reported
    let consistency: CheckStatus = "verified";
    let detail: string;
    if (!prev) {
      detail = "first checkpoint seen by this page";
      consistency = "skipped";
    } else {
      try {
        if (cp.size < prev.size) throw new Error(`the tree shrank from ${prev.size} to ${cp.size}`);
        await reader.verifyConsistency(prev, cp);
        detail = `extends tree size ${prev.size} (consistency proof from tiles)`;
      } catch (e) {
        consistency = "failed";
        detail = `not consistent with tree size ${prev.size}: ${(e as Error).message}`;
      }
    }
    this.history.unshift({ seenAt: now, size: cp.size, root: toHex(cp.root), note: cp.note, consistency, detail });
    this.history.length = Math.min(this.history.length, MAX_HISTORY);
    // A checkpoint that does not extend the previous one is kept in the history but never trusted as the latest.
    if (consistency !== "failed") this.latest = cp;
    else this.rejected = `${cp.size}/${toHex(cp.root)}`;
    return true;
  }

  /** The newest entries of the latest checkpoint, each read from its bundle and proved included. */
  async recent(): Promise<RecentEntry[]> {
    const cp = this.latest;
    if (!cp) return [];
    const reader = this.reader();
    const out: RecentEntry[] = [];
    for (let i = cp.size - 1; i >= Math.max(0, cp.size - RECENT); i--) {
      try {
        const leaf = await reader.entry(i, cp.size);
        await reader.verifyInclusion(leaf, i, cp);
        out.push({ index: i, leaf, status: "verified", detail: "included in the latest checkpoint" });
      } catch (e) {
        out.push({ index: i, leaf: null, status: "failed", detail: (e as Error).message });
      }
    }
    return out;
  }
}
