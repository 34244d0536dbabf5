// Ed25519ph and Ed25519 against RFC 8032 §7 vectors (outside the OpenSSL fixtures: OpenSSL 3.0 cannot make
// Ed25519ph). Transcribed from RFC 8032; §7.3 "TEST abc" is also the vector of Go's crypto/ed25519
// TestSignVerifyHashed, the code path Rekor's ED25519phVerifier uses.
import { describe, expect, it } from "vitest";
import { sha512 } from "@noble/hashes/sha2.js";
import { verifyEd25519Message, verifyEd25519phDigest } from "../../src/pki/ed25519.ts";
import { SignatureError } from "../../src/pki/errors.ts";
import { parseSpki } from "../../src/pki/keys.ts";
import { verifyDigestSignature } from "../../src/pki/verify.ts";
import { flipBit, hexToBytes } from "../fixtures/pki/index.ts";
import { refusal } from "../helpers/refusal.ts";

/** RFC 8410 §4 SubjectPublicKeyInfo for a raw Ed25519 key. */
const ed25519Key = (hex: string) => parseSpki(hexToBytes("302a300506032b6570032100" + hex));

// RFC 8032 §7.3, -----TEST abc (Ed25519ph)
const PH_PUBLIC = "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf";
const PH_MESSAGE = hexToBytes("616263");
const PH_SIGNATURE = hexToBytes(
  "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41" +
    "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406",
);

// RFC 8032 §7.1, -----TEST 1 (pure Ed25519, empty message)
const PURE_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const PURE_SIGNATURE = hexToBytes(
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155" +
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
);

const L = 2n ** 252n + 27742317777372353535851937790883648493n; // RFC 8032 §5.1 group order

describe("Ed25519ph over a digest (RFC 8032 §7.3)", () => {
  const key = ed25519Key(PH_PUBLIC);
  const digest = sha512(PH_MESSAGE);

  it("verifies TEST abc over SHA-512(abc)", async () => {
    verifyEd25519phDigest(key, digest, PH_SIGNATURE);
    const details = await verifyDigestSignature({
      key,
      keyDetails: "PKIX_ED25519_PH",
      digest,
      signature: PH_SIGNATURE,
    });
    expect(details.hash).toBe("sha512");
  });

  it("is HashEdDSA, not Ed25519 over the digest, and the digest is not hashed again", () => {
    // A pure Ed25519 verifier fed the digest, or an Ed25519ph verifier fed the message, must both fail.
    expect(refusal(() => verifyEd25519phDigest(key, sha512(digest), PH_SIGNATURE)).field).toBe("signature");
    expect(refusal(() => verifyEd25519phDigest(key, flipBit(digest, 63, 7), PH_SIGNATURE)).field).toBe("signature");
  });

  it("refuses a wrong digest length, a wrong signature length and a flipped bit", () => {
    expect(refusal(() => verifyEd25519phDigest(key, digest.subarray(0, 32), PH_SIGNATURE)).field).toBe("digest");
    expect(refusal(() => verifyEd25519phDigest(key, digest, PH_SIGNATURE.subarray(0, 63))).message).toMatch(
      /must be 64 bytes/,
    );
    for (const i of [0, 31, 32, 63]) {
      expect(refusal(() => verifyEd25519phDigest(key, digest, flipBit(PH_SIGNATURE, i))).field).toBe("signature");
    }
  });

  it("refuses a non-canonical S (S + L), which RFC 8032 §5.1.7 forbids", () => {
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(PH_SIGNATURE[i]!);
    const sPlusL = s + L;
    const malleated = PH_SIGNATURE.slice();
    for (let i = 0; i < 32; i++) malleated[32 + i] = Number((sPlusL >> BigInt(8 * i)) & 0xffn);
    expect(sPlusL < 2n ** 256n).toBe(true);
    expect(refusal(() => verifyEd25519phDigest(key, digest, malleated)).field).toBe("signature");
  });
});

describe("pure Ed25519 over a message (RFC 8032 §7.1, WebCrypto)", () => {
  const key = ed25519Key(PURE_PUBLIC);

  it("verifies TEST 1", async () => {
    await verifyEd25519Message(key, new Uint8Array(0), PURE_SIGNATURE);
  });

  it("refuses another message and a flipped bit", async () => {
    await expect(verifyEd25519Message(key, Uint8Array.of(0), PURE_SIGNATURE)).rejects.toThrow(SignatureError);
    await expect(verifyEd25519Message(key, new Uint8Array(0), flipBit(PURE_SIGNATURE, 10))).rejects.toThrow(
      /does not verify/,
    );
  });

  it("an Ed25519ph signature is not a pure Ed25519 signature of the same digest", async () => {
    await expect(verifyEd25519Message(ed25519Key(PH_PUBLIC), sha512(PH_MESSAGE), PH_SIGNATURE)).rejects.toThrow(
      SignatureError,
    );
  });
});
