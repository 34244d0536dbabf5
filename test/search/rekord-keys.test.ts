// Index keys of rekord 0.0.1 leaves and of public keys by format: tool-made fixtures (test/fixtures/rekord), keys
// compared with what the tools printed; unreadable parts cost only their own keys.
import { describe, expect, it } from "vitest";
import { canonicalize } from "../../src/rekor/jcs.ts";
import { indexKeysOf } from "../../src/search/index-keys.ts";
import { publicKeyIndexKey, publicKeyIndexKeys } from "../../src/search/rekord-keys.ts";
import { fromBase64, toBase64, utf8Encode } from "../../src/tlog/encoding.ts";
import { fixture, fixtureText } from "../fixtures/rekord/index.ts";

const leaf = (format: string, keyContent: string) =>
  utf8Encode(
    canonicalize({
      apiVersion: "0.0.1",
      kind: "rekord",
      spec: {
        data: { hash: { algorithm: "sha256", value: "ab".repeat(32) } },
        signature: { content: "AA==", format, publicKey: { content: keyContent } },
      },
    }),
  );

describe("rekord index keys", () => {
  it("names each public key as its tool does", () => {
    expect(publicKeyIndexKey("pgp", fixture("pgp-rsa.pub.gpg"))).toBe(`key:pgp:${fixtureText("pgp-rsa.fingerprint")}`);
    expect(publicKeyIndexKeys("pgp", fixture("pgp-rsa.pub.asc"))).toEqual([
      `key:pgp:${fixtureText("pgp-rsa.fingerprint")}`,
      "email:fixture.rsa@example.com",
    ]);
    expect(publicKeyIndexKey("minisign", fixture("minisign-b.pub"))).toBe(
      `key:minisign:${fixtureText("minisign-b.keyid")}`,
    );
    expect(publicKeyIndexKey("ssh", fixture("ssh-p521.pub"))).toBe(`key:ssh:${fixtureText("ssh-p521.fingerprint")}`);
    expect(publicKeyIndexKey("x509", fixture("x509-rsa.cert.pem"))).toBe(
      `key:sha256:${fixtureText("x509-rsa.spki-sha256")}`,
    );
    expect(publicKeyIndexKeys("x509", fixture("x509-rsa.cert.pem"))).toContain("email:x509.rsa@example.com");
    // DER works as well as PEM (the retrieve API takes both).
    const der = fromBase64(fixtureText("x509-p256.pub.pem").replace(/-----[A-Z ]+-----|\s/g, ""));
    expect(publicKeyIndexKey("x509", der)).toBe(`key:sha256:${fixtureText("x509-p256.spki-sha256")}`);
  });

  it("keeps the digest when the key cannot be read, and never throws", () => {
    expect(indexKeysOf(leaf("pgp", toBase64(utf8Encode("garbage"))))).toEqual([`sha256:${"ab".repeat(32)}`]);
    expect(indexKeysOf(leaf("tuf", toBase64(fixture("ssh-p256.pub"))))).toEqual([`sha256:${"ab".repeat(32)}`]);
    expect(indexKeysOf(leaf("ssh", "not base64!"))).toEqual([`sha256:${"ab".repeat(32)}`]);
    expect(indexKeysOf(leaf("ssh", toBase64(fixture("ssh-p256.pub"))))).toEqual([
      `sha256:${"ab".repeat(32)}`,
      `key:ssh:${fixtureText("ssh-p256.fingerprint")}`,
    ]);
  });

  it("a bare 32-byte minisign key (Rekor's legacy form) has no key id to search by", () => {
    const raw = fromBase64(fixtureText("minisign-a.pub").split("\n")[1]!).slice(10);
    expect(publicKeyIndexKeys("minisign", raw)).toEqual([]);
    expect(() => publicKeyIndexKey("minisign", raw)).toThrow(/no identifier/);
  });
});
