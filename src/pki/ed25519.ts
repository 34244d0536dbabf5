/**
 * Ed25519 (RFC 8032 §5.1) in its two Sigstore forms:
 *
 * - `PKIX_ED25519_PH`, HashEdDSA Ed25519ph (RFC 8032 §5.1, `dom2(1, "")`), for hashedrekord: the signed value is
 *   PH(M) = SHA-512(M), and the log only ever sees that 64-byte digest. `@noble/curves` exports `ed25519ph`, but it
 *   hashes its input itself, so this file builds the same curve instance with an identity prehash: the caller's
 *   digest is PH(M). This matches Go's `ed25519.VerifyWithOptions(pub, digest, sig, &Options{Hash: crypto.SHA512})`,
 *   which sigstore's `ED25519phVerifier` calls. Verification is strict RFC 8032 decoding (`zip215: false`): no
 *   non-canonical point or scalar encodings, no small-order public keys.
 * - `PKIX_ED25519`, pure Ed25519 over a message (rekord, DSSE), which WebCrypto supports in workerd and Node.
 * @module
 */
import { eddsa } from "@noble/curves/abstract/edwards.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { concat } from "./der.ts";
import { SignatureError, assertBytes } from "./errors.ts";
import type { PublicKeyInfo } from "./keys.ts";

/** RFC 8032 §2: dom2(x, y) = "SigEd25519 no Ed25519 collisions" || octet(x) || octet(OLEN(y)) || y. */
const DOM2_PREFIX = new TextEncoder().encode("SigEd25519 no Ed25519 collisions");

/** Ed25519ph where the "message" passed in is already PH(M), the 64-byte SHA-512 digest. */
const ed25519phOverDigest = eddsa(ed25519.Point, sha512, {
  domain: (data: Uint8Array, ctx: Uint8Array, phflag: boolean) =>
    concat(DOM2_PREFIX, Uint8Array.of(phflag ? 1 : 0, ctx.length), ctx, data),
  prehash: (digest: Uint8Array) => digest,
  zip215: false,
});

/** SHA-512 digest length: the only PH of Ed25519ph (RFC 8032 §5.1). */
const ED25519PH_DIGEST_BYTES = 64;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * Verifies an Ed25519ph signature over a SHA-512 digest (RFC 8032 §5.1.7 with PH = SHA-512, empty context).
 * @throws SignatureError (field "digest" for a wrong length, "signature" when malformed or not valid).
 */
export function verifyEd25519phDigest(key: PublicKeyInfo, digest: Uint8Array, signature: Uint8Array): void {
  ed25519Key(key);
  assertBytes(digest, "digest");
  assertBytes(signature, "signature");
  if (digest.length !== ED25519PH_DIGEST_BYTES) {
    throw new SignatureError(
      "digest",
      `Ed25519ph signs a ${ED25519PH_DIGEST_BYTES}-byte SHA-512 digest, got ${digest.length} bytes`,
    );
  }
  checkSignatureLength(signature);
  if (!ed25519phOverDigest.verify(signature, digest, key.subjectPublicKey, { zip215: false })) {
    throw new SignatureError("signature", "Ed25519ph signature does not verify");
  }
}

/**
 * Verifies a pure Ed25519 signature over a message (RFC 8032 §5.1.7), using WebCrypto.
 * @throws SignatureError (field "signature") when malformed or not valid.
 */
export async function verifyEd25519Message(
  key: PublicKeyInfo,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  ed25519Key(key);
  assertBytes(message, "message");
  assertBytes(signature, "signature");
  checkSignatureLength(signature);
  const cryptoKey = await crypto.subtle.importKey("raw", key.subjectPublicKey, { name: "Ed25519" }, false, ["verify"]);
  if (!(await crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, signature, message))) {
    throw new SignatureError("signature", "Ed25519 signature does not verify");
  }
}

function checkSignatureLength(signature: Uint8Array): void {
  if (signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new SignatureError(
      "signature",
      `Ed25519 signature must be ${ED25519_SIGNATURE_BYTES} bytes, got ${signature.length}`,
    );
  }
}

function ed25519Key(key: PublicKeyInfo): void {
  if (key.kind !== "ed25519") throw new TypeError("not an Ed25519 key");
}
