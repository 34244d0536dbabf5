// Real Rekor bodies (../shared/fixtures/real-sigstore, SOURCES.md): each logged body is first authenticated (Rekor v1:
// its SET; Rekor v2: its checkpoint signature and inclusion proof, with the log key from the TrustedRoot naming the
// log), then the request a client sends for that bundle is rebuilt from the bundle and canonicalized by edgelog. The
// result must be the body Rekor logged, byte for byte, and so the same leaf hash (the Rekor v1 entry UUID's hash part).
import { X509Certificate, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalizeProposedEntry } from "../../../src/rekor/v1/proposed-entry.ts";
import { canonicalizeCreateEntryRequest } from "../../../src/rekor/v2/entry.ts";
import { ValidityCheck } from "../../../src/rekor/validity-check.ts";
import { hashLeaf } from "../../../src/tlog/hash.ts";
import { checkInclusion } from "../../../src/tlog/proof.ts";
import { authenticatedV1Body, authenticatedV2Body, b64, exists, knownLogs, readBytes, readJson } from "../fixtures.ts";

const logs = knownLogs();
const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");
const base64 = (b: Uint8Array | string) => Buffer.from(b).toString("base64");
const HASH: Record<string, string> = { SHA2_256: "sha256", SHA2_384: "sha384", SHA2_512: "sha512" };

/** The bundle's leaf certificate, DER (v0.3 `certificate`, or the first of a v0.1/0.2 chain). */
function leafCertificate(bundle: any): Uint8Array | undefined {
  const vm = bundle.verificationMaterial;
  const raw = vm.certificate?.rawBytes ?? vm.x509CertificateChain?.certificates?.[0]?.rawBytes;
  return raw === undefined ? undefined : b64(raw);
}
/** PEM as OpenSSL writes it. */
const pemOf = (der: Uint8Array) => new X509Certificate(Buffer.from(der)).toString();

/** The Rekor v1 ProposedEntry a client sends for this bundle (sigstore-js / sigstore-go / cosign request shapes). */
function v1Request(bundle: any, kind: string, keyPem: string, body: any): unknown {
  if (kind === "hashedrekord") {
    const md = bundle.messageSignature.messageDigest;
    return {
      apiVersion: "0.0.1",
      kind,
      spec: {
        data: { hash: { algorithm: HASH[md.algorithm], value: Buffer.from(b64(md.digest)).toString("hex") } },
        signature: { content: bundle.messageSignature.signature, publicKey: { content: base64(keyPem) } },
      },
    };
  }
  const env = bundle.dsseEnvelope;
  if (kind === "dsse") {
    // Rekor's envelopeHash is SHA-256 of the envelope string as the client sent it: sigstore-js and -java write
    // keyid "" when there is none, sigstore-python leaves it out. The string whose hash Rekor logged is the one sent.
    const serialized = [true, false].map((emptyKeyid) =>
      JSON.stringify({
        payload: env.payload,
        payloadType: env.payloadType,
        signatures: env.signatures.map((s: any) => ({
          sig: s.sig,
          ...(s.keyid !== undefined || emptyKeyid ? { keyid: s.keyid ?? "" } : {}),
        })),
      }),
    );
    const sent = serialized.find((e) => createHash("sha256").update(e).digest("hex") === body.spec.envelopeHash.value);
    expect(sent, "the envelope string the client sent").toBeDefined();
    return { apiVersion: "0.0.1", kind, spec: { proposedContent: { envelope: sent, verifiers: [base64(keyPem)] } } };
  }
  // intoto 0.0.2 as sigstore-js sends it: the envelope's strings, each base64-encoded once more, and the client's own
  // envelope hash (a request field Rekor keeps as sent: clients compute it each their own way), and the payload hash.
  const hash = body.spec.content.hash;
  const payloadHash = {
    algorithm: "sha256",
    value: createHash("sha256").update(Buffer.from(env.payload, "base64")).digest("hex"),
  };
  return {
    apiVersion: "0.0.2",
    kind,
    spec: {
      content: {
        envelope: {
          payloadType: env.payloadType,
          payload: base64(env.payload),
          // The key as the client wrote it (intoto keeps it as sent: sigstore-js's PEM has no final newline).
          signatures: env.signatures.map((s: any, i: number) => ({
            ...(s.keyid ? { keyid: s.keyid } : {}),
            sig: base64(s.sig),
            publicKey: body.spec.content.envelope.signatures[i].publicKey,
          })),
        },
        hash,
        payloadHash,
      },
    },
  };
}

/** The signing key's PEM: the bundle's certificate, the case's key.pub, or (npm's key) the key as the body logged it. */
function keyPemFor(bundle: any, dir: string, body: any): string {
  const cert = leafCertificate(bundle);
  if (cert) return pemOf(cert);
  if (exists(`${dir}/key.pub`)) return text(readBytes(`${dir}/key.pub`));
  return text(b64(body.spec.content.envelope.signatures[0].publicKey));
}

const V1_BUNDLES = [
  "conformance/happy-path-v0.1",
  "conformance/happy-path-v0.2",
  "conformance/happy-path-v0.3",
  "conformance/happy-path-v0.3-new-mediaType",
  "conformance/happy-path-intoto-in-dsse-v3",
  "conformance/managed-key-happy-path",
  "conformance/managed-key-and-trusted-root",
  "conformance/trust-root-tlog-validity-end-inclusive",
  "sigstore-java/bundles/PKIX_ECDSA_P256_SHA_256.sigstore.json",
  "sigstore-java/bundles/PKIX_ECDSA_P384_SHA_384.sigstore.json",
  "sigstore-java/bundles/PKIX_ECDSA_P521_SHA_512.sigstore.json",
  "sigstore-java/bundles/PKIX_RSA_PKCS1V15_2048_SHA256.sigstore.json",
  "sigstore-java/bundles/PKIX_RSA_PKCS1V15_3072_SHA256.sigstore.json",
  "sigstore-java/bundles/PKIX_RSA_PKCS1V15_4096_SHA256.sigstore.json",
  "sigstore-java/bundles/bundle.v3.sigstore",
  "sigstore-java/bundles/bundle.dsse.sigstore",
  "sigstore-js/bundleV03-dsse.sigstore",
  "sigstore-js/bundleV03-intoto.sigstore",
  "sigstore-go/bundle-publish.json",
  "sigstore-go/bundle-provenance.json",
];

const bundleAt = (p: string) =>
  p.startsWith("conformance/")
    ? { dir: p, bundle: readJson(`${p}/bundle.sigstore.json`) }
    : { dir: p.slice(0, p.lastIndexOf("/")), bundle: readJson(p) };

describe("Rekor v1: edgelog canonicalizes a real request to the body Rekor logged", () => {
  for (const path of V1_BUNDLES) {
    it(path, async () => {
      const { dir, bundle } = bundleAt(path);
      const tle = bundle.verificationMaterial.tlogEntries[0];
      const logged = authenticatedV1Body(tle, logs);
      const body = JSON.parse(text(logged));
      // Expired long ago: a lookup-style canonicalization, with no validity check (what v1 retrieve does).
      const ours = await canonicalizeProposedEntry(
        v1Request(bundle, tle.kindVersion.kind, keyPemFor(bundle, dir, body), body),
        { maxDataBytes: 1 << 20, validity: ValidityCheck.never() },
      );
      expect(text(ours.body)).toBe(text(logged));
      expect(hashLeaf(ours.body)).toEqual(
        new Uint8Array(
          createHash("sha256")
            .update(Buffer.from([0]))
            .update(logged)
            .digest(),
        ),
      );
    });
  }

  it("cosign's own output (third-party READMEs): the logged hashedrekord body canonicalizes to itself", async () => {
    for (const f of [
      "third-party/bleala-postfix.cosign-bundle.json",
      "third-party/sylva-diskimage-builder.cosign-bundle.json",
    ]) {
      const b = readJson(f);
      const logged = authenticatedV1Body(
        {
          canonicalizedBody: b.Payload.body,
          integratedTime: b.Payload.integratedTime,
          logIndex: b.Payload.logIndex,
          logId: { keyId: base64(Buffer.from(b.Payload.logID, "hex")) },
          inclusionPromise: { signedEntryTimestamp: b.SignedEntryTimestamp },
        },
        logs,
      );
      const body = JSON.parse(text(logged));
      const ours = await canonicalizeProposedEntry(body, { maxDataBytes: 1 << 20, validity: ValidityCheck.never() });
      expect(text(ours.body), f).toBe(text(logged));
    }
  });
});

/** The CreateEntryRequest a client sends for this bundle: a hashedrekord of the message digest, or of SHA-256(PAE) for DSSE. */
function v2Request(bundle: any, logged: any): unknown {
  const spec = logged.spec.hashedRekordV002 ?? logged.spec.dsseV002;
  const verifier = spec.signature?.verifier ?? spec.signatures?.[0]?.verifier;
  const cert = leafCertificate(bundle)!;
  const v = { x509Certificate: { rawBytes: base64(cert) }, keyDetails: verifier.keyDetails };
  if (logged.kind === "dsse") {
    return { dsseRequestV002: { envelope: bundle.dsseEnvelope, verifiers: [v] } };
  }
  if (bundle.dsseEnvelope) {
    const env = bundle.dsseEnvelope;
    const payload = Buffer.from(env.payload, "base64");
    const pae = Buffer.concat([
      Buffer.from(`DSSEv1 ${Buffer.byteLength(env.payloadType)} ${env.payloadType} ${payload.length} `),
      payload,
    ]);
    const digest = createHash(HASH[spec.data.algorithm]!).update(pae).digest("base64");
    return { hashedRekordRequestV002: { digest, signature: { content: env.signatures[0].sig, verifier: v } } };
  }
  return {
    hashedRekordRequestV002: {
      digest: bundle.messageSignature.messageDigest.digest,
      signature: { content: bundle.messageSignature.signature, verifier: v },
    },
  };
}

const V2_BUNDLES = [
  "conformance/rekor2-happy-path",
  "conformance/rekor2-dsse-happy-path",
  "conformance/rekor2-checkpoint-cosigned",
  "conformance/rekor2-checkpoint-multiple-cosigs",
  "conformance/rekor2-checkpoint-origin-not-first",
  "conformance/rekor2-checkpoint-two-sigs-cosigned",
  "conformance/rekor2-checkpoint-two-sigs-from-origin",
  "conformance/rekor2-timestamp-with-embedded-cert",
  "conformance/rekor2-timestamp-without-embedded-cert",
  "conformance/rekor2-timestamp-with-expired-cert-chain",
  "conformance/trust-root-tsa-validity-end-inclusive",
  "conformance/bundle-with-sct-with-extensions",
  "sigstore-java/bundles/bundle-with-rekor-v2-entry.sigstore",
  "sigstore-java/bundles/bundle.dsse.rekor-v2.sigstore",
  "sigstore-java/bundles/bundle.dsse.rekor-v2.bad-entry-type.sigstore",
  "sigstore-python/staging-rekor-v2.txt.sigstore.json",
];

describe("Rekor v2: the same request gives the leaf rekor-tiles logged", () => {
  for (const path of V2_BUNDLES) {
    it(path, async () => {
      const { bundle } = bundleAt(path);
      const tle = bundle.verificationMaterial.tlogEntries[0];
      const logged = authenticatedV2Body(tle, logs, (proof, index, size, leaf, root) =>
        checkInclusion(proof, index, size, hashLeaf(leaf), root),
      );
      const ours = await canonicalizeCreateEntryRequest(v2Request(bundle, JSON.parse(text(logged))), {
        validity: ValidityCheck.never(),
      });
      expect(text(ours.body)).toBe(text(logged));
    });
  }
});
