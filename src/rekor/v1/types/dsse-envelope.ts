/**
 * DSSE envelope verification as Rekor v1 does it (pkg/types/dsse, pkg/types/intoto verifyEnvelope):
 * every signature must be verified by one of the given keys over PAE(payloadType, payload), with
 * `signature.LoadVerifier(key, crypto.SHA256)`: SHA-256 for ECDSA of any curve and RSA PKCS#1 v1.5,
 * pure Ed25519 for Ed25519 keys.
 * @module
 */
import type { PemKey } from "../pem.ts";
import { pae } from "../../v2/entry.ts";
import { matchEnvelopeSignatures } from "../../envelope-signatures.ts";
import { RequestError } from "../../errors.ts";
import type { VerificationBudget } from "../../verification-budget.ts";

/** Returns, for each signature (in order), the key that verified it. */
export async function verifyEnvelopeSignatures(
  payloadType: string,
  payload: Uint8Array,
  signatures: readonly Uint8Array[],
  keys: readonly PemKey[],
  budget: VerificationBudget,
  where: string,
): Promise<PemKey[]> {
  const verifiers = keys.map((k) => ({ key: k.key, hash: k.key.kind === "ed25519" ? null : ("sha256" as const) }));
  const matched = await matchEnvelopeSignatures(pae(payloadType, payload), signatures, verifiers, budget, where);
  return signatures.map((_, i) => {
    const j = matched[i] ?? -1;
    if (j < 0) throw new RequestError(`${where}[${i}]: all signatures must have a key that verifies them`);
    return keys[j]!;
  });
}
