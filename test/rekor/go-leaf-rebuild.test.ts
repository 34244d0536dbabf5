// What Go clients (sigstore-go, cosign) do with a Rekor v2 entry: they rebuild the leaf from the bundle with the key's
// default key details (test/helpers/go-leaf-rebuild.ts) and never read canonicalizedBody. For every key type the log
// accepts, with keys, certificates and signatures made by OpenSSL (test/fixtures/pki), the leaf logged must be the
// leaf rebuilt, byte for byte. Leaves a Go client could not rebuild (non-default key details such as RSA-PSS; a digest
// whose length is not the hash's) are refused with a 400 saying why, unless the operator opts in per shard.
// (test/e2e/go-leaf-rebuild.test.ts does the same for bundles sigstore-js made.)
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index.ts";
import { fromBase64, toBase64, utf8Decode } from "../../src/tlog/encoding.ts";
import { fixture, type FixtureName } from "../fixtures/pki/index.ts";
import { goRebuiltLeaf } from "../helpers/go-leaf-rebuild.ts";
import { http } from "../helpers/log.ts";

interface Case {
  name: string;
  key: FixtureName;
  keyDetails: string;
  digest: FixtureName;
  sig: FixtureName;
}

/** Every key type edgelog accepts by default, as a key and (where the fixtures have one) as a certificate. */
const ACCEPTED: Case[] = [
  {
    name: "ECDSA P-256",
    key: "p256.spki.der",
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    digest: "message.sha256",
    sig: "p256.sig-digest.der",
  },
  {
    name: "ECDSA P-384",
    key: "p384.spki.der",
    keyDetails: "PKIX_ECDSA_P384_SHA_384",
    digest: "message.sha384",
    sig: "p384.sig-digest.der",
  },
  {
    name: "ECDSA P-521",
    key: "p521.spki.der",
    keyDetails: "PKIX_ECDSA_P521_SHA_512",
    digest: "message.sha512",
    sig: "p521.sig-digest.der",
  },
  {
    name: "RSA 2048 PKCS#1 v1.5",
    key: "rsa2048.spki.der",
    keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
    digest: "message.sha256",
    sig: "rsa2048.pkcs1-digest.sig",
  },
  {
    name: "RSA 3072 PKCS#1 v1.5",
    key: "rsa3072.spki.der",
    keyDetails: "PKIX_RSA_PKCS1V15_3072_SHA256",
    digest: "message.sha256",
    sig: "rsa3072.pkcs1-digest.sig",
  },
  {
    name: "RSA 4096 PKCS#1 v1.5",
    key: "rsa4096.spki.der",
    keyDetails: "PKIX_RSA_PKCS1V15_4096_SHA256",
    digest: "message.sha256",
    sig: "rsa4096.pkcs1-digest.sig",
  },
  {
    name: "Ed25519ph",
    key: "ed25519.spki.der",
    keyDetails: "PKIX_ED25519_PH",
    digest: "message.sha512",
    sig: "ed25519.ph-sig-digest.bin",
  },
  {
    name: "certificate, P-256",
    key: "p256.cert.der",
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    digest: "message.sha256",
    sig: "p256.sig-digest.der",
  },
  {
    name: "certificate, RSA 2048",
    key: "rsa2048.cert.der",
    keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
    digest: "message.sha256",
    sig: "rsa2048.pkcs1-digest.sig",
  },
  {
    name: "certificate, Ed25519 (ph)",
    key: "ed25519.cert.der",
    keyDetails: "PKIX_ED25519_PH",
    digest: "message.sha512",
    sig: "ed25519.ph-sig-digest.bin",
  },
];

const isCert = (c: Case) => c.key.includes(".cert.");

function request(c: Case, keyDetails = c.keyDetails, digest = fixture(c.digest)) {
  return {
    hashedRekordRequestV002: {
      digest: toBase64(digest),
      signature: {
        content: toBase64(fixture(c.sig)),
        verifier: { [isCert(c) ? "x509Certificate" : "publicKey"]: { rawBytes: toBase64(fixture(c.key)) }, keyDetails },
      },
    },
  };
}

const json = { "content-type": "application/json" };
const post = (body: unknown) =>
  http("/api/v2/log/entries", { method: "POST", headers: json, body: JSON.stringify(body) });
const optedIn = {
  ...(env as unknown as Record<string, string>),
  ACCEPT_NON_DEFAULT_KEY_DETAILS: "true",
} as unknown as Env;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const postOptedIn = (body: unknown) =>
  app.fetch(
    new Request("http://localhost:8787/api/v2/log/entries", {
      method: "POST",
      headers: json,
      body: JSON.stringify(body),
    }),
    optedIn,
    ctx,
  );

/** The logged leaf: from the 201, or from the 409's TransparencyLogEntry when an earlier test logged it. */
async function loggedLeaf(res: Response): Promise<string> {
  const body = (await res.json()) as any;
  expect([201, 409], JSON.stringify(body)).toContain(res.status);
  return utf8Decode(fromBase64(res.status === 201 ? body.canonicalizedBody : body.details[0].canonicalizedBody));
}

describe("the leaf sigstore-go rebuilds is the leaf logged", () => {
  for (const c of ACCEPTED) {
    it(c.name, async () => {
      const logged = await loggedLeaf(await post(request(c)));
      const key = isCert(c) ? { certificate: fixture(c.key) } : { publicKey: fixture(c.key) };
      expect(logged).toBe(await goRebuiltLeaf(fixture(c.digest), fixture(c.sig), key));
    });
  }
});

describe("leaves a Go client could not rebuild are refused unless the shard opts in", () => {
  const pss: Case = {
    name: "RSA 2048 PSS",
    key: "rsa2048.spki.der",
    keyDetails: "PKIX_RSA_PSS_2048_SHA256",
    digest: "message.sha256",
    sig: "rsa2048.pss-digest.sig",
  };

  it("RSA-PSS: 400 naming the default details; with ACCEPT_NON_DEFAULT_KEY_DETAILS logged, and then not what Go rebuilds", async () => {
    const refused = await post(request(pss));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).message).toBe(
      "hashedRekordRequestV002.signature.verifier.keyDetails: PKIX_RSA_PSS_2048_SHA256 is not this key's default, PKIX_RSA_PKCS1V15_2048_SHA256; " +
        "sigstore-go and cosign rebuild the entry with PKIX_RSA_PKCS1V15_2048_SHA256 and could not verify it, so this log accepts only default key details",
    );
    const logged = await loggedLeaf(await postOptedIn(request(pss)));
    // Why it is refused by default: the leaf Go would rebuild differs (PKCS#1 v1.5 details), so no Go client finds it.
    const rebuilt = await goRebuiltLeaf(fixture(pss.digest), fixture(pss.sig), { publicKey: fixture(pss.key) });
    expect(rebuilt).not.toBe(logged);
    expect(logged.replace("PKIX_RSA_PSS_2048_SHA256", "PKIX_RSA_PKCS1V15_2048_SHA256")).toBe(rebuilt);
  });

  it("a digest whose length is not the hash's: 400, whatever the shard's setting", async () => {
    const p256 = ACCEPTED[0]!;
    for (const submit of [post, postOptedIn]) {
      for (const digest of [fixture("message.sha384"), fixture("message.sha256").slice(0, 20)]) {
        const r = await submit(request(p256, p256.keyDetails, digest));
        expect(r.status).toBe(400);
        expect(((await r.json()) as any).message).toMatch(
          /^hashedRekordRequestV002\.signature\.verifier\.digest: PKIX_ECDSA_P256_SHA_256 needs a 32-byte sha256 digest, got (48|20) bytes$/,
        );
      }
    }
  });

  it("the setting is read per shard and must be true or false", async () => {
    const { readConfig } = await import("../../src/log/shards.ts");
    expect(readConfig({}).acceptNonDefaultKeyDetails).toBe(false);
    expect(
      readConfig({ ACCEPT_NON_DEFAULT_KEY_DETAILS_LOG2027: "true", SHARDS: "default,log2027" }, "log2027")
        .acceptNonDefaultKeyDetails,
    ).toBe(true);
    expect(
      readConfig({ ACCEPT_NON_DEFAULT_KEY_DETAILS_LOG2027: "true", SHARDS: "default,log2027" }, "default")
        .acceptNonDefaultKeyDetails,
    ).toBe(false);
    expect(() => readConfig({ ACCEPT_NON_DEFAULT_KEY_DETAILS: "yes" })).toThrow(
      /ACCEPT_NON_DEFAULT_KEY_DETAILS.* must be true or false, got yes/,
    );
  });
});
