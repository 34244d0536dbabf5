/**
 * RSA signature verification (RFC 8017) over a digest, for hashedrekord, where WebCrypto cannot help: its `verify`
 * always hashes the input. The public-key operation is BigInt modular exponentiation; with e = 65537 that is 17
 * multiplications of at most 4096-bit numbers. Only public values are involved, so nothing here needs to be
 * constant-time.
 *
 * - RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2) with EMSA-PKCS1-v1_5 (§9.2): rebuild the encoded message from the digest and
 *   compare all of it, the way Go's `rsa.VerifyPKCS1v15` does (no parsing of the padding).
 * - RSASSA-PSS (§8.1.2) with EMSA-PSS-VERIFY (§9.1.2), MGF1 (§B.2.1) over the same hash, and any salt length: Go's
 *   `rsa.PSSSaltLengthAuto`, which sigstore's `RSAPSSVerifier` uses when no options are given.
 * - Over a message, PKCS#1 v1.5 goes to WebCrypto; PSS is hashed and verified here, because WebCrypto needs the salt
 *   length up front.
 * @module
 */
import { bigIntToBytes, bytesEqual, bytesToBigInt, concat } from "./der.ts";
import { digestLength, hashBytes, type HashName } from "./algorithms.ts";
import { SignatureError, assertBytes } from "./errors.ts";
import { parseRsaPublicKey, type PublicKeyInfo } from "./keys.ts";

/** DER DigestInfo prefixes, `SEQUENCE { AlgorithmIdentifier { hashOID, NULL }, OCTET STRING }` (RFC 8017 §9.2 note 1). */
const DIGEST_INFO_PREFIX: Record<HashName, Uint8Array> = {
  sha256: hex("3031300d060960864801650304020105000420"),
  sha384: hex("3041300d060960864801650304020205000430"),
  sha512: hex("3051300d060960864801650304020305000440"),
};

const WEBCRYPTO_HASH: Record<HashName, string> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

/**
 * RSASSA-PKCS1-V1_5-VERIFY (RFC 8017 §8.2.2) over a digest made with `hash`.
 * @throws SignatureError (field "digest" for a wrong length, "signature" when not valid).
 */
export function verifyRsaPkcs1v15Digest(
  key: PublicKeyInfo,
  hash: HashName,
  digest: Uint8Array,
  signature: Uint8Array,
): void {
  assertDigest(hash, digest);
  const { k, em } = rsavp1(key, signature);
  // §9.2 EMSA-PKCS1-v1_5-ENCODE: EM = 0x00 || 0x01 || PS (0xff, at least 8 octets) || 0x00 || T.
  const t = concat(DIGEST_INFO_PREFIX[hash], digest);
  if (k < t.length + 11) throw new SignatureError("signature", "RSA modulus too short for the DigestInfo"); // §9.2 step 3
  const expected = new Uint8Array(k).fill(0xff);
  expected[0] = 0x00;
  expected[1] = 0x01;
  expected[k - t.length - 1] = 0x00;
  expected.set(t, k - t.length);
  // §8.2.2 step 4: compare the whole encoded message.
  if (!bytesEqual(bigIntToBytes(em, k), expected))
    throw new SignatureError("signature", "RSA PKCS#1 v1.5 signature does not verify");
}

/**
 * RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) over a digest made with `hash`, MGF1 with the same hash, any salt length.
 * @throws SignatureError (field "digest" for a wrong length, "signature" when not valid).
 */
export function verifyRsaPssDigest(
  key: PublicKeyInfo,
  hash: HashName,
  digest: Uint8Array,
  signature: Uint8Array,
): void {
  assertDigest(hash, digest);
  const { bits, em: m } = rsavp1(key, signature);
  // §8.1.2 step 2c: EM = I2OSP(m, emLen) with emBits = modBits - 1; "integer too large" means invalid.
  const emBits = bits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (m >= 1n << BigInt(8 * emLen)) throw new SignatureError("signature", "RSA-PSS signature does not verify");
  const em = bigIntToBytes(m, emLen);
  if (!emsaPssVerify(hash, digest, em, emBits))
    throw new SignatureError("signature", "RSA-PSS signature does not verify");
}

/**
 * RSASSA-PKCS1-v1_5 over a message hashed with `hash`, using WebCrypto.
 * @throws SignatureError (field "signature") when not valid.
 */
export async function verifyRsaPkcs1v15Message(
  key: PublicKeyInfo,
  hash: HashName,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  assertBytes(message, "message");
  // The length check of §8.2.2 step 1, so that a short signature fails with the same message as a wrong one;
  // the public-key operation itself is WebCrypto's (no BigInt exponentiation next to it).
  rsaModulus(key, signature);
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: WEBCRYPTO_HASH[hash] };
  const cryptoKey = await crypto.subtle.importKey("spki", key.spki, algorithm, false, ["verify"]);
  if (!(await crypto.subtle.verify(algorithm, cryptoKey, signature, message))) {
    throw new SignatureError("signature", "RSA PKCS#1 v1.5 signature does not verify");
  }
}

/** RSASSA-PSS over a message: hash it, then verify the digest (any salt length). */
export function verifyRsaPssMessage(
  key: PublicKeyInfo,
  hash: HashName,
  message: Uint8Array,
  signature: Uint8Array,
): void {
  verifyRsaPssDigest(key, hash, hashBytes(hash, message), signature);
}

/**
 * §8.1.2 step 1 / §8.2.2 step 1 (length k) and RSAVP1 (§5.2.2): m = s^e mod n, after checking 0 <= s < n.
 * Returns the modulus length k in octets, its bit length, and m.
 */
function rsavp1(key: PublicKeyInfo, signature: Uint8Array): { k: number; bits: number; em: bigint } {
  const { n, e, k, bits } = rsaModulus(key, signature);
  const s = bytesToBigInt(signature);
  if (s >= n) throw new SignatureError("signature", "RSA signature representative out of range"); // §5.2.2 step 1
  return { k, bits, em: modPow(s, e, n) };
}

/** The key's n and e, and §8.1.2 / §8.2.2 step 1: the signature is k octets, k the modulus length. */
function rsaModulus(key: PublicKeyInfo, signature: Uint8Array): { n: bigint; e: bigint; k: number; bits: number } {
  if (key.kind !== "rsa") throw new TypeError("not an RSA key");
  assertBytes(signature, "signature");
  const { n, e } = parseRsaPublicKey(key.subjectPublicKey);
  const bits = n.toString(2).length;
  const k = Math.ceil(bits / 8);
  if (signature.length !== k) {
    throw new SignatureError("signature", `RSA signature must be ${k} bytes for this key, got ${signature.length}`);
  }
  return { n, e, k, bits };
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with sLen recovered from the encoding (step 10 without a fixed sLen). */
function emsaPssVerify(hash: HashName, mHash: Uint8Array, em: Uint8Array, emBits: number): boolean {
  const hLen = digestLength(hash);
  const emLen = em.length;
  if (emLen < hLen + 2) return false; // step 3 with sLen >= 0
  if (em[emLen - 1] !== 0xbc) return false; // step 4
  const maskedDB = em.subarray(0, emLen - hLen - 1); // step 5
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 8 * emLen - emBits; // leftmost bits outside emBits
  const topMask = 0xff >> topBits;
  if ((maskedDB[0]! & ~topMask & 0xff) !== 0) return false; // step 6
  const dbMask = mgf1(hash, h, emLen - hLen - 1); // step 7
  const db = new Uint8Array(maskedDB.length); // step 8
  for (let i = 0; i < db.length; i++) db[i] = maskedDB[i]! ^ dbMask[i]!;
  db[0] = db[0]! & topMask; // step 9
  // Step 10: DB = PS (zero octets) || 0x01 || salt. With an unknown sLen, the first non-zero octet must be 0x01.
  let i = 0;
  while (i < db.length && db[i] === 0) i++;
  if (i === db.length || db[i] !== 0x01) return false;
  const salt = db.subarray(i + 1); // step 11
  const mPrime = concat(new Uint8Array(8), mHash, salt); // step 12
  return bytesEqual(hashBytes(hash, mPrime), h); // steps 13-14
}

/** MGF1 (RFC 8017 §B.2.1): Hash(seed || I2OSP(counter, 4)) for counter = 0, 1, ..., truncated to maskLen. */
function mgf1(hash: HashName, seed: Uint8Array, maskLen: number): Uint8Array {
  const hLen = digestLength(hash);
  const out = new Uint8Array(Math.ceil(maskLen / hLen) * hLen);
  const counter = new Uint8Array(4);
  // Bounded: maskLen < 512 octets for a 4096-bit key, so at most 16 iterations with SHA-256.
  for (let c = 0; c * hLen < maskLen; c++) {
    new DataView(counter.buffer).setUint32(0, c);
    out.set(hashBytes(hash, concat(seed, counter)), c * hLen);
  }
  return out.subarray(0, maskLen);
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  // Bounded: keys.ts refuses e > 2^31 - 1, so at most 31 rounds.
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function assertDigest(hash: HashName, digest: Uint8Array): void {
  assertBytes(digest, "digest");
  if (digest.length !== digestLength(hash)) {
    throw new SignatureError("digest", `${hash} digest must be ${digestLength(hash)} bytes, got ${digest.length}`);
  }
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!, (b) => parseInt(b, 16));
}
