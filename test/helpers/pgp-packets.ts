// OpenPGP keys and signatures no tool will make, built packet by packet (RFC 9580 §4.2 headers, §3.2 MPIs, §5.5.2
// key packets): the hostile inputs the pre-checks of src/pki/pgp-algorithms.ts must refuse before openpgp.js
// sees them. The signature tweak starts from a real GnuPG signature (test/fixtures/rekord).
import { readPackets } from "../../src/pki/pgp-packets.ts";
import { concatBytes } from "../../src/tlog/encoding.ts";
import { fixture } from "../fixtures/rekord/index.ts";

/** A new-format packet (RFC 9580 §4.2.1), with the 5-octet length form for anything past 191 octets. */
export function pgpPacket(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  const length =
    n < 192 ? Uint8Array.of(n) : Uint8Array.of(0xff, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  return concatBytes(Uint8Array.of(0xc0 | tag), length, body);
}

/** An MPI of `bytes` (the first octet must be non-zero): its bit count, then the octets. */
export function mpi(bytes: Uint8Array): Uint8Array {
  const bits = (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]!));
  return concatBytes(Uint8Array.of(bits >> 8, bits & 0xff), bytes);
}

/** `bits` bits, all ones (odd, top bit set). */
export function ones(bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits / 8)).fill(0xff);
  out[0] = 0xff >> (out.length * 8 - bits);
  return out;
}

/** A v4 key packet body: version, creation time, algorithm, material (RFC 9580 §5.5.2.2). */
export function v4KeyBody(algorithm: number, ...material: Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(4, 0x60, 0, 0, 0, algorithm), ...material);
}

const userId = pgpPacket(13, new TextEncoder().encode("Hostile <hostile@example.com>"));

/** A primary key (tag 6) with one user ID, as a binary key block. */
export const primaryKey = (body: Uint8Array) => concatBytes(pgpPacket(6, body), userId);

/** DSA with 16,384-bit p, q, g and y: seconds of pure-JS modular exponentiation per verification. */
export const hugeDsaKey = () =>
  primaryKey(v4KeyBody(17, mpi(ones(16384)), mpi(ones(16384)), mpi(ones(16384)), mpi(ones(16384))));

/** RSA-4096 whose public exponent is 4,096 bits: WebCrypto refuses it, openpgp.js would fall back to BigInt modExp. */
export const rsaHugeExponentKey = () => primaryKey(v4KeyBody(1, mpi(ones(4096)), mpi(ones(4096))));

/** A primary key of an algorithm number RFC 9580 does not assign. */
export const unknownAlgorithmKey = () => primaryKey(v4KeyBody(99, mpi(ones(256))));

/** GnuPG's Ed25519 key with an ElGamal subkey (tag 14, 8,192-bit p, g and y) appended. */
export const elgamalSubkeyKey = () =>
  concatBytes(
    fixture("pgp-ed25519.pub.gpg"),
    pgpPacket(14, v4KeyBody(16, mpi(ones(8192)), mpi(Uint8Array.of(2)), mpi(ones(8192)))),
  );

/** GnuPG's Ed25519 detached signature with its public-key algorithm octet changed to `algorithm` (17: DSA). */
export function signatureWithAlgorithm(algorithm: number): Uint8Array {
  const [sig] = readPackets(fixture("pgp-ed25519.sig"), "signature");
  const body = sig!.body.slice();
  body[2] = algorithm;
  return pgpPacket(2, body);
}

/** GnuPG's Ed25519 key with its user ID and self-certification repeated until the key has `n` self-signatures. */
export function keyWithSelfSignatures(n: number): Uint8Array {
  const [key, ...certified] = readPackets(fixture("pgp-ed25519.pub.gpg"), "publicKey");
  const userAndCert = concatBytes(...certified.map((p) => pgpPacket(p.tag, p.body)));
  return concatBytes(pgpPacket(key!.tag, key!.body), ...Array.from({ length: n }, () => userAndCert));
}
