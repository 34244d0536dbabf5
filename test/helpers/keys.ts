// Throwaway signing keys for tests, made with @noble/curves (deterministic for a given seed).
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, fromHex, toBase64 } from "../../src/tlog/encoding.ts";

/** DER SubjectPublicKeyInfo prefix for an uncompressed P-256 point (RFC 5480). */
const P256_SPKI_PREFIX = fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

export interface TestEcKey {
  spki: Uint8Array;
  /** DER ECDSA signature over a SHA-256 digest. */
  signDigest(digest: Uint8Array): Uint8Array;
}

export function p256Key(): TestEcKey {
  const secret = p256.utils.randomSecretKey();
  const pub = p256.getPublicKey(secret, false);
  return {
    spki: concatBytes(P256_SPKI_PREFIX, pub),
    signDigest: (digest) => p256.sign(digest, secret, { prehash: false, format: "der" }),
  };
}

/**
 * A Rekor v2 hashedrekord request for `artifact`, signed by `key`, verifier given as `verifierField` with
 * `verifierBytes` (default: the key's SPKI; e.g. a certificate for the key).
 */
export function hashedRekordV2(
  key: TestEcKey,
  artifact: Uint8Array,
  verifierField: "publicKey" | "x509Certificate" = "publicKey",
  verifierBytes: Uint8Array = key.spki,
) {
  const digest = sha256(artifact);
  return {
    hashedRekordRequestV002: {
      digest: toBase64(digest),
      signature: {
        content: toBase64(key.signDigest(digest)),
        verifier: { [verifierField]: { rawBytes: toBase64(verifierBytes) }, keyDetails: "PKIX_ECDSA_P256_SHA_256" },
      },
    },
  };
}
