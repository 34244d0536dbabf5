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
 * FIPS 186-5 §6.4.2 with the two scalar multiplications done natively (BoringSSL in workerd, OpenSSL in Node),
 * through the only native entry points that take a raw scalar: ECDH key generation (k·G, both coordinates) and
 * ECDH key agreement (the x coordinate of k·P). Verification needs R = u1·G + u2·Q with u1 = e/s, u2 = r/s; since
 * u2 is never zero, R = u2·(Q + t·G) with t = u1/u2 = e/r. So: t·G natively, one point addition in JS (noble,
 * which handles doubling and the point at infinity), then x(u2·V) natively, and x(R) mod n must equal r.
 * V = O (Q = -t·G) means R = O, which never verifies. Requires 1 <= r, s < n (parseEcdsaSignature checks).
 */
export function ecdsaDigestVerifies(
  curve: EcCurve,
  publicPoint: Uint8Array,
  digest: Uint8Array,
  r: bigint,
  s: bigint,
): boolean {
  const { Point } = nobleCurve(curve);
  const Fn = Point.Fn;
  const e = Fn.create(digestToInteger(digest, Fn.BITS));
  // One inversion serves both quotients: 1/s = r/(r·s) and 1/r = s/(r·s).
  const inverse = Fn.inv(Fn.mul(r, s));
  const u2 = Fn.mul(r, Fn.mul(r, inverse));
  const t = Fn.mul(e, Fn.mul(s, inverse));
  const ecdh = nativeEcdh(curve);
  // Q was checked to be on the curve when the key was parsed (keys.ts), and t·G comes from the native library:
  // neither is validated again (noble's fromBytes and toBytes would, at twice the cost of the addition).
  const q = affinePoint(curve, publicPoint);
  let v = q;
  if (t !== 0n) {
    ecdh.setPrivateKey(Fn.toBytes(t));
    v = q.add(affinePoint(curve, ecdh.getPublicKey()));
  }
  if (v.is0()) return false;
  ecdh.setPrivateKey(Fn.toBytes(u2));
  return Fn.create(bytesToNumberBE(ecdh.computeSecret(uncompressed(curve, v)))) === r;
}

type CurvePoint = ReturnType<typeof nobleCurve>["Point"]["BASE"];

/** An uncompressed point `04 || X || Y`, trusted to be on the curve. */
function affinePoint(curve: EcCurve, encoded: Uint8Array): CurvePoint {
  const { Point } = nobleCurve(curve);
  const size = Point.Fp.BYTES;
  if (encoded.length !== 1 + 2 * size || encoded[0] !== 4) throw new TypeError(`not an uncompressed ${curve} point`);
  return Point.fromAffine({
    x: bytesToNumberBE(encoded.subarray(1, 1 + size)),
    y: bytesToNumberBE(encoded.subarray(1 + size)),
  });
}

function uncompressed(curve: EcCurve, point: CurvePoint): Uint8Array {
  const Fp = nobleCurve(curve).Point.Fp;
  const { x, y } = point.toAffine();
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
