// Which OpenPGP keys and signatures reach openpgp.js: GnuPG's keys pass; keys and signatures built packet by
// packet with algorithms or sizes whose verification would cost seconds (DSA, ElGamal, RSA with a huge exponent,
// unknown algorithms) are refused before the library sees them, naming the algorithm.
import { describe, expect, it } from "vitest";
import { SignatureError } from "../../src/pki/errors.ts";
import {
  MAX_PGP_SELF_SIGNATURES,
  parsePgpPublicKey,
  parsePgpSignature,
  verifyPgpSignature,
} from "../../src/pki/pgp.ts";
import { checkPgpKeyPackets, checkPgpSignaturePacket } from "../../src/pki/pgp-algorithms.ts";
import { readPackets } from "../../src/pki/pgp-packets.ts";
import { concatBytes } from "../../src/tlog/encoding.ts";
import { fixture } from "../fixtures/rekord/index.ts";
import {
  elgamalSubkeyKey,
  hugeDsaKey,
  keyWithSelfSignatures,
  mpi,
  ones,
  pgpPacket,
  primaryKey,
  rsaHugeExponentKey,
  signatureWithAlgorithm,
  unknownAlgorithmKey,
  v4KeyBody,
} from "../helpers/pgp-packets.ts";

const P256 = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
const SECP256K1 = Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x0a);
const ED25519_LEGACY = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01);
const withLength = (oid: Uint8Array) => concatBytes(Uint8Array.of(oid.length), oid);
const point = (n: number) => mpi(concatBytes(Uint8Array.of(0x04), ones(8 * (n - 1))));

/** The refusal of a key block, or null when every key packet passes. */
function keyRefusal(block: Uint8Array): string | null {
  try {
    checkPgpKeyPackets(readPackets(block, "publicKey"));
    return null;
  } catch (e) {
    if (e instanceof SignatureError) return e.message;
    throw e;
  }
}

/** An RSA primary key with an exponent of `e` (a number), modulus all ones of `bits` bits. */
function rsaKey(bits: number, e: number): Uint8Array {
  const eb: number[] = [];
  for (let v = e; v > 0; v = Math.floor(v / 256)) eb.unshift(v % 256);
  return primaryKey(v4KeyBody(1, mpi(ones(bits)), mpi(Uint8Array.from(eb))));
}

describe("OpenPGP algorithm and size pre-checks", () => {
  it("every GnuPG fixture key and signature passes (RSA, Ed25519, P-256, and RSA with Curve25519 and Ed25519 subkeys)", async () => {
    for (const name of ["pgp-rsa.pub.gpg", "pgp-ed25519.pub.gpg", "pgp-p256.pub.gpg", "pgp-subkeys.pub.gpg"] as const) {
      expect(keyRefusal(fixture(name)), name).toBeNull();
      await parsePgpPublicKey(fixture(name));
    }
    for (const name of ["pgp-rsa.sig", "pgp-ed25519.sig", "pgp-p256.sig", "pgp-subkeys.sig"] as const) {
      expect(() => checkPgpSignaturePacket(readPackets(fixture(name), "signature")[0]!.body)).not.toThrow();
    }
  });

  it("refuses the hostile keys before openpgp.js, naming the algorithm", async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      [
        "16,384-bit DSA",
        hugeDsaKey(),
        /^publicKey: OpenPGP primary key: DSA \(algorithm 17\) keys are refused: want RSA of 2048 to 4096 bits, ECDSA on P-256, P-384 or P-521, or Ed25519$/,
      ],
      [
        "RSA with a 4,096-bit exponent",
        rsaHugeExponentKey(),
        /^publicKey: OpenPGP primary key: RSA public exponent of 4096 bits refused/,
      ],
      [
        "an ElGamal subkey",
        elgamalSubkeyKey(),
        /^publicKey: OpenPGP subkey 1: ElGamal \(algorithm 16\) keys are refused/,
      ],
      ["algorithm 99", unknownAlgorithmKey(), /^publicKey: OpenPGP primary key: unknown algorithm 99 keys are refused/],
    ];
    for (const [what, block, message] of cases) {
      expect(keyRefusal(block), what).toMatch(message);
      // The same refusal through the parser the rekord type calls, armored by nobody: openpgp.js never sees it.
      await expect(parsePgpPublicKey(block), what).rejects.toThrow(message);
    }
  });

  it("applies the X.509 rule to RSA: 2048 to 4096 bits, odd modulus, odd exponent from 3 to 2^31-1", () => {
    expect(keyRefusal(rsaKey(2048, 65537))).toBeNull();
    expect(keyRefusal(rsaKey(4096, 3))).toBeNull();
    expect(keyRefusal(rsaKey(3072, 0x7fffffff))).toBeNull();
    expect(keyRefusal(rsaKey(2047, 65537))).toMatch(/RSA key of 2047 bits refused: at least 2048 bits required$/);
    expect(keyRefusal(rsaKey(4097, 65537))).toMatch(/RSA key of 4097 bits refused: at most 4096 bits accepted$/);
    expect(keyRefusal(rsaKey(2048, 2 ** 31 + 1))).toMatch(/RSA public exponent of 32 bits refused/);
    expect(keyRefusal(rsaKey(2048, 65536))).toMatch(/RSA public exponent of 17 bits refused/);
    expect(keyRefusal(rsaKey(2048, 1))).toMatch(/RSA public exponent of 1 bits refused/);
    const even = ones(2048);
    even[even.length - 1] = 0xfe;
    expect(keyRefusal(primaryKey(v4KeyBody(1, mpi(even), mpi(Uint8Array.of(1, 0, 1)))))).toMatch(
      /RSA modulus is even$/,
    );
    // The MPI's declared bit count is not trusted: a 2048-bit header over 4,100 bits of octets is measured.
    const lying = concatBytes(Uint8Array.of(0x08, 0x00), ones(4100));
    expect(keyRefusal(primaryKey(v4KeyBody(1, lying, mpi(Uint8Array.of(1, 0, 1)))))).toMatch(
      /truncated MPI|RSA key of/,
    );
    // RSA encrypt-only (algorithm 2) cannot be a primary key, which must certify.
    expect(keyRefusal(primaryKey(v4KeyBody(2, mpi(ones(2048)), mpi(Uint8Array.of(1, 0, 1)))))).toMatch(
      /RSA \(encrypt-only\) \(algorithm 2\) keys are refused/,
    );
  });

  it("takes ECDSA only on the NIST curves, EdDSA only on Ed25519, and v4 and v6 keys only", () => {
    expect(keyRefusal(primaryKey(v4KeyBody(19, withLength(P256), point(65))))).toBeNull();
    expect(keyRefusal(primaryKey(v4KeyBody(19, withLength(SECP256K1), point(65))))).toMatch(
      /ECDSA on curve 1\.3\.132\.0\.10 is refused/,
    );
    expect(
      keyRefusal(
        primaryKey(v4KeyBody(22, withLength(ED25519_LEGACY), mpi(concatBytes(Uint8Array.of(0x40), ones(256))))),
      ),
    ).toBeNull();
    expect(keyRefusal(primaryKey(v4KeyBody(22, withLength(P256), point(65))))).toMatch(
      /EdDSA on a curve other than Ed25519 is refused/,
    );
    expect(keyRefusal(primaryKey(v4KeyBody(28, new Uint8Array(57))))).toMatch(
      /Ed448 \(algorithm 28\) keys are refused/,
    );
    // Encryption-only algorithms are subkeys, never a primary key.
    expect(keyRefusal(primaryKey(v4KeyBody(25, new Uint8Array(32))))).toMatch(
      /X25519 \(algorithm 25\) keys are refused/,
    );
    const v6Ed25519 = concatBytes(Uint8Array.of(6, 0x60, 0, 0, 0, 27, 0, 0, 0, 32), new Uint8Array(32));
    expect(keyRefusal(primaryKey(v6Ed25519))).toBeNull();
    const v3 = concatBytes(Uint8Array.of(3, 0x60, 0, 0, 0, 0, 0, 1), mpi(ones(2048)), mpi(Uint8Array.of(1, 0, 1)));
    expect(keyRefusal(primaryKey(v3))).toMatch(/key version 3 is not supported \(want 4 or 6\)$/);
    expect(keyRefusal(primaryKey(v4KeyBody(1, mpi(ones(2048)))))).toMatch(/truncated MPI$/);
  });

  it("refuses a secret key packet and a signature made with DSA, ElGamal or an unknown algorithm", async () => {
    expect(keyRefusal(pgpPacket(5, v4KeyBody(27, new Uint8Array(32))))).toMatch(/secret key was sent/);
    for (const [algorithm, name] of [
      [17, /DSA \(algorithm 17\)/],
      [16, /ElGamal \(algorithm 16\)/],
      [2, /RSA \(encrypt-only\) \(algorithm 2\)/],
      [111, /unknown algorithm 111/],
    ] as const) {
      await expect(parsePgpSignature(signatureWithAlgorithm(algorithm))).rejects.toThrow(
        new RegExp(`^signature: OpenPGP signatures made with ${name.source} are refused`),
      );
    }
    // The untouched signature (algorithm 22, EdDSA) parses.
    await parsePgpSignature(signatureWithAlgorithm(22));
  });

  it(`bounds the signatures openpgp.js verifies with the key's own packets to ${MAX_PGP_SELF_SIGNATURES}`, async () => {
    const atLimit = await parsePgpPublicKey(keyWithSelfSignatures(MAX_PGP_SELF_SIGNATURES));
    expect(atLimit.keys[0]!.users).toHaveLength(MAX_PGP_SELF_SIGNATURES);
    await verifyPgpSignature(await parsePgpSignature(fixture("pgp-ed25519.sig")), atLimit, fixture("artifact.txt"));
    await expect(parsePgpPublicKey(keyWithSelfSignatures(MAX_PGP_SELF_SIGNATURES + 1))).rejects.toThrow(
      new RegExp(
        `^publicKey: ${MAX_PGP_SELF_SIGNATURES + 1} self-signatures \\(certifications, bindings, revocations\\) is more than the ${MAX_PGP_SELF_SIGNATURES} accepted`,
      ),
    );
  });
});
