/**
 * Collecting witness cosignatures on the log's checkpoint (C2SP tlog-witness, client side), the way
 * Sunlight and Tessera do: each witness gets `old <size it knows>`, the consistency proof from that size
 * and the checkpoint; a 409 names the size the witness really knows, and the request is made again
 * from there. A cosignature counts only if it verifies with the witness's configured key.
 * Platform-free: the caller supplies the transport, the tree's hashes and where sizes are kept.
 * @module
 */
import { parseCheckpoint } from "../tlog/checkpoint.ts";
import { verifyCosignatures } from "../tlog/cosignature.ts";
import { formatSignatureLine, parseNote, type NoteSignature } from "../tlog/note.ts";
import { proveConsistency, type HashReader } from "../tlog/proof.ts";
import type { LogWitness } from "./policy.ts";
import { formatAddCheckpoint, SIZE_CONTENT_TYPE } from "../witness/protocol.ts";

/** One add-checkpoint exchange: the request body in, the status and body out. Throws if unreachable. */
export type WitnessCall = (
  w: LogWitness,
  body: string,
) => Promise<{ status: number; contentType: string | null; body: string }>;

export interface WitnessSizes {
  knownSize(vkey: string): number;
  setKnownSize(vkey: string, size: number): void;
}

export type CosignOutcome = { witness: LogWitness; line: string } | { witness: LogWitness; error: string };

/** A 409 is answered at most this many times per witness and checkpoint (a witness racing us moves once). */
const MAX_CONFLICTS = 2;

/**
 * Asks one witness to cosign `note` (the log's signed checkpoint of a tree `reader` reads). Returns its
 * verified cosignature line, or why there is none. Records every size the witness reports.
 */
export async function requestCosignature(
  w: LogWitness,
  note: string,
  reader: HashReader,
  sizes: WitnessSizes,
  call: WitnessCall,
): Promise<CosignOutcome> {
  const { text } = parseNote(note);
  const size = parseCheckpoint(text).size;
  let old = sizes.knownSize(w.vkey);
  if (old > size) old = 0; // we cannot prove from a size we have not reached; the witness's 409 tells the truth
  for (let conflicts = 0; ; ) {
    let proof;
    try {
      proof = await proveConsistency(old, size, reader);
    } catch (e) {
      return { witness: w, error: `no consistency proof from ${old} to ${size}: ${(e as Error).message}` };
    }
    let res;
    try {
      res = await call(w, formatAddCheckpoint(old, proof, note));
    } catch (e) {
      return { witness: w, error: `unreachable: ${(e as Error).message ?? e}` };
    }
    if (res.status === 200) {
      sizes.setKnownSize(w.vkey, size);
      const sigs = answerSignatures(text, res.body);
      const { valid } = verifyCosignatures(text, sigs, [w.verifier]);
      const ok = sigs.find((s) => valid.some((v) => v.name === s.name && v.keyId === s.keyId));
      if (!ok) return { witness: w, error: `no cosignature that verifies with ${w.vkey} in the answer` };
      return { witness: w, line: formatSignatureLine(ok) };
    }
    if (res.status === 409 && ++conflicts <= MAX_CONFLICTS) {
      const m = /^(0|[1-9][0-9]{0,15})\n$/.exec(res.body);
      const known = m ? Number(m[1]) : NaN;
      if (res.contentType?.split(";")[0]?.trim() !== SIZE_CONTENT_TYPE || !Number.isSafeInteger(known)) {
        return { witness: w, error: `409 without a size (${JSON.stringify(res.body.slice(0, 100))})` };
      }
      sizes.setKnownSize(w.vkey, known);
      // A witness that cosigned a larger tree than this log ever signed is seeing another view of the log.
      if (known > size)
        return {
          witness: w,
          error: `the witness knows size ${known}, larger than this checkpoint's ${size}: a split view?`,
        };
      old = known;
      continue;
    }
    return { witness: w, error: `HTTP ${res.status}: ${res.body.trim().slice(0, 200)}` };
  }
}

/** Lines of a witness's answer read at most: a witness answers one cosignature per key it has (C2SP: one or more). */
const MAX_ANSWER_LINES = 64;

/**
 * The signature lines of a witness's 200 answer (C2SP tlog-witness: "a sequence of one or more note signature
 * lines"). A witness may answer several: one per key, of types this log does not know (ML-DSA-44), for other names.
 * Lines that are not signature lines are skipped rather than failing the answer: the cosignature that verifies with
 * the configured key is all the log needs, and unknown cosignatures must be ignored anyway.
 */
function answerSignatures(text: string, body: string): NoteSignature[] {
  const sigs: NoteSignature[] = [];
  for (const line of body.split("\n").slice(0, MAX_ANSWER_LINES)) {
    if (line === "") continue;
    try {
      sigs.push(...parseNote(`${text}\n${line}\n`).sigs);
    } catch {
      // not a signature line: ignored
    }
  }
  return sigs;
}

/** The log's signed note with cosignature lines appended: the log's own signature stays first. */
export function withCosignatures(note: string, lines: readonly string[]): string {
  return note + lines.join("");
}
