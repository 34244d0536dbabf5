/**
 * What a client checks of a complete search answer, with nothing but the log's verifier key: the
 * completeness proof (answer.ts) and then that the page's hits are exactly the entries it names, each
 * with a valid inclusion proof under a checkpoint the log signed, and (given the key extractors,
 * `indexKeysOf`) each entry really having the key.
 * @module
 */
import { openCheckpoint } from "../client/verify-checkpoint.ts";
import { verifyEntryInclusion } from "../client/verify-entry.ts";
import { fromBase64 } from "../tlog/encoding.ts";
import { MalformedError, ProofError } from "../tlog/errors.ts";
import { openNote, type NoteVerifier } from "../tlog/note.ts";
import { verifyCompleteness, type CompletenessJson, type VerifiedCompleteness } from "./answer.ts";

/** The parts of a search hit (a TransparencyLogEntry) the check reads. */
export interface CompleteSearchHit {
  entry: {
    logIndex: string;
    canonicalizedBody: string;
    inclusionProof: {
      logIndex: string;
      treeSize: string;
      rootHash: string;
      hashes: string[];
      checkpoint: { envelope: string };
    };
  };
}

export interface CompleteSearchJson {
  hits: CompleteSearchHit[];
  nextCursor?: string;
  completeness: CompletenessJson;
}

/**
 * Verifies one page of a complete search for `key` with `limit` positions against the log's key (one
 * of `verifiers`: the one that signed the map checkpoint must sign the hits' checkpoints too).
 * Returns what it proves: the key has `count` entries below log size `checkpoint.size`, and the hits
 * are those at positions [start, start + indices.length).
 * @throws ProofError or MalformedError naming what failed
 */
export function verifyCompleteSearch(
  answer: CompleteSearchJson,
  key: string,
  limit: number,
  verifiers: readonly NoteVerifier[],
  entryKeys?: (leaf: Uint8Array) => string[],
): VerifiedCompleteness {
  if (typeof answer?.completeness?.mapCheckpoint !== "string")
    throw new MalformedError("complete search: no map checkpoint");
  const signer = openNote(answer.completeness.mapCheckpoint, verifiers).sigs[0]!;
  const verifier = verifiers.find((v) => v.name === signer.name && v.keyId === signer.keyId)!;
  const done = verifyCompleteness(answer.completeness, key, limit, [verifier], verifier.name);
  if (!Array.isArray(answer.hits)) throw new MalformedError("complete search: no hits array");
  const got = answer.hits.map((h) => Number(h?.entry?.logIndex));
  if (got.length !== done.indices.length || got.some((g, i) => g !== done.indices[i])) {
    throw new ProofError(
      `complete search: the index lists entries [${done.indices.join(", ")}] on this page, the answer has [${got.join(", ")}]`,
    );
  }
  for (const hit of answer.hits) {
    const e = hit.entry;
    const cp = openCheckpoint(e.inclusionProof.checkpoint.envelope, [verifier]);
    if (cp.size < done.checkpoint.size)
      throw new ProofError(`hit ${e.logIndex}: its checkpoint (size ${cp.size}) is older than the map checkpoint`);
    if (e.inclusionProof.logIndex !== e.logIndex || e.inclusionProof.treeSize !== String(cp.size))
      throw new ProofError(`hit ${e.logIndex}: its proof is for another position`);
    const body = fromBase64(e.canonicalizedBody, "canonicalized body");
    const index = Number(e.logIndex);
    verifyEntryInclusion(
      body,
      index,
      e.inclusionProof.hashes.map((h) => fromBase64(h, "proof hash")),
      cp,
    );
    if (entryKeys && !entryKeys(body).includes(key))
      throw new ProofError(`hit ${e.logIndex}: the entry does not have the key ${key}`);
  }
  return done;
}
