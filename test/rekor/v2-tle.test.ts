// A TransparencyLogEntry's inclusion proof names the tree of the checkpoint it carries: the last checkpoint parsed is
// kept (a round's answers share one), so entries made against different checkpoints, in any order, must each carry
// their own checkpoint's size and root.
import { describe, expect, it } from "vitest";
import { transparencyLogEntry } from "../../src/rekor/v2/tle.ts";
import { toBase64, utf8Encode } from "../../src/tlog/encoding.ts";
import { generateKey, newSigner, signNote } from "../../src/tlog/note.ts";

const signer = newSigner(generateKey("example.com/tle-test").skey);
const root = (b: number) => new Uint8Array(32).fill(b);
const note = (size: number, b: number) => signNote(`example.com/tle-test\n${size}\n${toBase64(root(b))}\n`, [signer]);

const entry = (checkpoint: string, index: number) =>
  transparencyLogEntry({
    index,
    logId: new Uint8Array(32),
    kind: "hashedrekord",
    version: "0.0.2",
    body: utf8Encode("{}"),
    checkpoint,
    inclusionProof: [],
  });

describe("transparencyLogEntry", () => {
  it("carries each checkpoint's own size and root, whatever was made before it", () => {
    const a = note(5, 1);
    const b = note(9, 2);
    for (const [cp, size, b64] of [
      [a, "5", toBase64(root(1))],
      [b, "9", toBase64(root(2))],
      [a, "5", toBase64(root(1))],
      [a, "5", toBase64(root(1))],
      [b, "9", toBase64(root(2))],
    ] as const) {
      const tle = entry(cp, 3);
      expect(tle.inclusionProof.treeSize).toBe(size);
      expect(tle.inclusionProof.rootHash).toBe(b64);
      expect(tle.inclusionProof.checkpoint.envelope).toBe(cp);
    }
  });

  it("a malformed checkpoint still throws after a good one was parsed", () => {
    entry(note(5, 1), 0);
    expect(() => entry("not a checkpoint", 0)).toThrow();
  });
});
