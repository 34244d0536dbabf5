/**
 * DSSE envelope verification as Rekor v1 does it (pkg/types/dsse, pkg/types/intoto verifyEnvelope):
 * every signature must be verified by one of the given keys over PAE(payloadType, payload), with
 * `signature.LoadVerifier(key, crypto.SHA256)`: SHA-256 for ECDSA of any curve and RSA PKCS#1 v1.5,
 * pure Ed25519 for Ed25519 keys.
 * @module
 */
import { SignatureError } from "../../../pki/errors.ts";
import { verifyMessageSignature } from "../../../pki/verify.ts";
import type { PemKey } from "../pem.ts";
import { pae } from "../../v2/entry.ts";
import { RequestError } from "../../errors.ts";

/** Returns, for each signature (in order), the key that verified it. */
export async function verifyEnvelopeSignatures(
  payloadType: string,
  payload: Uint8Array,
  signatures: readonly Uint8Array[],
  keys: readonly PemKey[],
  where: string,
): Promise<PemKey[]> {
  const message = pae(payloadType, payload);
  const out: PemKey[] = [];
  for (const [i, sig] of signatures.entries()) {
    let found: PemKey | undefined;
    for (const k of keys) {
      try {
        await verifyMessageSignature(k.key, k.key.kind === "ed25519" ? null : "sha256", message, sig);
        found = k;
        break;
      } catch (e) {
        if (!(e instanceof SignatureError)) throw e;
      }
    }
    if (!found) throw new RequestError(`${where}[${i}]: all signatures must have a key that verifies them`);
    out.push(found);
  }
  return out;
}
