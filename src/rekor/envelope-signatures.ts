/**
 * Matching a DSSE envelope's signatures to the verifiers that made them, as Rekor does (every signature must be
 * verified by one of the verifiers), at a bounded cost: the pre-authentication encoding is built once per
 * envelope, each signature is tried first against the verifier in its own position (where clients put it) and
 * then against the others, and every attempt is charged to the request's {@link VerificationBudget} — an attempt
 * hashes the whole PAE inside WebCrypto, so signatures × verifiers attempts over a large payload would otherwise
 * cost what one request must not.
 * @module
 */
import type { HashName } from "../pki/algorithms.ts";
import { SignatureError } from "../pki/errors.ts";
import type { PublicKeyInfo } from "../pki/keys.ts";
import { verifyMessageSignature } from "../pki/verify.ts";
import { verificationUnits, type VerificationBudget } from "./verification-budget.ts";

export interface EnvelopeVerifier {
  key: PublicKeyInfo;
  /** The hash the key signs the PAE with; null for pure Ed25519. */
  hash: HashName | null;
}

/** The order in which signature `i` tries the verifiers: its own position first, then the rest in order. */
export function verifierOrder(i: number, count: number): number[] {
  const order = i < count ? [i] : [];
  for (let j = 0; j < count; j++) if (j !== i) order.push(j);
  return order;
}

/**
 * For each signature (in order), the index of the verifier that verifies it over `message` (the PAE), or -1.
 * Stops at the first signature no verifier verifies.
 * @throws RequestError when the budget runs out.
 */
export async function matchEnvelopeSignatures(
  message: Uint8Array,
  signatures: readonly Uint8Array[],
  verifiers: readonly EnvelopeVerifier[],
  budget: VerificationBudget,
  where: string,
): Promise<number[]> {
  const matched: number[] = [];
  for (const [i, sig] of signatures.entries()) {
    let found = -1;
    for (const j of verifierOrder(i, verifiers.length)) {
      const v = verifiers[j]!;
      budget.spend(verificationUnits(v.key, false), message.length, `${where}[${i}]`);
      try {
        await verifyMessageSignature(v.key, v.hash, message, sig);
        found = j;
        break;
      } catch (e) {
        if (!(e instanceof SignatureError)) throw e;
      }
    }
    matched.push(found);
    if (found < 0) break;
  }
  return matched;
}
