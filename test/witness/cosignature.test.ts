// C2SP tlog-cosignature v1: the deterministic vector of ../shared/reference/tiles-and-peers.md §1.5
// (computed there, not upstream: RFC 8032 TEST 1 key, name witness.example/w1, t=1679315147, over the
// tessera test log's size-15 checkpoint), the spec's message layout, and round trips.
import { describe, expect, it } from "vitest";
import {
  cosignatureMessage,
  generateCosignatureKey,
  newCosignatureSigner,
  newCosignatureVerifier,
  verifyCosignatures,
} from "../../src/tlog/cosignature.ts";
import { concatBytes, fromBase64, fromHex, toBase64 } from "../../src/tlog/encoding.ts";
import { generateKey, parseNote } from "../../src/tlog/note.ts";
import { CHECKPOINT_15 } from "../fixtures/tessera-testdata/index.ts";

const SEED = fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const VKEY = "witness.example/w1+eb762cc2+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
const LINE =
  "— witness.example/w1 63YswgAAAABkGFDL4K5yyNZQgOZFII39od4xuO7SSfdaPNP4QdOQU/z7quroZqtStjKU8fqJ0Mg6x5wiCE0TUVR12NEqxxQkjQlkBw==\n";
const T = 1679315147;
const TEXT = parseNote(CHECKPOINT_15).text;

describe("cosignature/v1", () => {
  it("reproduces the reference vector byte for byte", () => {
    const { skey, vkey } = generateCosignatureKey("witness.example/w1", SEED);
    expect(vkey).toBe(VKEY);
    const signer = newCosignatureSigner(skey);
    expect(signer.vkey).toBe(VKEY);
    expect(signer.keyId).toBe(0xeb762cc2);
    expect(signer.cosignLine(TEXT, T)).toBe(LINE);
  });

  it("verifies the reference vector and refuses a changed checkpoint or time", () => {
    const v = newCosignatureVerifier(VKEY);
    const note = parseNote(CHECKPOINT_15.trimEnd() + "\n" + LINE);
    const r = verifyCosignatures(TEXT, note.sigs, [v]);
    expect(r.valid).toEqual([{ name: "witness.example/w1", keyId: 0xeb762cc2, timestamp: T }]);
    expect(r.invalid).toEqual([]);
    const sig = note.sigs.find((s) => s.name === "witness.example/w1")!.sig;
    expect(v.verify(TEXT, sig)).toBe(T);
    expect(v.verify(TEXT.replace("\n15\n", "\n16\n"), sig)).toBeNull();
    const otherTime = sig.slice();
    otherTime[7]! ^= 1;
    expect(v.verify(TEXT, otherTime)).toBeNull();
    expect(v.verify(TEXT, sig.slice(0, 71))).toBeNull();
  });

  it("signs the spec's message layout", () => {
    const msg = new TextDecoder().decode(
      cosignatureMessage(
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        1679315147,
      ),
    );
    expect(msg).toBe(
      "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    );
  });

  it("round-trips with fresh keys; the line decodes to 76 bytes; another key does not verify", () => {
    const a = generateCosignatureKey("w.example/a");
    const b = generateCosignatureKey("w.example/a");
    const signer = newCosignatureSigner(a.skey);
    const line = signer.cosignLine(TEXT, 42);
    const raw = fromBase64(line.trim().split(" ")[2]!);
    expect(raw.length).toBe(76);
    const sig = new Uint8Array(raw.subarray(4));
    expect(newCosignatureVerifier(a.vkey).verify(TEXT, sig)).toBe(42);
    expect(newCosignatureVerifier(b.vkey).verify(TEXT, sig)).toBeNull();
  });

  it("makes each key's cosigner once (the key pair is derived once per isolate, not per request)", () => {
    const a = generateCosignatureKey("w.example/once");
    const first = newCosignatureSigner(a.skey);
    expect(newCosignatureSigner(a.skey)).toBe(first);
    expect(newCosignatureSigner(` ${a.skey}`.trim())).toBe(first);
    const b = generateCosignatureKey("w.example/other");
    expect(newCosignatureSigner(b.skey)).not.toBe(first);
    expect(newCosignatureSigner(b.skey).vkey).toBe(b.vkey);
  });

  it("refuses Ed25519 note keys (type 0x01) as cosigner keys, and mismatched key IDs", () => {
    const logKey = generateKey("w.example/a");
    expect(() => newCosignatureSigner(logKey.skey)).toThrow(/0x04/);
    expect(() => newCosignatureVerifier(logKey.vkey)).toThrow(/0x04/);
    expect(() => newCosignatureVerifier(VKEY.replace("eb762cc2", "eb762cc3"))).toThrow(/key ID/);
    const pub = fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    expect(() =>
      newCosignatureVerifier(`witness.example/w1+eb762cc2+${toBase64(concatBytes(new Uint8Array([1]), pub))}`),
    ).toThrow();
  });
});
