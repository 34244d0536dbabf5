// The two Ed25519 implementations behind src/tlog/ed25519.ts agree: @noble (sync) and workerd's WebCrypto
// (async), on RFC 8032 §7.1's vectors and golang/mod sumdb/note's TestSign/TestOpen note, in both directions
// (sign, verify) and on refusals. Expected values come from those documents, not from our code.
import { describe, expect, it } from "vitest";
import { ed25519SignNative, ed25519Verify, ed25519VerifyNative, usesNativeEd25519 } from "../../src/tlog/ed25519.ts";
import { fromHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { newSigner, newVerifier, openNote, openNoteAsync, signNote, signNoteAsync } from "../../src/tlog/note.ts";
import { ENOCH_SIG_LINE, PETER_NOTE, PETER_SKEY, PETER_VKEY, TEXT } from "../fixtures/golang-mod/index.ts";

// RFC 8032 §7.1, -----TEST 1, 2, 3 (secret key, public key, message, signature)
const RFC8032 = [
  {
    name: "TEST 1",
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    pub: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    msg: "",
    sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    name: "TEST 2",
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    pub: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    msg: "72",
    sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    name: "TEST 3",
    seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    pub: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    msg: "af82",
    sig: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];

describe("Ed25519: @noble and WebCrypto agree (RFC 8032 §7.1)", () => {
  for (const v of RFC8032) {
    const [seed, pub, msg, sig] = [fromHex(v.seed), fromHex(v.pub), fromHex(v.msg), fromHex(v.sig)];
    it(`${v.name}: both sign the published signature, both verify it`, async () => {
      expect(await ed25519SignNative(msg, seed)).toEqual(sig);
      expect(ed25519Verify(sig, msg, pub)).toBe(true);
      expect(await ed25519VerifyNative(sig, msg, pub)).toBe(true);
    });
    it(`${v.name}: both refuse it over another message, with a flipped bit, or under another key`, async () => {
      const other = Uint8Array.of(...msg, 0);
      const flipped = sig.slice();
      flipped[7]! ^= 1;
      const otherKey = fromHex(RFC8032[(RFC8032.indexOf(v) + 1) % RFC8032.length]!.pub);
      for (const [s, m, k] of [
        [sig, other, pub],
        [flipped, msg, pub],
        [sig, msg, otherKey],
      ] as const) {
        expect(ed25519Verify(s, m, k)).toBe(false);
        expect(await ed25519VerifyNative(s, m, k)).toBe(false);
      }
    });
  }

  it("workerd has WebCrypto Ed25519: the async calls above ran natively, not on the fallback", () => {
    expect(usesNativeEd25519()).toBe(true);
  });

  it("both refuse malformed lengths instead of throwing", async () => {
    const v = RFC8032[0]!;
    for (const [s, k] of [
      [fromHex(v.sig).slice(1), fromHex(v.pub)],
      [fromHex(v.sig), fromHex(v.pub).slice(1)],
    ] as const) {
      expect(ed25519Verify(s, new Uint8Array(0), k)).toBe(false);
      expect(await ed25519VerifyNative(s, new Uint8Array(0), k)).toBe(false);
    }
  });
});

describe("signed notes through both implementations (golang/mod sumdb/note TestSign/TestOpen)", () => {
  it("signAsync makes TestSign's note byte for byte, as sign does", async () => {
    const signer = newSigner(PETER_SKEY);
    expect(signNote(TEXT, [signer])).toBe(PETER_NOTE);
    expect(await signer.signAsync!(utf8Encode(TEXT))).toEqual(signer.sign(utf8Encode(TEXT)));
    expect(await signNoteAsync(TEXT, [signer])).toBe(PETER_NOTE);
  });

  it("openNoteAsync opens what openNote opens, and refuses what it refuses", async () => {
    const v = newVerifier(PETER_VKEY);
    const withOther = PETER_NOTE + ENOCH_SIG_LINE;
    expect(await openNoteAsync(withOther, [v])).toEqual(openNote(withOther, [v]));
    const forged = PETER_NOTE.replace("cryptography", "cryptographx");
    expect(() => openNote(forged, [v])).toThrow(/invalid signature by PeterNeumann/);
    await expect(openNoteAsync(forged, [v])).rejects.toThrow(/invalid signature by PeterNeumann/);
    await expect(openNoteAsync(TEXT + "\n" + ENOCH_SIG_LINE, [v])).rejects.toThrow(/no signature by a known key/);
  });
});
