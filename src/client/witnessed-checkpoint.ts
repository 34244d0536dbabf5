/**
 * Checks the log's answer to `GET /api/v2/log/entries/<index>/witnessed` (the earliest cosigned checkpoint
 * covering an entry) as a verifier must, trusting nothing the log says: the checkpoint's signature by the log's
 * key, the entry's inclusion proof to its root, and the cosignatures by the witness keys the verifier gave;
 * then the bound is the earliest verified cosignature time on it (src/client/witnessed-time.ts).
 * @module
 */
import type { CosignatureVerifier } from "../tlog/cosignature.ts";
import { fromBase64 } from "../tlog/encoding.ts";
import { hashLeaf } from "../tlog/hash.ts";
import type { NoteVerifier } from "../tlog/note.ts";
import { checkInclusion } from "../tlog/proof.ts";
import { checkCosignatures, openCheckpoint, type LogKey } from "./verify-checkpoint.ts";
import { witnessedTime, type WitnessedTime } from "./witnessed-time.ts";

/** The path of the answer under a shard's URL. */
export function witnessedCheckpointApiPath(index: number): string {
  return `api/v2/log/entries/${index}/witnessed`;
}

/**
 * The "logged no later than" bound the answer proves for `leaf` at `index`, or null if no cosignature on it
 * carries a time. @throws if the answer does not verify.
 */
export function verifyWitnessedCheckpoint(
  answer: unknown,
  leaf: Uint8Array,
  index: number,
  logKeys: readonly LogKey[],
  witnesses: readonly CosignatureVerifier[],
): WitnessedTime | null {
  const a = answer as { checkpoint?: unknown; inclusionProof?: unknown };
  if (typeof a?.checkpoint !== "string" || !Array.isArray(a.inclusionProof))
    throw new Error("the answer has no checkpoint and inclusion proof");
  const cp = openCheckpoint(a.checkpoint, logKeys);
  if (index >= cp.size) throw new Error(`the checkpoint of size ${cp.size} does not cover index ${index}`);
  const proof = a.inclusionProof.map((h) => fromBase64(String(h), "inclusion proof hash"));
  checkInclusion(proof, index, cp.size, hashLeaf(leaf), cp.root);
  const report = checkCosignatures(a.checkpoint, logKeys as readonly NoteVerifier[], witnesses, 1);
  return witnessedTime(report, cp.size);
}
