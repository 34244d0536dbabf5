/**
 * The entry points the Rekor entry types call: one signature over a digest (hashedrekord v1 0.0.1 and v2 0.0.2), or
 * over a message (v1 rekord, DSSE). They check the arguments, match the key against the algorithm, and dispatch to
 * the one verifier for that algorithm (ecdsa.ts, rsa.ts, ed25519.ts).
 *
 * Order of checks, as rekor-tiles `hashedrekord.ToLogEntry` (rekor-api.md §1.3): keyDetails known and matching the
 * key (step 3), a digest form exists and the digest has its length (step 4), then the signature (step 5).
 * Every refusal is a {@link SignatureError} naming the field.
 * @module
 */
import { checkKeyDetails, digestLength, type AlgorithmDetails, type HashName } from "./algorithms.ts";
import { verifyEcdsaDigest, verifyEcdsaMessage } from "./ecdsa.ts";
import { verifyEd25519Message, verifyEd25519phDigest } from "./ed25519.ts";
import { SignatureError, assertBytes } from "./errors.ts";
import type { PublicKeyInfo } from "./keys.ts";
import { verifyRsaPkcs1v15Digest, verifyRsaPkcs1v15Message, verifyRsaPssDigest, verifyRsaPssMessage } from "./rsa.ts";

export interface DigestSignature {
  /** From parseSpki / parseCertificate / parsePem / parsePublicKey. */
  key: PublicKeyInfo;
  /** Sigstore PublicKeyDetails, by name or protobuf enum number. */
  keyDetails: string | number;
  /** The artifact digest that was signed (not hashed again). */
  digest: Uint8Array;
  /** DER for ECDSA, k octets for RSA, 64 octets for Ed25519ph. */
  signature: Uint8Array;
}

/**
 * Verifies a signature over a digest.
 * @returns the algorithm details (scheme and hash) that verified, for building the log entry.
 * @throws SignatureError: "keyDetails" unknown, not matching the key, or with no digest form (PKIX_ED25519);
 *   "digest" of the wrong length; "signature" malformed or not valid.
 * @throws TypeError when called with the wrong argument types (a bug, not an input error).
 */
export async function verifyDigestSignature(request: DigestSignature): Promise<AlgorithmDetails> {
  const { key, keyDetails, digest, signature } = request;
  assertKey(key);
  assertBytes(digest, "digest");
  assertBytes(signature, "signature");
  const details = checkKeyDetails(key, keyDetails);
  if (details.hash === null) {
    // Pure Ed25519 signs the message, so it cannot sign a digest (rekor-tiles refuses crypto.Hash(0), §1.3 step 4).
    throw new SignatureError(
      "keyDetails",
      `${details.keyDetails} signs whole messages and cannot verify a digest: use PKIX_ED25519_PH`,
    );
  }
  const want = digestLength(details.hash);
  if (digest.length !== want) {
    throw new SignatureError(
      "digest",
      `${details.keyDetails} needs a ${want}-byte ${details.hash} digest, got ${digest.length} bytes`,
    );
  }
  if (signature.length === 0) throw new SignatureError("signature", "empty signature");
  switch (details.scheme) {
    case "ecdsa":
      verifyEcdsaDigest(key, digest, signature);
      break;
    case "rsa-pkcs1v15":
      verifyRsaPkcs1v15Digest(key, details.hash, digest, signature);
      break;
    case "rsa-pss":
      verifyRsaPssDigest(key, details.hash, digest, signature);
      break;
    case "ed25519ph":
      verifyEd25519phDigest(key, digest, signature);
      break;
    case "ed25519":
      throw new Error("bad registry: ed25519 without a null hash"); // excluded above
  }
  return details;
}

export interface MessageSignatureOptions {
  /** RSA padding; Rekor v1 `LoadVerifier` uses PKCS#1 v1.5 for RSA keys. Default "pkcs1v15". */
  rsaPadding?: "pkcs1v15" | "pss";
}

/**
 * Verifies a signature over a whole message (v1 rekord, DSSE PAE). ECDSA and RSA hash the message with `hash`
 * (Rekor v1 loads its verifiers with SHA-256 whatever the curve); Ed25519 is pure Ed25519 and takes `hash` null.
 * @throws SignatureError: "hash" missing for ECDSA/RSA or given for Ed25519; "signature" malformed or not valid.
 */
export async function verifyMessageSignature(
  key: PublicKeyInfo,
  hash: HashName | null,
  message: Uint8Array,
  signature: Uint8Array,
  options: MessageSignatureOptions = {},
): Promise<void> {
  assertKey(key);
  assertBytes(message, "message");
  assertBytes(signature, "signature");
  if (hash !== null && hash !== "sha256" && hash !== "sha384" && hash !== "sha512")
    throw new TypeError(`unknown hash ${String(hash)}`);
  if (signature.length === 0) throw new SignatureError("signature", "empty signature");
  if (key.kind === "ed25519") {
    if (hash !== null) throw new SignatureError("hash", "pure Ed25519 signs the message itself: no hash applies");
    return verifyEd25519Message(key, message, signature);
  }
  if (hash === null)
    throw new SignatureError("hash", `${key.kind === "rsa" ? "RSA" : "ECDSA"} message signatures need a hash`);
  if (key.kind === "ecdsa") return verifyEcdsaMessage(key, hash, message, signature);
  if ((options.rsaPadding ?? "pkcs1v15") === "pss") return verifyRsaPssMessage(key, hash, message, signature);
  return verifyRsaPkcs1v15Message(key, hash, message, signature);
}

/** Entry assertion: a PublicKeyInfo from keys.ts, not some other object. */
function assertKey(key: PublicKeyInfo): void {
  if (
    typeof key !== "object" ||
    key === null ||
    (key.kind !== "ecdsa" && key.kind !== "rsa" && key.kind !== "ed25519") ||
    !(key.spki instanceof Uint8Array) ||
    !(key.subjectPublicKey instanceof Uint8Array)
  ) {
    throw new TypeError("key must be a PublicKeyInfo from src/pki/keys.ts");
  }
}
