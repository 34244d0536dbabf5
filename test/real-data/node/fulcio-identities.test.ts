// The identities edgelog indexes for search (email:, subject:, issuer:, repository:) from real Fulcio certificates
// (public-good and staging, in ../shared/fixtures/real-sigstore bundles), against what others say the certificate
// holds: OpenSSL's reading of the SAN and of the Fulcio extensions, by Fulcio's OID definitions
// (github.com/sigstore/fulcio docs/oid-info.md: 1.3.6.1.4.1.57264.1.8 issuer and 1.12 source repository URI are DER
// UTF8Strings, the deprecated 1.1 issuer is the raw string), and, for sigstore-conformance's cases, the identity and
// issuer its README says every default case was signed with.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexKeysOf } from "../../../src/search/index-keys.ts";
import { b64, conformanceCases, exists, readJson } from "../fixtures.ts";

const CONFORMANCE_IDENTITY =
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const CONFORMANCE_ISSUER = "https://token.actions.githubusercontent.com";
const tmp = mkdtempSync(join(tmpdir(), "edgelog-fulcio-"));

/** What OpenSSL reads in the certificate: SAN emails and URIs, and the Fulcio extensions' values. */
function openssl(der: Uint8Array): { emails: string[]; uris: string[]; ext: Record<string, string> } {
  const file = join(tmp, "cert.der");
  writeFileSync(file, der);
  const r = spawnSync("openssl", ["x509", "-inform", "DER", "-in", file, "-noout", "-text"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const lines = r.stdout.split("\n");
  const san = lines[lines.findIndex((l) => l.includes("X509v3 Subject Alternative Name")) + 1] ?? "";
  const names = san.split(",").map((s) => s.trim());
  const ext: Record<string, string> = {};
  for (const oid of ["1.3.6.1.4.1.57264.1.1", "1.3.6.1.4.1.57264.1.8", "1.3.6.1.4.1.57264.1.12"]) {
    const i = lines.findIndex((l) => l.trim() === `${oid}:`);
    if (i >= 0) ext[oid] = lines[i + 1]!.trim();
  }
  return {
    emails: names.filter((n) => n.startsWith("email:")).map((n) => n.slice(6)),
    uris: names.filter((n) => n.startsWith("URI:")).map((n) => n.slice(4)),
    ext,
  };
}

/**
 * A DER UTF8String as OpenSSL prints an unknown extension: its 2-byte header (tag 0x0c, shown as ".", then the length
 * byte, shown as its character when printable), then the text.
 */
function utf8String(printed: string | undefined): string | undefined {
  if (printed === undefined) return undefined;
  const value = printed.slice(2);
  expect(printed[0]).toBe(".");
  if (printed[1] !== ".") expect(printed.charCodeAt(1), printed).toBe(value.length);
  return value;
}

function bundles(): { name: string; bundle: any; conformanceDefault: boolean }[] {
  const out = [];
  for (const c of conformanceCases()) {
    // intoto-*: a localhost test log and CA, not real Fulcio output (SOURCES.md).
    if (c.endsWith("_fail") || c.startsWith("intoto-") || !exists(`conformance/${c}/bundle.sigstore.json`)) continue;
    out.push({
      name: `conformance/${c}`,
      bundle: readJson(`conformance/${c}/bundle.sigstore.json`),
      conformanceDefault: !exists(`conformance/${c}/identity`) && !exists(`conformance/${c}/key.pub`),
    });
  }
  for (const f of [
    "sigstore-java/bundles/bundle.v3.sigstore",
    "sigstore-java/bundles/bundle.dsse.sigstore",
    "sigstore-java/bundles/bundle-with-rekor-v2-entry.sigstore",
    "sigstore-js/bundleV03-dsse.sigstore",
    "sigstore-python/staging-rekor-v2.txt.sigstore.json",
    "sigstore-go/bundle-provenance.json",
  ]) {
    out.push({ name: f, bundle: readJson(f), conformanceDefault: false });
  }
  return out;
}

describe("Fulcio identities indexed from real logged entries", () => {
  const all = bundles();
  it("covers public-good and staging certificates, email and workflow identities", () => {
    expect(all.length).toBeGreaterThan(20);
  });
  for (const { name, bundle, conformanceDefault } of all) {
    const vm = bundle.verificationMaterial;
    const raw = vm.certificate?.rawBytes ?? vm.x509CertificateChain?.certificates?.[0]?.rawBytes;
    if (raw === undefined) continue;
    it(name, () => {
      const cert = b64(raw);
      const seen = openssl(cert);
      const issuer = utf8String(seen.ext["1.3.6.1.4.1.57264.1.8"]) ?? seen.ext["1.3.6.1.4.1.57264.1.1"];
      const repository = utf8String(seen.ext["1.3.6.1.4.1.57264.1.12"]);
      const expected = [
        ...seen.emails.map((e) => `email:${e.toLowerCase()}`),
        ...[...seen.emails, ...seen.uris].map((s) => `subject:${s}`),
        ...(issuer ? [`issuer:${issuer}`] : []),
        ...(repository ? [`repository:${repository}`] : []),
      ];
      // The logged body is what the index reads.
      const leaf = b64(bundle.verificationMaterial.tlogEntries[0].canonicalizedBody);
      const identities = indexKeysOf(leaf).filter((k) => /^(email|subject|issuer|repository):/.test(k));
      expect(identities.sort()).toEqual([...new Set(expected)].sort());
      if (conformanceDefault) {
        expect(identities).toContain(`subject:${CONFORMANCE_IDENTITY}`);
        expect(identities).toContain(`issuer:${CONFORMANCE_ISSUER}`);
        expect(identities).toContain(
          "repository:https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon",
        );
      }
    });
  }
});
