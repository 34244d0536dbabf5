// Every key type through the write APIs, with keys, certificates and signatures made by OpenSSL
// (test/fixtures/pki, see its README): each verifies and is logged; a signature by another key of
// the same type is refused with a 400 that names the signature.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index.ts";
import { toBase64, toHex, utf8Decode } from "../../src/tlog/encoding.ts";
import { fixture, type FixtureName } from "../fixtures/pki/index.ts";
import { http } from "../helpers/log.ts";

interface Case {
  name: string;
  verifier: FixtureName; // DER SPKI or DER certificate (v2); the matching PEM is used for v1
  pem: FixtureName;
  keyDetails: string;
  digest: FixtureName;
  sig: FixtureName;
  otherSig: FixtureName;
  v1Hash?: "sha256" | "sha384" | "sha512"; // v1 hashedrekord names the hash; absent = not a v1 case
}

const CASES: Case[] = [
  {
    name: "ECDSA P-256",
    verifier: "p256.spki.der",
    pem: "p256.pub.pem",
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    digest: "message.sha256",
    sig: "p256.sig-digest.der",
    otherSig: "p256-other.sig-digest.der",
    v1Hash: "sha256",
  },
  {
    name: "ECDSA P-384",
    verifier: "p384.spki.der",
    pem: "p384.pub.pem",
    keyDetails: "PKIX_ECDSA_P384_SHA_384",
    digest: "message.sha384",
    sig: "p384.sig-digest.der",
    otherSig: "p384-other.sig-digest.der",
    v1Hash: "sha384",
  },
  {
    name: "ECDSA P-521",
    verifier: "p521.spki.der",
    pem: "p521.pub.pem",
    keyDetails: "PKIX_ECDSA_P521_SHA_512",
    digest: "message.sha512",
    sig: "p521.sig-digest.der",
    otherSig: "p521-other.sig-digest.der",
    v1Hash: "sha512",
  },
  {
    name: "RSA 2048 PKCS#1 v1.5",
    verifier: "rsa2048.spki.der",
    pem: "rsa2048.pub.pem",
    keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
    digest: "message.sha256",
    sig: "rsa2048.pkcs1-digest.sig",
    otherSig: "rsa2048-other.pkcs1-digest.sig",
    v1Hash: "sha256",
  },
  {
    name: "RSA 3072 PKCS#1 v1.5",
    verifier: "rsa3072.spki.der",
    pem: "rsa3072.pub.pem",
    keyDetails: "PKIX_RSA_PKCS1V15_3072_SHA256",
    digest: "message.sha256",
    sig: "rsa3072.pkcs1-digest.sig",
    otherSig: "rsa3072-other.pkcs1-digest.sig",
    v1Hash: "sha256",
  },
  {
    name: "RSA 4096 PKCS#1 v1.5",
    verifier: "rsa4096.spki.der",
    pem: "rsa4096.pub.pem",
    keyDetails: "PKIX_RSA_PKCS1V15_4096_SHA256",
    digest: "message.sha256",
    sig: "rsa4096.pkcs1-digest.sig",
    otherSig: "rsa4096-other.pkcs1-digest.sig",
    v1Hash: "sha256",
  },
  {
    name: "RSA 2048 PSS",
    verifier: "rsa2048.spki.der",
    pem: "rsa2048.pub.pem",
    keyDetails: "PKIX_RSA_PSS_2048_SHA256",
    digest: "message.sha256",
    sig: "rsa2048.pss-digest.sig",
    otherSig: "rsa2048-other.pss-digest.sig",
  },
  {
    name: "RSA 3072 PSS",
    verifier: "rsa3072.spki.der",
    pem: "rsa3072.pub.pem",
    keyDetails: "PKIX_RSA_PSS_3072_SHA256",
    digest: "message.sha256",
    sig: "rsa3072.pss-digest.sig",
    otherSig: "rsa3072-other.pss-digest.sig",
  },
  {
    name: "RSA 4096 PSS",
    verifier: "rsa4096.spki.der",
    pem: "rsa4096.pub.pem",
    keyDetails: "PKIX_RSA_PSS_4096_SHA256",
    digest: "message.sha256",
    sig: "rsa4096.pss-digest.sig",
    otherSig: "rsa4096-other.pss-digest.sig",
  },
  {
    name: "Ed25519ph",
    verifier: "ed25519.spki.der",
    pem: "ed25519.pub.pem",
    keyDetails: "PKIX_ED25519_PH",
    digest: "message.sha512",
    sig: "ed25519.ph-sig-digest.bin",
    otherSig: "ed25519-other.ph-sig-digest.bin",
    v1Hash: "sha512",
  },
  {
    name: "X.509 certificate, P-256",
    verifier: "p256.cert.der",
    pem: "p256.cert.pem",
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    digest: "message.sha256",
    sig: "p256.sig-digest.der",
    otherSig: "p256-other.sig-digest.der",
    v1Hash: "sha256",
  },
  {
    name: "X.509 certificate, RSA 2048",
    verifier: "rsa2048.cert.der",
    pem: "rsa2048.cert.pem",
    keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
    digest: "message.sha256",
    sig: "rsa2048.pkcs1-digest.sig",
    otherSig: "rsa2048-other.pkcs1-digest.sig",
    v1Hash: "sha256",
  },
  {
    name: "X.509 certificate, Ed25519 (ph)",
    verifier: "ed25519.cert.der",
    pem: "ed25519.cert.pem",
    keyDetails: "PKIX_ED25519_PH",
    digest: "message.sha512",
    sig: "ed25519.ph-sig-digest.bin",
    otherSig: "ed25519-other.ph-sig-digest.bin",
    v1Hash: "sha512",
  },
];

const post = (path: string, body: unknown) =>
  http(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** The same Worker with ACCEPT_NON_DEFAULT_KEY_DETAILS set: RSA-PSS, which Go clients cannot rebuild, is accepted. */
const optedIn = {
  ...(env as unknown as Record<string, string>),
  ACCEPT_NON_DEFAULT_KEY_DETAILS: "true",
} as unknown as Env;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const postOptedIn = (path: string, body: unknown) =>
  app.fetch(
    new Request(`http://localhost:8787${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    optedIn,
    ctx,
  );

function v2Request(c: Case, sig: FixtureName) {
  const field = c.verifier.includes(".cert.") ? "x509Certificate" : "publicKey";
  return {
    hashedRekordRequestV002: {
      digest: toBase64(fixture(c.digest)),
      signature: {
        content: toBase64(fixture(sig)),
        verifier: { [field]: { rawBytes: toBase64(fixture(c.verifier)) }, keyDetails: c.keyDetails },
      },
    },
  };
}

function v1Request(c: Case, sig: FixtureName) {
  return {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: {
      data: { hash: { algorithm: c.v1Hash, value: toHex(fixture(c.digest)) } },
      signature: { content: toBase64(fixture(sig)), publicKey: { content: toBase64(fixture(c.pem)) } },
    },
  };
}

describe("every key type through the write APIs", () => {
  for (const c of CASES) {
    it(`Rekor v2: ${c.name}`, async () => {
      const nonDefault = c.keyDetails.startsWith("PKIX_RSA_PSS_");
      if (nonDefault) {
        // Refused by default, saying why: a Go client rebuilds the leaf with PKCS#1 v1.5 and could not verify it.
        const refused = await post("/api/v2/log/entries", v2Request(c, c.sig));
        expect(refused.status, c.name).toBe(400);
        expect(((await refused.json()) as any).message).toMatch(
          new RegExp(
            `^hashedRekordRequestV002\\.signature\\.verifier\\.keyDetails: ${c.keyDetails} is not this key's default, PKIX_RSA_PKCS1V15_\\d+_SHA256; sigstore-go and cosign`,
          ),
        );
      }
      const submit = nonDefault ? postOptedIn : post;
      const ok = await submit("/api/v2/log/entries", v2Request(c, c.sig));
      // The same fixture may already be logged by an earlier case in this run: 409 is the same proof of acceptance.
      expect([201, 409], c.name).toContain(ok.status);
      if (ok.status === 201) {
        const body = JSON.parse(
          utf8Decode(Uint8Array.from(atob(((await ok.json()) as any).canonicalizedBody), (ch) => ch.charCodeAt(0))),
        );
        expect(body.spec.hashedRekordV002.signature.verifier.keyDetails).toBe(c.keyDetails);
      }
      const bad = await submit("/api/v2/log/entries", v2Request(c, c.otherSig));
      expect(bad.status, c.name).toBe(400);
      expect(((await bad.json()) as any).message).toMatch(/signature/);
    });
    if (c.v1Hash) {
      it(`Rekor v1 hashedrekord: ${c.name}`, async () => {
        const ok = await post("/api/v1/log/entries", v1Request(c, c.sig));
        expect([201, 409], c.name).toContain(ok.status);
        const bad = await post("/api/v1/log/entries", v1Request(c, c.otherSig));
        expect(bad.status, c.name).toBe(400);
        expect(((await bad.json()) as any).message).toMatch(/signature/);
      });
    }
  }

  it("refuses keys that are not allowed, with a 400 naming the key", async () => {
    const refused: [FixtureName, string][] = [
      ["rsa1024.spki.der", "PKIX_RSA_PKCS1V15_2048_SHA256"],
      ["p256.spki-compressed.der", "PKIX_ECDSA_P256_SHA_256"],
      ["secp256k1.spki.der", "PKIX_ECDSA_P256_SHA_256"],
      ["ed448.spki.der", "PKIX_ED25519_PH"],
    ];
    for (const [key, keyDetails] of refused) {
      const r = await post("/api/v2/log/entries", {
        hashedRekordRequestV002: {
          digest: toBase64(fixture("message.sha256")),
          signature: {
            content: toBase64(fixture("p256.sig-digest.der")),
            verifier: { publicKey: { rawBytes: toBase64(fixture(key)) }, keyDetails },
          },
        },
      });
      expect(r.status, key).toBe(400);
      expect(((await r.json()) as any).message, key).toMatch(/publicKey/);
    }
    // Pure Ed25519 cannot sign a digest (rekor-tiles refuses it too).
    const pure = await post("/api/v2/log/entries", {
      hashedRekordRequestV002: {
        digest: toBase64(fixture("message.sha512")),
        signature: {
          content: toBase64(fixture("ed25519.sig-message.bin")),
          verifier: { publicKey: { rawBytes: toBase64(fixture("ed25519.spki.der")) }, keyDetails: "PKIX_ED25519" },
        },
      },
    });
    expect(pure.status).toBe(400);
  });
});
