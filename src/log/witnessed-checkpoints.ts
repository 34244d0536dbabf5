/**
 * Time from witnesses at the edge: the earliest cosigned checkpoint that covers an entry. The sequencer keeps
 * the first cosigned checkpoint of each size write-once (witnessedCheckpointPath); the first one whose size
 * exceeds an entry's index is the earliest tree any witness cosigned with the entry in it, so its earliest
 * cosignature time bounds when the entry was logged (C2SP tlog-cosignature: a timestamped cosignature states
 * the witness had seen that tree by then). R2 alone is not trusted: the checkpoint is served only once the
 * log's signature and every cosignature by a configured witness on it verify.
 * @module
 */
import { cosignatureReport } from "../client/verify-checkpoint.ts";
import type { VerifiedCheckpoint } from "../client/tile-reader.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import { parseCheckpoint } from "../tlog/checkpoint.ts";
import { utf8Decode } from "../tlog/encoding.ts";
import { witnessedCheckpointPath, witnessedCheckpointSize, WITNESSED_CHECKPOINTS_PREFIX } from "../tlog/layout.ts";
import { newVerifier, openNoteAsync } from "../tlog/note.ts";
import type { WitnessPolicy } from "../witnessing/policy.ts";
import type { CheckpointKey } from "./keys.ts";

/** A stored cosigned checkpoint that does not verify (or vanished): not served, retry later. */
export class WitnessedCheckpointUnavailable extends Error {}

export interface WitnessCosignatureTime {
  /** The witness's key name and key ID (8 hex), as in its signature line. */
  name: string;
  keyId: string;
  /** When it cosigned: Unix seconds and RFC 3339. */
  timestamp: number;
  time: string;
}

export interface WitnessedCheckpoint {
  checkpoint: VerifiedCheckpoint;
  /** The verified cosignatures with a time (an ML-DSA-44 timestamp 0 states none), earliest first. */
  cosignatures: WitnessCosignatureTime[];
}

/**
 * The earliest stored cosigned checkpoint with more than `index` entries, verified; null if none covers it yet.
 * @throws WitnessedCheckpointUnavailable if the one found does not verify.
 */
export async function earliestWitnessedCheckpoint(
  objects: ObjectStore,
  key: CheckpointKey,
  policy: WitnessPolicy,
  index: number,
): Promise<WitnessedCheckpoint | null> {
  const [path] = await objects.list(WITNESSED_CHECKPOINTS_PREFIX, witnessedCheckpointPath(index), 1);
  if (path === undefined) return null;
  const refuse = (why: string) => new WitnessedCheckpointUnavailable(`the cosigned checkpoint ${path} ${why}`);
  const size = witnessedCheckpointSize(path);
  if (size === null || size <= index) throw refuse("is not named by a size above the index");
  const body = await objects.get(path);
  if (body === null) throw refuse("is listed but missing");
  const note = utf8Decode(body);
  let checkpoint: VerifiedCheckpoint;
  try {
    const opened = await openNoteAsync(note, [newVerifier(key.vkey)]);
    checkpoint = { ...parseCheckpoint(opened.text), note };
  } catch (e) {
    throw refuse(`is not signed by the log's key: ${(e as Error).message}`);
  }
  if (checkpoint.size !== size) throw refuse(`holds a checkpoint of size ${checkpoint.size}`);
  const report = cosignatureReport(
    note,
    [],
    policy.witnesses.map((w) => w.verifier),
    0,
  );
  if (report.failure !== null) throw refuse(`has a cosignature that does not verify: ${report.failure}`);
  const cosignatures = report.present
    .filter((c) => c.status === "verified" && c.timestamp)
    .map((c) => ({ name: c.name, keyId: c.keyId, timestamp: c.timestamp!, time: c.time! }))
    .sort((a, b) => a.timestamp - b.timestamp);
  if (cosignatures.length === 0) throw refuse("carries no cosignature with a time by a configured witness");
  return { checkpoint, cosignatures };
}
