// RSA over a digest (RFC 8017): the PSS salt lengths Go's PSSSaltLengthAuto accepts, and the §5.2.2 / §8 checks.
import { describe, expect, it } from "vitest";
import { bigIntToBytes, bytesToBigInt } from "../../src/pki/der.ts";
import { parseRsaPublicKey, parseSpki } from "../../src/pki/keys.ts";
import { SignatureError } from "../../src/pki/errors.ts";
import { verifyRsaPkcs1v15Digest, verifyRsaPkcs1v15Message, verifyRsaPssDigest } from "../../src/pki/rsa.ts";
import { fixture } from "../fixtures/pki/index.ts";
import { refusal } from "../helpers/refusal.ts";

const key = parseSpki(fixture("rsa2048.spki.der"));
const digest = fixture("message.sha256");
const { n } = parseRsaPublicKey(key.subjectPublicKey);

describe("RSASSA-PSS salt lengths (any, as Go's rsa.PSSSaltLengthAuto)", () => {
  it.each([
    ["salt = hash length (32)", "rsa2048.pss-digest.sig"],
    ["maximal salt (emLen - hLen - 2 = 222)", "rsa2048.pss-maxsalt-digest.sig"],
    ["no salt", "rsa2048.pss-nosalt-digest.sig"],
  ] as const)("verifies %s", (_, name) => {
    verifyRsaPssDigest(key, "sha256", digest, fixture(name));
  });

  it("PSS made over one digest does not verify another", () => {
    const other = digest.slice();
    other[31]! ^= 1;
    for (const name of [
      "rsa2048.pss-digest.sig",
      "rsa2048.pss-maxsalt-digest.sig",
      "rsa2048.pss-nosalt-digest.sig",
    ] as const) {
      expect(refusal(() => verifyRsaPssDigest(key, "sha256", other, fixture(name))).field).toBe("signature");
    }
  });
});

describe("RSA signature representative and length (RFC 8017 §5.2.2, §8.2.2 step 1)", () => {
  it("refuses a signature >= n", () => {
    const big = bigIntToBytes(n, 256);
    expect(refusal(() => verifyRsaPkcs1v15Digest(key, "sha256", digest, big)).message).toMatch(/out of range/);
    expect(refusal(() => verifyRsaPssDigest(key, "sha256", digest, big)).message).toMatch(/out of range/);
  });

  it("over a message, leaves the public-key operation to WebCrypto alone (no BigInt exponentiation next to it)", async () => {
    await verifyRsaPkcs1v15Message(key, "sha256", fixture("message.bin"), fixture("rsa2048.pkcs1-message.sig"));
    // The BigInt path would refuse s >= n as "out of range" before exponentiating; WebCrypto answers instead.
    const big = bigIntToBytes(n, 256);
    await expect(verifyRsaPkcs1v15Message(key, "sha256", fixture("message.bin"), big)).rejects.toThrow(
      new SignatureError("signature", "RSA PKCS#1 v1.5 signature does not verify"),
    );
    // The length check stays ours, with the same message as over a digest.
    await expect(verifyRsaPkcs1v15Message(key, "sha256", fixture("message.bin"), big.subarray(1))).rejects.toThrow(
      /must be 256 bytes/,
    );
  });

  it("refuses a signature that is not exactly k bytes, even with leading zeros", () => {
    const sig = fixture("rsa2048.pkcs1-digest.sig");
    const padded = new Uint8Array(257);
    padded.set(sig, 1);
    expect(bytesToBigInt(padded)).toBe(bytesToBigInt(sig));
    expect(refusal(() => verifyRsaPkcs1v15Digest(key, "sha256", digest, padded)).message).toMatch(/must be 256 bytes/);
  });

  it("refuses signature 0 and 1 (m = 0 or 1 cannot be a valid encoding)", () => {
    for (const v of [0n, 1n]) {
      expect(refusal(() => verifyRsaPkcs1v15Digest(key, "sha256", digest, bigIntToBytes(v, 256))).field).toBe(
        "signature",
      );
      expect(refusal(() => verifyRsaPssDigest(key, "sha256", digest, bigIntToBytes(v, 256))).field).toBe("signature");
    }
  });

  it("checks the digest length itself", () => {
    const sig = fixture("rsa2048.pkcs1-digest.sig");
    expect(refusal(() => verifyRsaPkcs1v15Digest(key, "sha256", digest.subarray(0, 20), sig)).field).toBe("digest");
    // A SHA-256 PKCS#1 signature is not a SHA-512 one (different DigestInfo), even for a 64-byte digest.
    expect(refusal(() => verifyRsaPkcs1v15Digest(key, "sha512", fixture("message.sha512"), sig)).field).toBe(
      "signature",
    );
  });

  it("verifies 3072 and 4096 bit keys in BigInt", () => {
    for (const bits of [3072, 4096] as const) {
      const k = parseSpki(fixture(`rsa${bits}.spki.der`));
      verifyRsaPkcs1v15Digest(k, "sha256", digest, fixture(`rsa${bits}.pkcs1-digest.sig`));
      verifyRsaPssDigest(k, "sha256", digest, fixture(`rsa${bits}.pss-digest.sig`));
    }
  });
});
