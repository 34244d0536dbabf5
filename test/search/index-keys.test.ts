// Index keys of every entry kind the log accepts, from leaves built by the real write-path canonicalizers;
// expected keys are computed here independently (noble SHA-256 over the inputs the test made).
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { encodePem } from "../../src/pki/keys.ts";
import { canonicalizeProposedEntry } from "../../src/rekor/v1/proposed-entry.ts";
import { canonicalizeCreateEntryRequest } from "../../src/rekor/v2/entry.ts";
import { certificateKeys, hasIndexKey, indexKeysOf, normalizeEmail, spkiKeys } from "../../src/search/index-keys.ts";
import { toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { hashedRekordV2, p256Key, type TestEcKey } from "../helpers/keys.ts";
import { IN_TOTO, v1Dsse, v1HashedRekord, v1Intoto, v2Dsse, v2HashedRekord } from "../input/requests.ts";

const keyOf = (k: TestEcKey) => `key:sha256:${toHex(sha256(k.spki))}`;
const identity = {
  email: "Alice.Example@Example.COM",
  uri: "https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main",
  issuer: "https://token.actions.githubusercontent.com",
  repository: "https://github.com/example/repo",
};
const identityKeys = [
  "email:alice.example@example.com",
  `subject:${identity.email}`,
  `subject:${identity.uri}`,
  `issuer:${identity.issuer}`,
  `repository:${identity.repository}`,
];

describe("indexKeysOf", () => {
  it("v2 hashedrekord with a public key: artifact digest and key", async () => {
    const key = p256Key();
    const artifact = utf8Encode(`artifact ${Math.random()}`);
    const leaf = (await canonicalizeCreateEntryRequest(v2HashedRekord(key, artifact))).body;
    expect(indexKeysOf(leaf).sort()).toEqual([`sha256:${toHex(sha256(artifact))}`, keyOf(key)].sort());
  });

  it("v2 hashedrekord with a Fulcio certificate: digest, the certificate's key and its identities", async () => {
    const key = p256Key();
    const artifact = utf8Encode(`cert artifact ${Math.random()}`);
    const leaf = (
      await canonicalizeCreateEntryRequest(
        hashedRekordV2(key, artifact, "x509Certificate", fulcioCertificate(key, identity)),
      )
    ).body;
    expect(indexKeysOf(leaf).sort()).toEqual([`sha256:${toHex(sha256(artifact))}`, keyOf(key), ...identityKeys].sort());
  });

  it("v2 dsse: payload digest and every verifier's key", async () => {
    const key = p256Key();
    const payload = utf8Encode(`{"payload":${Math.random()}}`);
    const leaf = (await canonicalizeCreateEntryRequest(v2Dsse(key, payload))).body;
    expect(indexKeysOf(leaf).sort()).toEqual([`sha256:${toHex(sha256(payload))}`, keyOf(key)].sort());
  });

  it("v1 hashedrekord with a public key, and with a certificate chain (the first certificate's keys)", async () => {
    const key = p256Key();
    const artifact = utf8Encode(`v1 artifact ${Math.random()}`);
    const leaf = (await canonicalizeProposedEntry(v1HashedRekord(key, artifact))).body;
    expect(indexKeysOf(leaf).sort()).toEqual([`sha256:${toHex(sha256(artifact))}`, keyOf(key)].sort());

    const other = p256Key();
    const chain =
      encodePem("CERTIFICATE", fulcioCertificate(key, identity)) +
      encodePem("CERTIFICATE", fulcioCertificate(other, { email: "ca@example.org" }));
    const req = v1HashedRekord(key, artifact);
    req.spec.signature.publicKey.content = toBase64(utf8Encode(chain));
    const certLeaf = (await canonicalizeProposedEntry(req)).body;
    expect(indexKeysOf(certLeaf).sort()).toEqual(
      [`sha256:${toHex(sha256(artifact))}`, keyOf(key), ...identityKeys].sort(),
    );
  });

  it("v1 hashedrekord sha512 digests are indexed as sha512:", async () => {
    const body = {
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: { data: { hash: { algorithm: "sha512", value: toHex(sha512(utf8Encode("x"))).toUpperCase() } } },
    };
    expect(indexKeysOf(utf8Encode(JSON.stringify(body)))).toEqual([`sha512:${toHex(sha512(utf8Encode("x")))}`]);
  });

  it("a JSON object after whitespace or a byte order mark is still read (the raw-leaf shortcut skips only non-objects)", () => {
    const body = {
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: { data: { hash: { algorithm: "sha512", value: toHex(sha512(utf8Encode("x"))) } } },
    };
    const want = [`sha512:${toHex(sha512(utf8Encode("x")))}`];
    expect(indexKeysOf(utf8Encode(` \r\n\t${JSON.stringify(body)}`))).toEqual(want);
    expect(indexKeysOf(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8Encode(JSON.stringify(body))))).toEqual(want);
    expect(indexKeysOf(utf8Encode(`x${JSON.stringify(body)}`))).toEqual([]);
    expect(indexKeysOf(utf8Encode("   "))).toEqual([]);
  });

  it("v1 dsse: payload digest, envelope digest and the verifiers' keys", async () => {
    const key = p256Key();
    const payload = utf8Encode(`{"dsse":${Math.random()}}`);
    const req = v1Dsse(key, payload);
    const leaf = (await canonicalizeProposedEntry(req)).body;
    const envelopeHash = toHex(sha256(utf8Encode(req.spec.proposedContent.envelope)));
    expect(indexKeysOf(leaf).sort()).toEqual(
      [`sha256:${toHex(sha256(payload))}`, `sha256:${envelopeHash}`, keyOf(key)].sort(),
    );
  });

  it("v1 intoto: payload digest, envelope digest and the signatures' keys", async () => {
    const key = p256Key();
    const payload = utf8Encode(`{"intoto":${Math.random()}}`);
    const req = v1Intoto(key, payload, IN_TOTO);
    const leaf = (await canonicalizeProposedEntry(req)).body;
    expect(indexKeysOf(leaf).sort()).toEqual(
      [`sha256:${toHex(sha256(payload))}`, `sha256:${req.spec.content.hash.value}`, keyOf(key)].sort(),
    );
  });

  it("unknown kinds, non-JSON and malformed bodies give no keys and never throw", () => {
    for (const s of [
      "",
      "not json",
      "[]",
      "null",
      '{"kind":"hashedrekord"}',
      '{"kind":"nope","apiVersion":"0.0.1","spec":{}}',
      '{"kind":"hashedrekord","apiVersion":"0.0.2","spec":7}',
    ]) {
      expect(indexKeysOf(utf8Encode(s))).toEqual([]);
    }
    expect(indexKeysOf(Uint8Array.of(0xff, 0xfe, 0x00))).toEqual([]);
    // A broken part is skipped, the readable parts are kept.
    const body = {
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: {
        data: { hash: { algorithm: "sha256", value: "ab".repeat(32) } },
        signature: { publicKey: { content: "!!" } },
      },
    };
    expect(indexKeysOf(utf8Encode(JSON.stringify(body)))).toEqual([`sha256:${"ab".repeat(32)}`]);
  });
});

describe("hasIndexKey", () => {
  it("says of every key what indexKeysOf's list says, for every entry kind (a digest key without reading signers)", async () => {
    const key = p256Key();
    const artifact = utf8Encode(`has artifact ${Math.random()}`);
    const leaves = [
      (await canonicalizeCreateEntryRequest(v2HashedRekord(key, artifact))).body,
      (await canonicalizeCreateEntryRequest(v2Dsse(key, utf8Encode('{"has":1}')))).body,
      (await canonicalizeProposedEntry(v1HashedRekord(key, artifact))).body,
      (await canonicalizeProposedEntry(v1Dsse(key, utf8Encode('{"has":2}')))).body,
      (await canonicalizeProposedEntry(v1Intoto(key, utf8Encode('{"has":3}'), IN_TOTO))).body,
      utf8Encode('{"kind":"nope","apiVersion":"0.0.1","spec":{"data":{"hash":{"algorithm":"sha256","value":"00"}}}}'),
      utf8Encode("not json"),
      utf8Encode(
        JSON.stringify({
          apiVersion: "0.0.1",
          kind: "hashedrekord",
          spec: { data: { hash: { algorithm: "sha256", value: "ab".repeat(32) } }, signature: {} },
        }),
      ),
    ];
    const candidates = [
      ...new Set([
        ...leaves.flatMap(indexKeysOf),
        `sha256:${"ab".repeat(32)}`,
        `sha256:${"cd".repeat(32)}`,
        `sha512:${toHex(sha512(artifact))}`,
        `SHA256:${toHex(sha256(artifact))}`,
        keyOf(p256Key()),
      ]),
    ];
    expect(candidates.filter((k) => k.startsWith("sha256:")).length).toBeGreaterThan(3);
    for (const leaf of leaves)
      for (const k of candidates) expect(hasIndexKey(leaf, k), k).toBe(indexKeysOf(leaf).includes(k));
  });
});

describe("certificate and key helpers", () => {
  it("spkiKeys is SHA-256 of the SPKI DER", () => {
    const key = p256Key();
    expect(spkiKeys(key.spki)).toEqual([keyOf(key)]);
  });

  it("prefers the Fulcio 1.8 issuer, falls back to the deprecated 1.1", () => {
    const key = p256Key();
    expect(
      certificateKeys(fulcioCertificate(key, { issuer: "https://new.example", issuerV1: "https://old.example" })),
    ).toContain("issuer:https://new.example");
    expect(
      certificateKeys(fulcioCertificate(key, { issuer: "https://new.example", issuerV1: "https://old.example" })),
    ).not.toContain("issuer:https://old.example");
    expect(certificateKeys(fulcioCertificate(key, { issuerV1: "https://old.example" }))).toEqual([
      keyOf(key),
      "issuer:https://old.example",
    ]);
  });

  it("a certificate with no identities gives its key only; garbage gives nothing", () => {
    const key = p256Key();
    expect(certificateKeys(fulcioCertificate(key, {}))).toEqual([keyOf(key)]);
    expect(certificateKeys(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toEqual([]);
  });

  it("normalizeEmail trims and lowercases", () => {
    expect(normalizeEmail("  Bob@Example.ORG \n")).toBe("bob@example.org");
  });
});
