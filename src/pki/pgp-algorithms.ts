/**
 * Which OpenPGP keys and signatures openpgp.js may see, decided from the packets alone (RFC 9580 §5.2.3, §5.5.2,
 * §9.1) before the library parses or verifies anything, because what a verification costs depends on the key:
 * openpgp.js checks signatures before it applies its own key rules, a DSA or ElGamal key with huge parameters
 * costs seconds of pure-JS modular exponentiation, and an RSA key with a huge public exponent does too (WebCrypto
 * refuses it, and openpgp.js falls back to its BigInt `modExp`).
 *
 * Accepted, with the same rule as X.509 keys (keys.ts): RSA of 2048 to 4096 bits with an odd modulus and an odd
 * public exponent 3 ≤ e ≤ 2³¹−1; ECDSA on P-256, P-384 and P-521; EdDSA on Ed25519 (the legacy algorithm 22 with
 * the Ed25519 curve, and RFC 9580's algorithm 27). Encryption-only subkeys (ECDH on Curve25519 or the NIST curves,
 * X25519) are accepted as subkeys, because GnuPG's default key has one and they are never used to verify; RSA
 * encryption subkeys follow the RSA rule. Everything else — DSA, ElGamal, Ed448, X448, other curves, unknown
 * algorithms, key versions other than 4 and 6 — is refused, naming the algorithm.
 * @module
 */
import { bytesEqual } from "./der.ts";
import { SignatureError } from "./errors.ts";
import { MAX_RSA_BITS, MIN_RSA_BITS, formatOid } from "./keys.ts";
import { PGP_TAG, type PgpPacket } from "./pgp-packets.ts";

/** RFC 9580 §9.1 public-key algorithm IDs, for error messages. */
const ALGORITHM_NAMES: Record<number, string> = {
  1: "RSA",
  2: "RSA (encrypt-only)",
  3: "RSA (sign-only)",
  16: "ElGamal",
  17: "DSA",
  18: "ECDH",
  19: "ECDSA",
  20: "ElGamal (encrypt or sign)",
  21: "Diffie-Hellman",
  22: "EdDSA",
  23: "AEDH",
  24: "AEDSA",
  25: "X25519",
  26: "X448",
  27: "Ed25519",
  28: "Ed448",
};

const RSA = new Set([1, 2, 3]);
/** Algorithms a signature may be made with (RSA encrypt-only may not sign). */
const SIGNING = new Set([1, 3, 19, 22, 27]);

/** Curve OIDs (RFC 9580 §9.2), as the DER content octets OpenPGP writes after their length octet. */
const NIST_CURVES: readonly { name: string; oid: Uint8Array }[] = [
  { name: "P-256", oid: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07) },
  { name: "P-384", oid: Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x22) },
  { name: "P-521", oid: Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x23) },
];
const OID_ED25519_LEGACY = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01); // 1.3.6.1.4.1.11591.15.1
const OID_CURVE25519_LEGACY = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01); // 1.3.6.1.4.1.3029.1.5.1

const WANT = `want RSA of ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits, ECDSA on P-256, P-384 or P-521, or Ed25519`;

/** "DSA (algorithm 17)", or "unknown algorithm 99". */
export function pgpAlgorithmName(id: number): string {
  const name = ALGORITHM_NAMES[id];
  return name === undefined ? `unknown algorithm ${id}` : `${name} (algorithm ${id})`;
}

/**
 * Checks every key packet of a public key block (primary keys and subkeys) against the rule in the module comment.
 * Other packets (user IDs, signatures) are left to openpgp.js, which verifies a signature only with the key
 * packet that issued it and only when their algorithms agree.
 * @throws SignatureError (field "publicKey") naming the key and its algorithm.
 */
export function checkPgpKeyPackets(packets: readonly PgpPacket[]): void {
  let subkey = 0;
  for (const p of packets) {
    if (p.tag === PGP_TAG.secretKey || p.tag === PGP_TAG.secretSubkey)
      throw new SignatureError("publicKey", "a PGP secret key was sent: submit the public key only");
    if (p.tag === PGP_TAG.publicKey) checkKeyPacket(p.body, "primary key", false);
    else if (p.tag === PGP_TAG.publicSubkey) checkKeyPacket(p.body, `subkey ${++subkey}`, true);
  }
}

/**
 * Checks a signature packet's public-key algorithm (RFC 9580 §5.2.3; v3 signatures, §5.2.2, too).
 * @throws SignatureError (field "signature") naming the algorithm.
 */
export function checkPgpSignaturePacket(body: Uint8Array): void {
  const version = body[0];
  const algorithm = version === 3 ? body[15] : version === 4 || version === 5 || version === 6 ? body[2] : undefined;
  if (algorithm === undefined)
    throw new SignatureError("signature", `unsupported OpenPGP signature version ${version}`);
  if (!SIGNING.has(algorithm))
    throw new SignatureError(
      "signature",
      `OpenPGP signatures made with ${pgpAlgorithmName(algorithm)} are refused: ${WANT}`,
    );
}

/** A v4 or v6 key packet: version, creation time (4), algorithm, (v6) a 4-octet material length, the material. */
function checkKeyPacket(body: Uint8Array, which: string, isSubkey: boolean): void {
  const fail = (why: string): never => {
    throw new SignatureError("publicKey", `OpenPGP ${which}: ${why}`);
  };
  const version = body[0];
  if (version !== 4 && version !== 6) fail(`key version ${version} is not supported (want 4 or 6)`);
  if (body.length < 6) fail("truncated key packet");
  const algorithm = body[5]!;
  const material = body.subarray(version === 6 ? 10 : 6);
  const refused = (): never => fail(`${pgpAlgorithmName(algorithm)} keys are refused: ${WANT}`);
  if (RSA.has(algorithm)) {
    if (algorithm === 2 && !isSubkey) refused();
    const reader = mpiReader(material, fail);
    checkRsa(reader.next(), reader.next(), fail);
  } else if (algorithm === 19) {
    const curve = curveOf(material, fail);
    const nist = NIST_CURVES.find((c) => bytesEqual(c.oid, curve));
    if (nist === undefined) fail(`ECDSA on curve ${formatOid(curve)} is refused: ${WANT}`);
  } else if (algorithm === 22) {
    if (!bytesEqual(curveOf(material, fail), OID_ED25519_LEGACY))
      fail(`EdDSA on a curve other than Ed25519 is refused: ${WANT}`);
  } else if (algorithm === 27) {
    if (material.length < 32) fail("truncated Ed25519 key");
  } else if (isSubkey && algorithm === 18) {
    const curve = curveOf(material, fail);
    if (!bytesEqual(curve, OID_CURVE25519_LEGACY) && !NIST_CURVES.some((c) => bytesEqual(c.oid, curve)))
      fail(`ECDH on curve ${formatOid(curve)} is refused (want Curve25519, P-256, P-384 or P-521)`);
  } else if (isSubkey && algorithm === 25) {
    if (material.length < 32) fail("truncated X25519 key");
  } else {
    refused();
  }
}

/** RSA: the X.509 rule of keys.ts (`parseRsaKey`), on the MPIs' actual values (not their declared bit counts). */
function checkRsa(n: Uint8Array, e: Uint8Array, fail: (why: string) => never): void {
  const bits = bitLength(n);
  if (bits < MIN_RSA_BITS) fail(`RSA key of ${bits} bits refused: at least ${MIN_RSA_BITS} bits required`);
  if (bits > MAX_RSA_BITS) fail(`RSA key of ${bits} bits refused: at most ${MAX_RSA_BITS} bits accepted`);
  if ((n[n.length - 1]! & 1) === 0) fail("RSA modulus is even");
  const eBits = bitLength(e);
  const value = eBits > 31 ? Infinity : e.reduce((v, b) => v * 256 + b, 0);
  if (value < 3 || value > 0x7fffffff || (e[e.length - 1]! & 1) === 0)
    fail(`RSA public exponent of ${eBits} bits refused: want an odd exponent from 3 to 2^31-1 (65537 in practice)`);
}

/** RFC 9580 §3.2 multiprecision integers: a 2-octet bit count, then ceil(bits / 8) octets. */
function mpiReader(data: Uint8Array, fail: (why: string) => never) {
  let p = 0;
  return {
    next(): Uint8Array {
      if (p + 2 > data.length) fail("truncated MPI");
      const bits = (data[p]! << 8) | data[p + 1]!;
      const n = Math.ceil(bits / 8);
      if (n === 0 || p + 2 + n > data.length) fail("truncated MPI");
      const value = data.subarray(p + 2, p + 2 + n);
      p += 2 + n;
      return value;
    },
  };
}

/** The curve OID that starts ECDSA, EdDSA and ECDH key material: a length octet, then the OID's content octets. */
function curveOf(material: Uint8Array, fail: (why: string) => never): Uint8Array {
  const n = material[0];
  if (n === undefined || n === 0 || n === 0xff || 1 + n > material.length) fail("truncated curve OID");
  return material.subarray(1, 1 + n!);
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}
