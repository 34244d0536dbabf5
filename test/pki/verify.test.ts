// verifyDigestSignature and verifyMessageSignature over OpenSSL-made keys and signatures (test/fixtures/pki):
// for every key type one valid case, then each refusal with the field it names.
import { describe, expect, it } from "vitest";
import type { HashName, KeyDetails } from "../../src/pki/algorithms.ts";
import { SignatureError } from "../../src/pki/errors.ts";
import { parseCertificate, parseSpki } from "../../src/pki/keys.ts";
import { verifyDigestSignature, verifyMessageSignature } from "../../src/pki/verify.ts";
import { fixture, flipBit, type FixtureName } from "../fixtures/pki/index.ts";

async function refusal(p: Promise<unknown>): Promise<SignatureError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SignatureError) return e;
    throw e;
  }
  throw new Error("expected a SignatureError");
}

interface Case {
  name: string;
  spki: FixtureName;
  keyDetails: KeyDetails;
  hash: HashName;
  signature: FixtureName;
  /** The same digest signed by another key of the same type. */
  otherSignature: FixtureName;
  /** A keyDetails of the right family that does not fit this key. */
  wrongDetails: KeyDetails;
}

const CASES: Case[] = [
  {
    name: "ECDSA P-256",
    spki: "p256.spki.der",
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    hash: "sha256",
    signature: "p256.sig-digest.der",
    otherSignature: "p256-other.sig-digest.der",
    wrongDetails: "PKIX_ECDSA_P384_SHA_384",
  },
  {
    name: "ECDSA P-384",
    spki: "p384.spki.der",
    keyDetails: "PKIX_ECDSA_P384_SHA_384",
    hash: "sha384",
    signature: "p384.sig-digest.der",
    otherSignature: "p384-other.sig-digest.der",
    wrongDetails: "PKIX_ECDSA_P521_SHA_512",
  },
  {
    name: "ECDSA P-521",
    spki: "p521.spki.der",
    keyDetails: "PKIX_ECDSA_P521_SHA_512",
    hash: "sha512",
    signature: "p521.sig-digest.der",
    otherSignature: "p521-other.sig-digest.der",
    wrongDetails: "PKIX_ECDSA_P256_SHA_256",
  },
  {
    name: "RSA 2048 PKCS#1 v1.5",
    spki: "rsa2048.spki.der",
    keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
    hash: "sha256",
    signature: "rsa2048.pkcs1-digest.sig",
    otherSignature: "rsa2048-other.pkcs1-digest.sig",
    wrongDetails: "PKIX_RSA_PKCS1V15_3072_SHA256",
  },
  {
    name: "RSA 3072 PKCS#1 v1.5",
    spki: "rsa3072.spki.der",
    keyDetails: "PKIX_RSA_PKCS1V15_3072_SHA256",
    hash: "sha256",
    signature: "rsa3072.pkcs1-digest.sig",
    otherSignature: "rsa3072-other.pkcs1-digest.sig",
    wrongDetails: "PKIX_RSA_PKCS1V15_4096_SHA256",
  },
  {
    name: "RSA 4096 PKCS#1 v1.5",
    spki: "rsa4096.spki.der",
    keyDetails: "PKIX_RSA_PKCS1V15_4096_SHA256",
    hash: "sha256",
    signature: "rsa4096.pkcs1-digest.sig",
    otherSignature: "rsa4096-other.pkcs1-digest.sig",
    wrongDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
  },
  {
    name: "RSA 2048 PSS",
    spki: "rsa2048.spki.der",
    keyDetails: "PKIX_RSA_PSS_2048_SHA256",
    hash: "sha256",
    signature: "rsa2048.pss-digest.sig",
    otherSignature: "rsa2048-other.pss-digest.sig",
    wrongDetails: "PKIX_RSA_PSS_4096_SHA256",
  },
  {
    name: "RSA 3072 PSS",
    spki: "rsa3072.spki.der",
    keyDetails: "PKIX_RSA_PSS_3072_SHA256",
    hash: "sha256",
    signature: "rsa3072.pss-digest.sig",
    otherSignature: "rsa3072-other.pss-digest.sig",
    wrongDetails: "PKIX_RSA_PSS_2048_SHA256",
  },
  {
    name: "RSA 4096 PSS",
    spki: "rsa4096.spki.der",
    keyDetails: "PKIX_RSA_PSS_4096_SHA256",
    hash: "sha256",
    signature: "rsa4096.pss-digest.sig",
    otherSignature: "rsa4096-other.pss-digest.sig",
    wrongDetails: "PKIX_RSA_PSS_3072_SHA256",
  },
  {
    name: "Ed25519ph",
    spki: "ed25519.spki.der",
    keyDetails: "PKIX_ED25519_PH",
    hash: "sha512",
    signature: "ed25519.ph-sig-digest.bin",
    otherSignature: "ed25519-other.ph-sig-digest.bin",
    wrongDetails: "PKIX_ECDSA_P256_SHA_256",
  },
];

const digestOf = (hash: HashName) => fixture(`message.${hash}`);

describe.each(CASES)("verifyDigestSignature: $name", (c) => {
  const key = parseSpki(fixture(c.spki));
  const request = () => ({ key, keyDetails: c.keyDetails, digest: digestOf(c.hash), signature: fixture(c.signature) });

  it("verifies the OpenSSL signature and returns the details", async () => {
    const details = await verifyDigestSignature(request());
    expect(details.keyDetails).toBe(c.keyDetails);
    expect(details.hash).toBe(c.hash);
  });

  it("takes keyDetails as a protobuf enum number too", async () => {
    const numbers: Record<KeyDetails, number> = {
      PKIX_ECDSA_P256_SHA_256: 5,
      PKIX_ECDSA_P384_SHA_384: 12,
      PKIX_ECDSA_P521_SHA_512: 13,
      PKIX_RSA_PKCS1V15_2048_SHA256: 9,
      PKIX_RSA_PKCS1V15_3072_SHA256: 10,
      PKIX_RSA_PKCS1V15_4096_SHA256: 11,
      PKIX_RSA_PSS_2048_SHA256: 16,
      PKIX_RSA_PSS_3072_SHA256: 17,
      PKIX_RSA_PSS_4096_SHA256: 18,
      PKIX_ED25519: 7,
      PKIX_ED25519_PH: 8,
    };
    await verifyDigestSignature({ ...request(), keyDetails: numbers[c.keyDetails] });
  });

  it("refuses a signature by another key", async () => {
    const e = await refusal(verifyDigestSignature({ ...request(), signature: fixture(c.otherSignature) }));
    expect(e.field).toBe("signature");
    expect(e.message).toMatch(/does not verify/);
  });

  it("refuses a flipped bit in the signature", async () => {
    const sig = fixture(c.signature);
    // Flip a bit in the last byte: inside s for DER ECDSA, inside S for Ed25519, the low end of s for RSA.
    const e = await refusal(verifyDigestSignature({ ...request(), signature: flipBit(sig, sig.length - 1) }));
    expect(e.field).toBe("signature");
  });

  it("refuses a flipped bit in the digest", async () => {
    const e = await refusal(verifyDigestSignature({ ...request(), digest: flipBit(digestOf(c.hash), 0, 7) }));
    expect(e.field).toBe("signature");
    expect(e.message).toMatch(/does not verify/);
  });

  it("refuses a digest of the wrong length", async () => {
    const wrong = c.hash === "sha256" ? digestOf("sha512") : digestOf("sha256");
    const e = await refusal(verifyDigestSignature({ ...request(), digest: wrong }));
    expect(e.field).toBe("digest");
    expect(e.message).toMatch(/needs a \d+-byte sha\d+ digest/);
    const truncated = await refusal(verifyDigestSignature({ ...request(), digest: digestOf(c.hash).subarray(1) }));
    expect(truncated.field).toBe("digest");
  });

  it("refuses keyDetails that do not match the key", async () => {
    const e = await refusal(verifyDigestSignature({ ...request(), keyDetails: c.wrongDetails }));
    expect(e.field).toBe("keyDetails");
    expect(e.message).toMatch(/needs a/);
  });

  it("refuses an empty and a truncated signature", async () => {
    expect((await refusal(verifyDigestSignature({ ...request(), signature: new Uint8Array(0) }))).field).toBe(
      "signature",
    );
    const sig = fixture(c.signature);
    expect(
      (await refusal(verifyDigestSignature({ ...request(), signature: sig.subarray(0, sig.length - 1) }))).field,
    ).toBe("signature");
  });
});

describe("verifyDigestSignature: refusals that do not depend on the key type", () => {
  const p256 = parseSpki(fixture("p256.spki.der"));
  const ok = {
    key: p256,
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    digest: fixture("message.sha256"),
    signature: fixture("p256.sig-digest.der"),
  };

  it("refuses unknown, unspecified and deprecated keyDetails", async () => {
    for (const keyDetails of [
      "PKIX_ECDSA_P256_SHA_255",
      "PUBLIC_KEY_DETAILS_UNSPECIFIED",
      0,
      "PKIX_ECDSA_P256_HMAC_SHA_256",
      6,
      "PKIX_RSA_PSS",
      "LMS_SHA256",
      99,
    ]) {
      const e = await refusal(verifyDigestSignature({ ...ok, keyDetails }));
      expect(e.field).toBe("keyDetails");
      expect(e.message).toMatch(/unknown or unsupported PublicKeyDetails/);
    }
  });

  it("refuses pure Ed25519 for a digest", async () => {
    const key = parseSpki(fixture("ed25519.spki.der"));
    const e = await refusal(
      verifyDigestSignature({
        key,
        keyDetails: "PKIX_ED25519",
        digest: fixture("message.sha512"),
        signature: fixture("ed25519.ph-sig-digest.bin"),
      }),
    );
    expect(e.field).toBe("keyDetails");
    expect(e.message).toMatch(/cannot verify a digest: use PKIX_ED25519_PH/);
  });

  it("refuses an RSA key with ECDSA details and the other way round", async () => {
    const rsa = parseSpki(fixture("rsa2048.spki.der"));
    expect((await refusal(verifyDigestSignature({ ...ok, key: rsa }))).message).toMatch(
      /needs a ecdsa key, got 2048-bit RSA/,
    );
    expect(
      (await refusal(verifyDigestSignature({ ...ok, keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256" }))).message,
    ).toMatch(/needs a rsa key, got ECDSA P-256/);
  });

  it("refuses a PKCS#1 v1.5 signature under PSS details and the other way round", async () => {
    const rsa = parseSpki(fixture("rsa2048.spki.der"));
    const digest = fixture("message.sha256");
    const pss = await refusal(
      verifyDigestSignature({
        key: rsa,
        keyDetails: "PKIX_RSA_PSS_2048_SHA256",
        digest,
        signature: fixture("rsa2048.pkcs1-digest.sig"),
      }),
    );
    expect(pss.field).toBe("signature");
    const pkcs1 = await refusal(
      verifyDigestSignature({
        key: rsa,
        keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
        digest,
        signature: fixture("rsa2048.pss-digest.sig"),
      }),
    );
    expect(pkcs1.field).toBe("signature");
  });

  it("verifies with the key taken from a certificate", async () => {
    await verifyDigestSignature({ ...ok, key: parseCertificate(fixture("p256.cert.der")) });
    const rsa = parseCertificate(fixture("rsa2048.cert.der"));
    await verifyDigestSignature({
      key: rsa,
      keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
      digest: fixture("message.sha256"),
      signature: fixture("rsa2048.pkcs1-digest.sig"),
    });
    const ed = parseCertificate(fixture("ed25519.cert.der"));
    await verifyDigestSignature({
      key: ed,
      keyDetails: "PKIX_ED25519_PH",
      digest: fixture("message.sha512"),
      signature: fixture("ed25519.ph-sig-digest.bin"),
    });
  });

  it("throws TypeError for arguments of the wrong type (bugs, not input errors)", async () => {
    await expect(verifyDigestSignature({ ...ok, digest: "abc" as unknown as Uint8Array })).rejects.toThrow(TypeError);
    await expect(verifyDigestSignature({ ...ok, key: { kind: "dsa" } as never })).rejects.toThrow(TypeError);
  });
});

describe("verifyMessageSignature", () => {
  const message = fixture("message.bin");

  it.each([
    ["p256.spki.der", "sha256", "p256.sig-message.der"],
    ["p384.spki.der", "sha384", "p384.sig-message.der"],
    ["p521.spki.der", "sha512", "p521.sig-message.der"],
    ["rsa2048.spki.der", "sha256", "rsa2048.pkcs1-message.sig"],
    ["rsa3072.spki.der", "sha256", "rsa3072.pkcs1-message.sig"],
    ["rsa4096.spki.der", "sha256", "rsa4096.pkcs1-message.sig"],
  ] as const)("verifies %s over the message (WebCrypto)", async (spki, hash, sig) => {
    const key = parseSpki(fixture(spki));
    await verifyMessageSignature(key, hash, message, fixture(sig));
    const e = await refusal(verifyMessageSignature(key, hash, flipBit(message, 0), fixture(sig)));
    expect(e.field).toBe("signature");
  });

  it("verifies RSA-PSS over the message", async () => {
    const key = parseSpki(fixture("rsa2048.spki.der"));
    await verifyMessageSignature(key, "sha256", message, fixture("rsa2048.pss-message.sig"), { rsaPadding: "pss" });
    expect(
      (await refusal(verifyMessageSignature(key, "sha256", message, fixture("rsa2048.pss-message.sig")))).field,
    ).toBe("signature");
  });

  it("verifies pure Ed25519 over the message", async () => {
    const key = parseSpki(fixture("ed25519.spki.der"));
    await verifyMessageSignature(key, null, message, fixture("ed25519.sig-message.bin"));
    expect(
      (await refusal(verifyMessageSignature(key, null, message, fixture("ed25519-other.sig-message.bin")))).field,
    ).toBe("signature");
    expect(
      (await refusal(verifyMessageSignature(key, null, flipBit(message, 3), fixture("ed25519.sig-message.bin")))).field,
    ).toBe("signature");
    expect(
      (await refusal(verifyMessageSignature(key, "sha512", message, fixture("ed25519.sig-message.bin")))).field,
    ).toBe("hash");
  });

  it("needs a hash for ECDSA and RSA, and a well-formed signature", async () => {
    const key = parseSpki(fixture("p256.spki.der"));
    expect((await refusal(verifyMessageSignature(key, null, message, fixture("p256.sig-message.der")))).field).toBe(
      "hash",
    );
    // The message signature verifies only with the hash it was made with.
    expect((await refusal(verifyMessageSignature(key, "sha384", message, fixture("p256.sig-message.der")))).field).toBe(
      "signature",
    );
    const e = await refusal(verifyMessageSignature(key, "sha256", message, Uint8Array.of(0x30, 0x00)));
    expect(e.field).toBe("signature");
    expect(e.message).toMatch(/malformed DER ECDSA signature/);
  });
});
