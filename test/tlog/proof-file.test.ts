// C2SP tlog-proof@v1: writing and strict parsing, every malformation named by its line. The checkpoint is Tessera's
// testdata log at size 3 (transparency-dev/tessera testdata/log, byte for byte in core-smoke.test.ts).
import { describe, expect, it } from "vitest";
import { utf8Encode, toBase64 } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { checkInclusion, memoryHashReader, proveInclusion } from "../../src/tlog/proof.ts";
import {
  formatTlogProof,
  inclusionProofLength,
  parseTlogProof,
  TlogProofFormatError,
} from "../../src/tlog/proof-file.ts";

const TESSERA_CHECKPOINT =
  "example.com/log/testdata\n3\nWqx3HImawpLnS/Gv4ubjAvi1WIOy0b8Ze0amvqbavKk=\n\n— example.com/log/testdata M9e0lvAQRtH832pk2RTbeSeZMkp4FZSdJYFBUjO5SKxuRbywPUF3cx+HUrb50kjd3rUWW/fj53Wj1dwcwh9bGQnqVAg=\n";
const COSIGNATURE_LINE = "— witness.example/w1 AAAAAAAAAABn+Vu9" + "A".repeat(88) + "\n";
const leaves = ["one", "two", "three"].map((e) => hashLeaf(utf8Encode(e)));

async function tesseraProof(index: number, extra?: Uint8Array) {
  return formatTlogProof({
    index,
    proof: await proveInclusion(index, 3, memoryHashReader(leaves)),
    checkpoint: TESSERA_CHECKPOINT,
    ...(extra ? { extra } : {}),
  });
}

function lineOf(text: string): number {
  try {
    parseTlogProof(text);
  } catch (e) {
    expect(e).toBeInstanceOf(TlogProofFormatError);
    return (e as TlogProofFormatError).line;
  }
  throw new Error("parsed");
}

describe("tlog-proof@v1", () => {
  it("writes the spec's layout and reads it back; the proof takes the leaf to the signed root", async () => {
    const text = await tesseraProof(1, utf8Encode("two"));
    const lines = text.split("\n");
    expect(lines[0]).toBe("c2sp.org/tlog-proof@v1");
    expect(lines[1]).toBe(`extra ${toBase64(utf8Encode("two"))}`);
    expect(lines[2]).toBe("index 1");
    expect(lines.slice(3, 5)).toEqual([toBase64(leaves[0]!), toBase64(leaves[2]!)]);
    expect(lines[5]).toBe("");
    expect(lines.slice(6).join("\n")).toBe(TESSERA_CHECKPOINT);
    const p = parseTlogProof(text);
    expect(p.index).toBe(1);
    expect(p.extra).toEqual(utf8Encode("two"));
    expect(p.checkpoint).toBe(TESSERA_CHECKPOINT);
    expect(p.tree.size).toBe(3);
    expect(() => checkInclusion(p.proof, 1, 3, hashLeaf(p.extra!), p.tree.root)).not.toThrow();
  });

  it("has no extra line when there is none, keeps every cosignature line, and takes zero proof lines for a tree of one", async () => {
    const cosigned = TESSERA_CHECKPOINT + COSIGNATURE_LINE;
    const text = formatTlogProof({
      index: 2,
      proof: await proveInclusion(2, 3, memoryHashReader(leaves)),
      checkpoint: cosigned,
    });
    expect(text.split("\n")[1]).toBe("index 2");
    expect(parseTlogProof(text).note.sigs.map((s) => s.name)).toEqual([
      "example.com/log/testdata",
      "witness.example/w1",
    ]);
    const one = "example.com/one\n1\n" + toBase64(leaves[0]!) + "\n\n— example.com/one AAAAAQE=\n";
    expect(parseTlogProof(`c2sp.org/tlog-proof@v1\nindex 0\n\n${one}`).proof).toEqual([]);
  });

  it("knows the RFC 6962 audit path length", () => {
    expect(inclusionProofLength(0, 1)).toBe(0);
    expect(inclusionProofLength(2, 3)).toBe(1);
    expect(inclusionProofLength(0, 3)).toBe(2);
    expect(inclusionProofLength(5, 8)).toBe(3);
    expect(inclusionProofLength(6, 7)).toBe(2);
  });

  it("names the line of every malformation", async () => {
    const good = await tesseraProof(0, utf8Encode("one"));
    const [header, extra, index, h1, h2, blank, ...cp] = good.split("\n");
    const make = (...ls: string[]) => ls.join("\n");
    expect(lineOf(make("c2sp.org/tlog-proof@v2", extra!, index!, h1!, h2!, blank!, ...cp))).toBe(1);
    expect(lineOf(make(header!, "extra", index!, h1!, h2!, blank!, ...cp))).toBe(2);
    expect(lineOf(make(header!, "extra Zm9v", index!, h1!, h2!, blank!, ...cp).replace("Zm9v", "Zm9"))).toBe(2);
    expect(lineOf(make(header!, "extras Zm9v", index!, h1!, h2!, blank!, ...cp))).toBe(2);
    expect(lineOf(make(header!, extra!, "index 00", h1!, h2!, blank!, ...cp))).toBe(3);
    expect(lineOf(make(header!, extra!, "index -1", h1!, h2!, blank!, ...cp))).toBe(3);
    expect(lineOf(make(header!, extra!, "Index 0", h1!, h2!, blank!, ...cp))).toBe(3);
    expect(lineOf(make(header!, index!, extra!, h1!, h2!, blank!, ...cp))).toBe(3); // extra after index
    expect(lineOf(make(header!, extra!, index!, h1!, "AAAA", blank!, ...cp))).toBe(5); // a 3-byte hash
    expect(lineOf(make(header!, extra!, index!, h1!, h2!.replace(/=$/, ""), blank!, ...cp))).toBe(5); // not padded base64
    expect(lineOf(make(header!, extra!, index!, h1!, blank!, ...cp))).toBe(5); // one hash short: the missing one's line
    expect(lineOf(make(header!, extra!, index!, h1!, h2!, h1!, blank!, ...cp))).toBe(6); // one too many
    expect(lineOf(make(header!, extra!, "index 3", h1!, h2!, blank!, ...cp))).toBe(3); // index beyond the tree
    expect(lineOf(make(header!, extra!, index!, h1!, h2!))).toBe(6); // no blank line, no checkpoint
    expect(lineOf(make(header!, extra!, index!, h1!, h2!, blank!, ""))).toBe(7);
    expect(lineOf(good.replace("\n3\n", "\n03\n"))).toBe(8); // the checkpoint's size line
    expect(lineOf(good.replace("Wqx3HImawpLnS", "Wqx3HImawpLn"))).toBe(9); // its root line
    expect(lineOf(good.replace("— example.com/log/testdata M9e0", "- example.com/log/testdata M9e0"))).toBe(11); // a signature line
    expect(lineOf(good.slice(0, -1))).toBe(11); // the last line has no newline
    expect(lineOf(good.replace("\n", "\r\n"))).toBe(1);
    expect(lineOf(good.replace("index 0\n", "index 0\r\n"))).toBe(3);
  });

  it("refuses more than 63 proof hashes and oversized files before reading them", () => {
    const h = toBase64(new Uint8Array(32));
    const text = ["c2sp.org/tlog-proof@v1", "index 0", ...Array(64).fill(h), "", TESSERA_CHECKPOINT].join("\n");
    expect(lineOf(text)).toBe(66);
    expect(() => parseTlogProof("c2sp.org/tlog-proof@v1\n" + "x".repeat(3 << 20))).toThrow(/larger than/);
  });

  it("formatting refuses what parsing would", () => {
    expect(() => formatTlogProof({ index: 5, proof: [], checkpoint: TESSERA_CHECKPOINT })).toThrow(
      TlogProofFormatError,
    );
  });
});
