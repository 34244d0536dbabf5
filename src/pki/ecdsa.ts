/**
 * ECDSA verification on P-256, P-384 and P-521 (FIPS 186-5 §6.4.2, SEC 1 v2 §4.1.4) with ASN.1 DER signatures
 * (`ECDSA-Sig-Value`, RFC 5480 §2.2 / RFC 3279 §2.2.3), the encoding every Sigstore client sends.
 *
 * - Over a digest (hashedrekord): `@noble/curves` with `prehash: false`, because WebCrypto always hashes its input.
 *   The digest is converted to an integer as FIPS 186-5 §6.4.2 step 3 says (leftmost bits, as Go's `ecdsa.Verify`).
 * - Over a message: WebCrypto, which takes the signature as IEEE P1363 `r || s` (rekor-api.md §6).
 *
 * High-S signatures are accepted, as Go's `ecdsa.VerifyASN1` accepts them. The DER must be strict: Go's parser
 * (cryptobyte) refuses non-minimal integers, trailing data and BER lengths.
 * @module
 */
import { DerError, TAG, bigIntToBytes, concat, parseElement, readSequence, readUnsignedInteger } from "./der.ts";
import { SignatureError, assertBytes } from "./errors.ts";
import type { HashName } from "./algorithms.ts";
import { nobleCurve, type EcCurve, type PublicKeyInfo } from "./keys.ts";

const WEBCRYPTO_HASH: Record<HashName, string> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

/**
 * Parses a DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` and checks 1 <= r, s < n.
 * @throws SignatureError (field "signature") when malformed or out of range.
 */
export function parseEcdsaSignature(der: Uint8Array, curve: EcCurve): { r: bigint; s: bigint } {
  assertBytes(der, "signature");
  let r: bigint;
  let s: bigint;
  try {
    const [re, se] = readSequence(parseElement(der, TAG.SEQUENCE, "ECDSA-Sig-Value"), "ECDSA-Sig-Value", 2);
    r = readUnsignedInteger(re!, "r");
    s = readUnsignedInteger(se!, "s");
  } catch (e) {
    if (e instanceof DerError) throw new SignatureError("signature", `malformed DER ECDSA signature: ${e.message}`);
    throw e;
  }
  const n = nobleCurve(curve).Point.Fn.ORDER;
  if (r < 1n || r >= n || s < 1n || s >= n) {
    throw new SignatureError("signature", `ECDSA signature r or s out of range for ${curve}`);
  }
  return { r, s };
}

/** The DER signature as IEEE P1363 `r || s`, each left-padded to the byte length of the group order. */
export function ecdsaSignatureToP1363(der: Uint8Array, curve: EcCurve): Uint8Array {
  const { r, s } = parseEcdsaSignature(der, curve);
  const size = nobleCurve(curve).Point.Fn.BYTES;
  return concat(bigIntToBytes(r, size), bigIntToBytes(s, size));
}

/**
 * Verifies a DER ECDSA signature over a digest (the digest is not hashed again). The caller checks the digest
 * length against the keyDetails; ECDSA itself takes the leftmost bits of any length.
 * @throws SignatureError (field "signature") when malformed or not valid.
 */
export function verifyEcdsaDigest(key: PublicKeyInfo, digest: Uint8Array, signature: Uint8Array): void {
  const curve = ecdsaCurve(key);
  assertBytes(digest, "digest");
  const compact = ecdsaSignatureToP1363(signature, curve);
  const ok = nobleCurve(curve).verify(compact, digest, key.subjectPublicKey, { prehash: false, lowS: false, format: "compact" });
  if (!ok) throw new SignatureError("signature", "ECDSA signature does not verify");
}

/**
 * Verifies a DER ECDSA signature over a message hashed with `hash`, using WebCrypto.
 * @throws SignatureError (field "signature") when malformed or not valid.
 */
export async function verifyEcdsaMessage(key: PublicKeyInfo, hash: HashName, message: Uint8Array, signature: Uint8Array): Promise<void> {
  const curve = ecdsaCurve(key);
  assertBytes(message, "message");
  const p1363 = ecdsaSignatureToP1363(signature, curve);
  const cryptoKey = await crypto.subtle.importKey("spki", key.spki, { name: "ECDSA", namedCurve: curve }, false, ["verify"]);
  const ok = await crypto.subtle.verify({ name: "ECDSA", hash: WEBCRYPTO_HASH[hash] }, cryptoKey, p1363, message);
  if (!ok) throw new SignatureError("signature", "ECDSA signature does not verify");
}

function ecdsaCurve(key: PublicKeyInfo): EcCurve {
  if (key.kind !== "ecdsa" || key.curve === undefined) throw new TypeError("not an ECDSA key");
  return key.curve;
}
