// OpenPGP keys and detached signatures made by GnuPG (test/fixtures/rekord): parsed, verified, canonicalized as
// Rekor does; fingerprints and e-mails compared with what gpg itself printed.
import { describe, expect, it } from "vitest";
import { SignatureError } from "../../src/pki/errors.ts";
import { parsePgpPublicKey, parsePgpSignature, verifyPgpSignature } from "../../src/pki/pgp.ts";
import { dearmor, goArmor, pgpKeyFacts, readPackets } from "../../src/pki/pgp-packets.ts";
import { bytesEqual, toHex, utf8Decode } from "../../src/tlog/encoding.ts";
import { fixture, fixtureText } from "../fixtures/rekord/index.ts";

const KINDS = ["rsa", "ed25519", "p256"] as const;

describe("OpenPGP (GnuPG fixtures)", () => {
  for (const k of KINDS) {
    it(`${k}: armored and binary keys and signatures verify; canonical forms agree`, async () => {
      const armoredKey = await parsePgpPublicKey(fixture(`pgp-${k}.pub.asc`));
      const binaryKey = await parsePgpPublicKey(fixture(`pgp-${k}.pub.gpg`));
      // Both spellings of the key canonicalize to the same Go-armored block of the same packets gpg exported.
      expect(utf8Decode(armoredKey.canonical)).toBe(utf8Decode(binaryKey.canonical));
      // The packets gpg exported, same bodies, re-framed with new-format headers as Go writes them (gpg uses old ones).
      const canonical = dearmor(utf8Decode(armoredKey.canonical), "publicKey").data;
      const exported = readPackets(fixture(`pgp-${k}.pub.gpg`), "publicKey");
      expect(readPackets(canonical, "publicKey").map((p) => [p.tag, toHex(p.body)])).toEqual(
        exported.map((p) => [p.tag, toHex(p.body)]),
      );
      expect(canonical[0]).toBe(0xc0 | 6);
      for (const sigName of [`pgp-${k}.sig`, `pgp-${k}.sig.asc`] as const) {
        const sig = await parsePgpSignature(fixture(sigName));
        await verifyPgpSignature(sig, armoredKey, fixture("artifact.txt"));
        const tampered = fixture("artifact.txt");
        tampered[0] = tampered[0]! ^ 1;
        await expect(verifyPgpSignature(sig, armoredKey, tampered)).rejects.toThrow(SignatureError);
      }
      // Armored signatures are kept as sent; binary ones are armored as Go does.
      expect(utf8Decode((await parsePgpSignature(fixture(`pgp-${k}.sig.asc`))).canonical)).toBe(
        fixtureText(`pgp-${k}.sig.asc`),
      );
      const binSig = await parsePgpSignature(fixture(`pgp-${k}.sig`));
      expect(bytesEqual(dearmor(utf8Decode(binSig.canonical), "signature").data, fixture(`pgp-${k}.sig`))).toBe(true);
      // Fingerprint as gpg printed it; the e-mail of the user ID.
      const facts = pgpKeyFacts(armoredKey.canonical);
      expect(facts.primary).toEqual([fixtureText(`pgp-${k}.fingerprint`)]);
      expect(facts.emails).toHaveLength(1);
      expect(facts.emails[0]!.toLowerCase()).toMatch(/^fixture\.[a-z0-9]+@example\.com$/);
      expect(pgpKeyFacts(fixture(`pgp-${k}.pub.gpg`))).toEqual(facts);
    });
  }

  it("refuses a signature by another key, a secret key block, and garbage", async () => {
    const rsa = await parsePgpPublicKey(fixture("pgp-rsa.pub.asc"));
    await expect(
      verifyPgpSignature(await parsePgpSignature(fixture("pgp-ed25519.sig")), rsa, fixture("artifact.txt")),
    ).rejects.toThrow(/signature/);
    await expect(parsePgpPublicKey(fixture("pgp-throwaway.secret-key.asc"))).rejects.toThrow(/private key/);
    await expect(parsePgpPublicKey(new TextEncoder().encode("not a key"))).rejects.toThrow(/publicKey/);
    await expect(parsePgpSignature(fixture("pgp-rsa.pub.gpg"))).rejects.toThrow(/signature/);
    await expect(
      parsePgpSignature(new TextEncoder().encode(fixtureText("pgp-rsa.sig.asc") + "trailing junk\n")),
    ).rejects.toThrow(/after the END/);
  });

  it("writes Go's armor: 64-column lines, CRC-24, no newline after END", () => {
    const data = new Uint8Array(100).map((_, i) => i);
    const text = goArmor("PGP SIGNATURE", data);
    const lines = text.split("\n");
    expect(lines[0]).toBe("-----BEGIN PGP SIGNATURE-----");
    expect(lines[1]).toBe("");
    expect(lines[2]).toHaveLength(64);
    expect(lines.at(-2)).toMatch(/^=[A-Za-z0-9+/]{4}$/);
    expect(lines.at(-1)).toBe("-----END PGP SIGNATURE-----");
    expect(bytesEqual(dearmor(text, "signature").data, data)).toBe(true);
    // gpg's own armor (with a different layout) carries a CRC-24 our decoder checks: a flipped checksum fails.
    const asc = fixtureText("pgp-rsa.sig.asc");
    const bad = asc.replace(/\n=(.)/, (_m, c: string) => `\n=${c === "A" ? "B" : "A"}`);
    expect(() => dearmor(bad, "signature")).toThrow(/CRC-24/);
  });
});
