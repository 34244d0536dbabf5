// What an entry contains (src/entry/facts.ts, src/entry/certificate.ts), for bodies made by the log's own write path
// (src/rekor) from valid requests of every kind, and certificates read two ways: by src/entry's DER reader and by
// @peculiar/asn1-x509 (an independent parser) or OpenSSL's fixtures. The explorer's search input is here too.
import { sha256 } from "@noble/hashes/sha2.js";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, GeneralNames, id_ce_subjectAltName } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { guessSearch, normalizeQuery } from "../../explorer/search.ts";
import { readCertificate, sanValues } from "../../src/entry/certificate.ts";
import { entryFacts } from "../../src/entry/facts.ts";
import { encodePem } from "../../src/pki/keys.ts";
import { canonicalizeProposedEntry } from "../../src/rekor/v1/proposed-entry.ts";
import { canonicalizeCreateEntryRequest } from "../../src/rekor/v2/entry.ts";
import { toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { fixture } from "../fixtures/pki/index.ts";
import { v1Dsse, v1HashedRekord, v1Intoto, v2Dsse } from "../input/requests.ts";

const enc = (s: string) => utf8Encode(s);
const fingerprint = (spki: Uint8Array) => toHex(sha256(spki));

describe("entryFacts", () => {
  it("reads a Rekor v2 hashedrekord signed with a Fulcio certificate: digest, identity, issuer, repository, key", async () => {
    const key = p256Key();
    const id = {
      email: "Alice@Example.com",
      uri: "https://github.com/alice/tool/.github/workflows/release.yml@refs/heads/main",
      issuer: "https://token.actions.githubusercontent.com",
      repository: "https://github.com/alice/tool",
    };
    const cert = fulcioCertificate(key, id);
    const artifact = enc("release 1.0");
    const req = hashedRekordV2(key, artifact, "x509Certificate") as any;
    req.hashedRekordRequestV002.signature.verifier = {
      x509Certificate: { rawBytes: toBase64(cert) },
      keyDetails: "PKIX_ECDSA_P256_SHA_256",
    };
    const { body } = await canonicalizeCreateEntryRequest(req);
    const f = entryFacts(body);
    expect([f.kind, f.version, f.problem]).toEqual(["hashedrekord", "0.0.2", undefined]);
    const digest = `sha256:${toHex(sha256(artifact))}`;
    expect(f.digests).toEqual([{ label: "artifact", value: digest, canonical: digest }]);
    expect(f.signers).toHaveLength(1);
    const c = f.signers[0]!.certificate!;
    expect(sanValues(c, "email")).toEqual([id.email]);
    expect(sanValues(c, "uri")).toEqual([id.uri]);
    expect(c.oidcIssuer).toBe(id.issuer);
    expect(c.sourceRepository).toBe(id.repository);
    expect(c.display!.fulcio).toEqual([["Source repository URI", id.repository]]);
    expect(c.display!.keyAlgorithm).toBe("ECDSA P-256");
    expect(f.signers[0]!.keyFingerprint).toBe(fingerprint(key.spki));
  });

  it("takes the OIDC issuer from the deprecated 1.1 extension when 1.8 is absent", async () => {
    const key = p256Key();
    const cert = fulcioCertificate(key, { email: "bob@example.com", issuerV1: "https://accounts.google.com" });
    expect(readCertificate(cert).oidcIssuer).toBe("https://accounts.google.com");
  });

  it("reads a Rekor v2 hashedrekord with a public key, and dsse 0.0.2", async () => {
    const key = p256Key();
    const plain = entryFacts((await canonicalizeCreateEntryRequest(hashedRekordV2(key, enc("a")))).body);
    expect(plain.signers).toEqual([{ where: "signature", spki: key.spki, keyFingerprint: fingerprint(key.spki) }]);
    const payload = enc(JSON.stringify({ _type: "https://in-toto.io/Statement/v1" }));
    const dsse = entryFacts((await canonicalizeCreateEntryRequest(v2Dsse(key, payload))).body);
    expect([dsse.kind, dsse.version]).toEqual(["dsse", "0.0.2"]);
    expect(dsse.digests.map((d) => d.value)).toEqual([`sha256:${toHex(sha256(payload))}`]);
    expect(dsse.signers.map((s) => s.keyFingerprint)).toEqual([fingerprint(key.spki)]);
  });

  it("reads Rekor v1 hashedrekord (key and certificate), dsse and intoto bodies", async () => {
    const key = p256Key();
    const artifact = enc("v1 artifact");
    const byKey = entryFacts((await canonicalizeProposedEntry(v1HashedRekord(key, artifact))).body);
    expect(byKey.digests.map(({ label, value }) => ({ label, value }))).toEqual([
      { label: "artifact", value: `sha256:${toHex(sha256(artifact))}` },
    ]);
    expect(byKey.signers[0]!.keyFingerprint).toBe(fingerprint(key.spki));

    const cert = fulcioCertificate(key, { email: "carol@example.com", issuer: "https://issuer.example" });
    const withCert = v1HashedRekord(key, artifact);
    withCert.spec.signature.publicKey.content = toBase64(enc(encodePem("CERTIFICATE", cert)));
    const byCert = entryFacts((await canonicalizeProposedEntry(withCert)).body);
    expect(sanValues(byCert.signers[0]!.certificate!, "email")).toEqual(["carol@example.com"]);
    expect(byCert.signers[0]!.certificate!.oidcIssuer).toBe("https://issuer.example");

    const payload = enc('{"_type":"https://in-toto.io/Statement/v1"}');
    for (const req of [v1Dsse(key, payload), v1Intoto(key, payload)]) {
      const f = entryFacts((await canonicalizeProposedEntry(req)).body);
      expect(f.problem, req.kind).toBeUndefined();
      expect(f.digests.find((d) => d.label === "payload")?.value, req.kind).toBe(`sha256:${toHex(sha256(payload))}`);
      expect(
        f.digests.some((d) => d.label === "envelope"),
        req.kind,
      ).toBe(true);
      expect(
        f.signers.map((s) => s.keyFingerprint),
        req.kind,
      ).toEqual([fingerprint(key.spki)]);
    }
  });

  it("never throws: unknown kinds and non-JSON bytes say what they are", () => {
    expect(entryFacts(enc('{"kind":"helm","apiVersion":"0.0.1","spec":{}}')).known).toBe(false);
    expect(entryFacts(enc('{"kind":"helm","apiVersion":"0.0.1","spec":{}}')).problem).toMatch(
      /helm 0.0.1 is not a type this page reads/,
    );
    expect(entryFacts(Uint8Array.of(0xff, 0x00)).problem).toBe("the entry is not JSON");
    const broken = entryFacts(
      enc(
        '{"kind":"hashedrekord","apiVersion":"0.0.2","spec":{"hashedRekordV002":{"signature":{"verifier":{"x509Certificate":{"rawBytes":"AAAA"}}}}}}',
      ),
    );
    expect(broken.signers[0]!.problem).toMatch(/certificate could not be read/);
  });
});

describe("readCertificate agrees with other parsers", () => {
  it("serial and SAN as @peculiar/asn1-x509 reads them", () => {
    const cert = fulcioCertificate(p256Key(), { email: "dave@example.com", uri: "https://ci.example/job" });
    const parsed = AsnConvert.parse(cert, Certificate);
    const mine = readCertificate(cert);
    expect(mine.display!.serial).toBe(toHex(new Uint8Array(parsed.tbsCertificate.serialNumber)));
    const san = AsnConvert.parse(
      parsed.tbsCertificate.extensions!.find((e) => e.extnID === id_ce_subjectAltName)!.extnValue,
      GeneralNames,
    );
    expect(sanValues(mine, "email")).toEqual(san.filter((n) => n.rfc822Name).map((n) => n.rfc822Name));
    expect(sanValues(mine, "uri")).toEqual(
      san.filter((n) => n.uniformResourceIdentifier).map((n) => n.uniformResourceIdentifier),
    );
    expect(mine.display!.notAfter).toBe(parsed.tbsCertificate.validity.notAfter.getTime().getTime());
  });

  it("OpenSSL's certificates (test/fixtures/pki): subject, key algorithm", () => {
    expect(readCertificate(fixture("p256.cert.der")).display).toMatchObject({
      subject: "CN=edgelog pki fixture P-256",
      issuer: "CN=edgelog pki fixture P-256",
      keyAlgorithm: "ECDSA P-256",
    });
    expect(readCertificate(fixture("rsa2048.cert.der")).display!.keyAlgorithm).toBe("RSA");
    expect(readCertificate(fixture("ed25519.cert.der")).display!.keyAlgorithm).toBe("Ed25519");
    expect(readCertificate(fixture("p256.cert.der")).keyFingerprint).toBe(fingerprint(fixture("p256.spki.der")));
    expect(readCertificate(fixture("p256.cert.der")).spki).toEqual(fixture("p256.spki.der"));
  });
});

describe("search input", () => {
  it("guesses what a query is", () => {
    expect(guessSearch("42")).toBe("index");
    expect(guessSearch(`sha256:${"ab".repeat(32)}`)).toBe("digest");
    expect(guessSearch("ab".repeat(40))).toBe("uuid");
    expect(guessSearch("ab".repeat(32))).toBe("uuid");
    expect(guessSearch(`key:sha256:${"ab".repeat(32)}`)).toBe("key");
    expect(guessSearch(" alice@example.com ")).toBe("email");
    expect(guessSearch("https://github.com/alice/tool/.github/workflows/x.yml@refs/heads/main")).toBe("subject");
    expect(guessSearch("hello world")).toBeNull();
  });

  it("normalizes or refuses with a reason", () => {
    expect(normalizeQuery("digest", "AB".repeat(32))).toBe(`sha256:${"ab".repeat(32)}`);
    expect(normalizeQuery("email", " Alice@Example.com")).toBe("alice@example.com");
    expect(() => normalizeQuery("digest", "sha256:abc")).toThrow(/sha256:<64 hex>/);
    expect(() => normalizeQuery("index", "-1")).toThrow(/whole number/);
    expect(() => normalizeQuery("uuid", "xyz")).toThrow(/80 hex/);
    expect(() => normalizeQuery("email", "  ")).toThrow(/enter something/);
  });
});
