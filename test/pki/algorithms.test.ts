import { describe, expect, it } from "vitest";
import {
  ALGORITHMS,
  REKOR_V1_KEY_DETAILS,
  REKOR_V2_KEY_DETAILS,
  algorithmDetails,
  checkKeyDetails,
  defaultKeyDetails,
  digestLength,
  hashAlgorithmName,
  hashBytes,
  isKeyDetails,
  keyDetailsForHash,
  parseHashName,
} from "../../src/pki/algorithms.ts";
import { parseSpki, type PublicKeyInfo } from "../../src/pki/keys.ts";
import { fixture, hexToBytes } from "../fixtures/pki/index.ts";
import { refusal } from "../helpers/refusal.ts";

const keys = {
  p256: parseSpki(fixture("p256.spki.der")),
  p384: parseSpki(fixture("p384.spki.der")),
  p521: parseSpki(fixture("p521.spki.der")),
  rsa2048: parseSpki(fixture("rsa2048.spki.der")),
  rsa3072: parseSpki(fixture("rsa3072.spki.der")),
  rsa4096: parseSpki(fixture("rsa4096.spki.der")),
  ed25519: parseSpki(fixture("ed25519.spki.der")),
};

describe("PublicKeyDetails registry", () => {
  it("gives each key its default details, hash and v2 HashAlgorithm (rekor-api.md §1.3 table)", () => {
    const table: [keyof typeof keys, string, string, number, string][] = [
      ["p256", "PKIX_ECDSA_P256_SHA_256", "sha256", 32, "SHA2_256"],
      ["p384", "PKIX_ECDSA_P384_SHA_384", "sha384", 48, "SHA2_384"],
      ["p521", "PKIX_ECDSA_P521_SHA_512", "sha512", 64, "SHA2_512"],
      ["rsa2048", "PKIX_RSA_PKCS1V15_2048_SHA256", "sha256", 32, "SHA2_256"],
      ["rsa3072", "PKIX_RSA_PKCS1V15_3072_SHA256", "sha256", 32, "SHA2_256"],
      ["rsa4096", "PKIX_RSA_PKCS1V15_4096_SHA256", "sha256", 32, "SHA2_256"],
      ["ed25519", "PKIX_ED25519_PH", "sha512", 64, "SHA2_512"],
    ];
    for (const [name, details, hash, length, v2] of table) {
      const key = keys[name];
      expect(defaultKeyDetails(key)).toBe(details);
      const d = checkKeyDetails(key, details);
      expect(d.hash).toBe(hash);
      expect(digestLength(d.hash!)).toBe(length);
      expect(hashAlgorithmName(d.hash!)).toBe(v2);
      expect(REKOR_V2_KEY_DETAILS).toContain(details);
    }
  });

  it("matches every name only with its own key type, curve and size", () => {
    for (const [name, key] of Object.entries(keys)) {
      for (const a of ALGORITHMS) {
        const fits =
          a.kind === key.kind && (a.curve ?? key.curve) === key.curve && (a.rsaBits ?? key.rsaBits) === key.rsaBits;
        if (fits) {
          expect(checkKeyDetails(key, a.keyDetails).keyDetails, `${name} ${a.keyDetails}`).toBe(a.keyDetails);
        } else {
          expect(refusal(() => checkKeyDetails(key, a.keyDetails)).field, `${name} ${a.keyDetails}`).toBe("keyDetails");
        }
      }
    }
  });

  it("PSS_3072 needs a 3072-bit key (upstream's RSAKeySize(2048) for it is a typo)", () => {
    expect(checkKeyDetails(keys.rsa3072, "PKIX_RSA_PSS_3072_SHA256").scheme).toBe("rsa-pss");
    expect(refusal(() => checkKeyDetails(keys.rsa2048, "PKIX_RSA_PSS_3072_SHA256")).message).toMatch(
      /needs a 3072-bit RSA key, got 2048-bit RSA/,
    );
  });

  it("has no default for RSA sizes outside the registry", () => {
    const odd: PublicKeyInfo = { ...keys.rsa2048, rsaBits: 2560 };
    expect(refusal(() => defaultKeyDetails(odd)).field).toBe("publicKey");
  });

  it("looks names up by enum number, and refuses the rest", () => {
    expect(algorithmDetails(5).keyDetails).toBe("PKIX_ECDSA_P256_SHA_256");
    expect(algorithmDetails(8).keyDetails).toBe("PKIX_ED25519_PH");
    expect(algorithmDetails("PKIX_RSA_PSS_4096_SHA256").number).toBe(18);
    expect(isKeyDetails("PKIX_ED25519")).toBe(true);
    expect(isKeyDetails("PKIX_ECDSA_P384_SHA_256")).toBe(false);
    for (const bad of [0, 1, 19, 20, 21, "", "pkix_ecdsa_p256_sha_256", "ML_DSA_65"]) {
      expect(refusal(() => algorithmDetails(bad)).field).toBe("keyDetails");
    }
    expect(() => algorithmDetails(null as unknown as string)).toThrow(TypeError);
  });

  it("Rekor v2 refuses RSA-PSS and pure Ed25519; v1 adds pure Ed25519", () => {
    expect(REKOR_V2_KEY_DETAILS).not.toContain("PKIX_RSA_PSS_2048_SHA256");
    expect(REKOR_V2_KEY_DETAILS).not.toContain("PKIX_ED25519");
    expect(REKOR_V1_KEY_DETAILS).toContain("PKIX_ED25519");
    expect(REKOR_V1_KEY_DETAILS.length).toBe(REKOR_V2_KEY_DETAILS.length + 1);
  });
});

describe("hashes", () => {
  it("parses v1 and v2 spellings", () => {
    expect(parseHashName("sha384")).toBe("sha384");
    expect(parseHashName("SHA2_512")).toBe("sha512");
    expect(parseHashName(1)).toBe("sha256");
    for (const bad of ["sha1", "SHA3_256", "SHA256", 0, 4])
      expect(refusal(() => parseHashName(bad)).field).toBe("hash");
  });

  it("pairs a v1 hash with the key's default details", () => {
    expect(keyDetailsForHash(keys.p384, "sha384")).toBe("PKIX_ECDSA_P384_SHA_384");
    expect(keyDetailsForHash(keys.ed25519, "sha512")).toBe("PKIX_ED25519_PH");
    expect(refusal(() => keyDetailsForHash(keys.p256, "sha512")).message).toMatch(
      /ECDSA P-256 key signs sha256 digests, not sha512/,
    );
    expect(refusal(() => keyDetailsForHash(keys.rsa4096, "sha384")).field).toBe("hash");
  });

  it("hashes FIPS 180-4 example 'abc'", () => {
    const abc = new TextEncoder().encode("abc");
    expect(hashBytes("sha256", abc)).toEqual(
      hexToBytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    );
    expect(hashBytes("sha384", abc)).toEqual(
      hexToBytes("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
    );
    expect(hashBytes("sha512", abc).length).toBe(64);
  });
});
