/**
 * ECDSA verification on P-256, P-384 and P-521 (FIPS 186-5 §6.4.2, SEC 1 v2 §4.1.4) with ASN.1 DER signatures
 * (`ECDSA-Sig-Value`, RFC 5480 §2.2 / RFC 3279 §2.2.3), the encoding every Sigstore client sends.
 *
 * - Over a digest (hashedrekord): WebCrypto and node:crypto's `verify` always hash their input, so the check is
 *   assembled from native scalar multiplications, see {@link verifyEcdsaDigest}. The digest is converted to an
 *   integer as FIPS 186-5 §6.4.2 step 3 says (leftmost bits, as Go's `ecdsa.Verify`).
 * - Over a message: WebCrypto, which takes the signature as IEEE P1363 `r || s` (rekor-api.md §6).
 *
 * High-S signatures are accepted, as Go's `ecdsa.VerifyASN1` accepts them. The DER must be strict: Go's parser
 * (cryptobyte) refuses non-minimal integers, trailing data and BER lengths.
 * @module
 */
import { createECDH, type ECDH } from "node:crypto";
import { bytesToNumberBE } from "@noble/curves/utils.js";
import { DerError, TAG, bigIntToBytes, concat, parseElement, readSequence, readUnsignedInteger } from "./der.ts";
import { SignatureError, assertBytes } from "./errors.ts";
import type { HashName } from "./algorithms.ts";
import { nobleCurve, type EcCurve, type PublicKeyInfo } from "./keys.ts";
import { verificationCurve } from "./verification-curves.ts";

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
  const { r, s } = parseEcdsaSignature(signature, curve);
  if (!ecdsaDigestVerifies(curve, key.subjectPublicKey, digest, r, s))
    throw new SignatureError("signature", "ECDSA signature does not verify");
}

/**
 * FIPS 186-5 §6.4.2 with the scalar multiplications done natively where the platform has them (BoringSSL in
 * workerd, OpenSSL in Node), through the only native entry points that take a raw scalar: ECDH key generation
 * (k·G, both coordinates) and ECDH key agreement (the x coordinate of k·P). Verification needs
 * R = u1·G + u2·Q with u1 = e/s, u2 = r/s; since u2 is never zero, R = u2·(Q + t·G) with t = u1/u2 = e/r. So:
 * t·G, one affine point addition in JS, then x(u2·V) natively, and x(R) mod n must equal r. V = O (Q = -t·G)
 * means R = O, which never verifies. Requires 1 <= r, s < n (parseEcdsaSignature checks).
 *
 * t·G is native for P-256 (BoringSSL's precomputed tables: ~30 µs in workerd) and noble's precomputed window
 * for P-384 and P-521, where BoringSSL's generic code is slower than it (0.9 vs 0.55 ms, 2.0 vs 1.0 ms in the
 * bench's parts). Key agreement always derives the public key of the scalar it is given (a base
 * multiplication we do not need): no native entry point takes a scalar without doing so. The JS arithmetic
 * (the inversions, the addition, noble's table) runs over verification-curves.ts's faster fields: with noble's
 * plain ones the two inversions alone cost a P-256 verification as much as its native multiplications.
 */
export function ecdsaDigestVerifies(
  curve: EcCurve,
  publicPoint: Uint8Array,
  digest: Uint8Array,
  r: bigint,
  s: bigint,
): boolean {
  const Point = verificationCurve(curve);
  const Fn = Point.Fn;
  const e = Fn.create(digestToInteger(digest, Fn.BITS));
  // One inversion serves both quotients: 1/s = r/(r·s) and 1/r = s/(r·s).
  const inverse = Fn.inv(Fn.mul(r, s));
  const u2 = Fn.mul(r, Fn.mul(r, inverse));
  const t = Fn.mul(e, Fn.mul(s, inverse));
  const ecdh = nativeEcdh(curve);
  // Q was checked to be on the curve when the key was parsed (keys.ts), and t·G comes from the native library or
  // noble's table: neither is validated again.
  const q = affineCoordinates(curve, publicPoint);
  let v: Affine | null = q;
  if (t !== 0n) v = addAffine(curve, q, baseMultiple(curve, t, ecdh));
  if (v === null) return false;
  ecdh.setPrivateKey(Fn.toBytes(u2));
  return Fn.create(bytesToNumberBE(ecdh.computeSecret(uncompressed(curve, v)))) === r;
}

interface Affine {
  x: bigint;
  y: bigint;
}

/** t·G (t ≠ 0 mod n), affine: native for P-256, noble's precomputed window for the others (see above). */
function baseMultiple(curve: EcCurve, t: bigint, ecdh: ECDH): Affine {
  if (curve === "P-256") {
    ecdh.setPrivateKey(nobleCurve(curve).Point.Fn.toBytes(t));
    return affineCoordinates(curve, ecdh.getPublicKey());
  }
  return verificationCurve(curve).BASE.multiply(t).toAffine();
}

/**
 * a + b in affine coordinates (one inversion, three multiplications: a third of noble's complete projective
 * addition and its conversion back); null for the point at infinity. The doubling case (a = b) goes to noble.
 */
function addAffine(curve: EcCurve, a: Affine, b: Affine): Affine | null {
  const Point = verificationCurve(curve);
  const Fp = Point.Fp;
  if (a.x === b.x) {
    if (a.y !== b.y) return null; // b = -a
    const doubled = Point.fromAffine(a).double();
    return doubled.is0() ? null : doubled.toAffine();
  }
  const slope = Fp.mul(Fp.sub(b.y, a.y), Fp.inv(Fp.sub(b.x, a.x)));
  const x = Fp.sub(Fp.sub(Fp.sqr(slope), a.x), b.x);
  return { x, y: Fp.sub(Fp.mul(slope, Fp.sub(a.x, x)), a.y) };
}

/** The coordinates of an uncompressed point `04 || X || Y`, trusted to be on the curve. */
function affineCoordinates(curve: EcCurve, encoded: Uint8Array): Affine {
  const size = nobleCurve(curve).Point.Fp.BYTES;
  if (encoded.length !== 1 + 2 * size || encoded[0] !== 4) throw new TypeError(`not an uncompressed ${curve} point`);
  return { x: bytesToNumberBE(encoded.subarray(1, 1 + size)), y: bytesToNumberBE(encoded.subarray(1 + size)) };
}

function uncompressed(curve: EcCurve, { x, y }: Affine): Uint8Array {
  const Fp = nobleCurve(curve).Point.Fp;
  const out = new Uint8Array(1 + 2 * Fp.BYTES);
  out[0] = 4;
  out.set(Fp.toBytes(x), 1);
  out.set(Fp.toBytes(y), 1 + Fp.BYTES);
  return out;
}

/** FIPS 186-5 §6.4.2 step 3 (bits2int): the leftmost `bits` bits of the digest, as an integer. */
function digestToInteger(digest: Uint8Array, bits: number): bigint {
  const value = bytesToNumberBE(digest);
  const excess = digest.length * 8 - bits;
  return excess > 0 ? value >> BigInt(excess) : value;
}

const OPENSSL_CURVE_NAME: Record<EcCurve, string> = {
  "P-256": "prime256v1",
  "P-384": "secp384r1",
  "P-521": "secp521r1",
};
const ecdhByCurve = new Map<EcCurve, ECDH>();

/** One reusable native ECDH context per curve (verification is synchronous, so it is never shared mid-use). */
function nativeEcdh(curve: EcCurve): ECDH {
  let ecdh = ecdhByCurve.get(curve);
  if (ecdh === undefined) {
    ecdh = createECDH(OPENSSL_CURVE_NAME[curve]);
    ecdhByCurve.set(curve, ecdh);
  }
  return ecdh;
}

/**
 * Verifies a DER ECDSA signature over a message hashed with `hash`, using WebCrypto.
 * @throws SignatureError (field "signature") when malformed or not valid.
 */
export async function verifyEcdsaMessage(
  key: PublicKeyInfo,
  hash: HashName,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  const curve = ecdsaCurve(key);
  assertBytes(message, "message");
  const p1363 = ecdsaSignatureToP1363(signature, curve);
  const cryptoKey = await crypto.subtle.importKey("spki", key.spki, { name: "ECDSA", namedCurve: curve }, false, [
    "verify",
  ]);
  const ok = await crypto.subtle.verify({ name: "ECDSA", hash: WEBCRYPTO_HASH[hash] }, cryptoKey, p1363, message);
  if (!ok) throw new SignatureError("signature", "ECDSA signature does not verify");
}

function ecdsaCurve(key: PublicKeyInfo): EcCurve {
  if (key.kind !== "ecdsa" || key.curve === undefined) throw new TypeError("not an ECDSA key");
  return key.curve;
}
