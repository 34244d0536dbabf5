// The witness protocol against what others wrote: the C2SP specs' own examples (C2SP/C2SP @ 5ba5ee83,
// tlog-cosignature.md and tlog-witness.md, copied below verbatim), and the log's witness client against a witness
// that answers as the spec allows and ours never does: several cosignature lines (one per key the witness has, of
// types the log does not know, such as ML-DSA-44, and for other names), in any order, with lines that are not
// signature lines at all. No published test vector has a known witness key (the spec's keys are not published), so
// the spec's cosignature is checked for its layout, not its signature.
import { describe, expect, it } from "vitest";
import { requestCosignature, type WitnessCall, type WitnessSizes } from "../../src/witnessing/cosign.ts";
import { formatCheckpoint } from "../../src/tlog/checkpoint.ts";
import {
  cosignatureKeyId,
  generateCosignatureKey,
  newCosignatureSigner,
  newCosignatureVerifier,
} from "../../src/tlog/cosignature.ts";
import { fromBase64, toBase64, utf8Encode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { generateKey, newSigner, parseNote, signNote } from "../../src/tlog/note.ts";
import { memoryHashReader } from "../../src/tlog/proof.ts";
import { naiveRoot } from "../../src/tlog/tree.ts";
import type { LogWitness } from "../../src/witnessing/policy.ts";
import { parseAddCheckpoint } from "../../src/witness/protocol.ts";

/** tlog-cosignature.md, "Below is an example of a checkpoint that contains a cosignature." */
const SPEC_COSIGNED_CHECKPOINT =
  "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n" +
  "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n" +
  "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";

/** tlog-witness.md add-checkpoint, "Example response body:" (keys unpublished; two keys of w1, one of w2). */
const SPEC_RESPONSE_BODY =
  "— witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n" +
  "— witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==\n" +
  "— witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==\n";

describe("the C2SP examples", () => {
  it("tlog-cosignature: the example's witness line is a key ID, then the 8-byte timestamp the spec's message shows, then an Ed25519 signature", () => {
    const { text, sigs } = parseNote(SPEC_COSIGNED_CHECKPOINT);
    expect(text).toBe("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
    expect(sigs.map((s) => s.name)).toEqual(["example.com/behind-the-sofa", "witness.example.com/w1"]);
    const w = sigs[1]!;
    expect(w.keyId).toBe(0x8d66cf3f); // "jWbPPw…"
    expect(w.sig.length).toBe(8 + 64); // timestamped_signature: u64 timestamp, ed25519_signature[64]
    // The spec's example message for this checkpoint is "cosignature/v1\ntime 1679315147\n…".
    expect(new DataView(w.sig.buffer, w.sig.byteOffset).getBigUint64(0)).toBe(1679315147n);
  });

  it("tlog-witness: the example response body parses as three signature lines, two names", () => {
    const { sigs } = parseNote(`x\n\n${SPEC_RESPONSE_BODY}`);
    expect(sigs.map((s) => s.name)).toEqual(["witness.example/w1", "witness.example/w1", "witness.example/w2"]);
  });
});

const ORIGIN = "example.com/foreign-witness";
const logKey = generateKey(ORIGIN);
const leaves = Array.from({ length: 12 }, (_, i) => hashLeaf(utf8Encode(`leaf ${i}`)));
const note = (size: number) =>
  signNote(formatCheckpoint({ origin: ORIGIN, size, root: naiveRoot(leaves.slice(0, size)), extensions: [] }), [
    newSigner(logKey.skey),
  ]);
const sizes = (): WitnessSizes => ({ knownSize: () => 0, setKnownSize: () => undefined });

/** An ML-DSA-44-shaped cosignature line (C2SP type 0x06: 4-byte ID, u64 timestamp, 2420-byte signature) of `name`. */
function mlDsaLine(name: string): string {
  const fakeKey = new Uint8Array(1312).fill(7);
  const id = cosignatureKeyId(name, fakeKey);
  const raw = new Uint8Array(4 + 8 + 2420);
  new DataView(raw.buffer).setUint32(0, id);
  new DataView(raw.buffer).setBigUint64(4, 1_700_000_000n);
  return `— ${name} ${toBase64(raw)}\n`;
}

/** A witness named witness.example/w1 whose 200 answer is `answer(ourLine)`. */
function witness(answer: (ours: string) => string) {
  const name = "witness.example/w1";
  const k = generateCosignatureKey(name);
  const w: LogWitness = {
    name,
    vkey: k.vkey,
    verifier: newCosignatureVerifier(k.vkey),
    target: { kind: "url", url: "https://witness.example/w1" },
  };
  const signer = newCosignatureSigner(k.skey);
  const call: WitnessCall = async (_w, body) => ({
    status: 200,
    contentType: "text/plain; charset=utf-8",
    body: answer(signer.cosignLine(parseAddCheckpoint(body).text, 1_700_000_000)),
  });
  return { w, call };
}

describe("the log's witness client and a witness that answers as others may", () => {
  const cases: [string, (ours: string) => string][] = [
    [
      "its cosignature after the spec's example lines (other keys of its name, another name)",
      (ours) => SPEC_RESPONSE_BODY + ours,
    ],
    [
      "its cosignature first, then an ML-DSA-44 cosignature by the same name",
      (ours) => ours + mlDsaLine("witness.example/w1"),
    ],
    [
      "an ML-DSA-44 line, its cosignature, another witness's line",
      (ours) => mlDsaLine("witness.example/w1") + ours + mlDsaLine("witness.example/w2"),
    ],
    [
      "lines that are not signature lines around it (ignored)",
      (ours) => `# cosigned\n\n${ours}not a signature line\n— bad name with spaces AAAA\n`,
    ],
    ["its cosignature without the final newline", (ours) => ours.slice(0, -1)],
  ];
  for (const [what, answer] of cases) {
    it(what, async () => {
      const { w, call } = witness(answer);
      const out = await requestCosignature(w, note(10), memoryHashReader(leaves), sizes(), call);
      expect("line" in out, JSON.stringify(out)).toBe(true);
      if ("line" in out) {
        // The one line kept is the witness's own cosignature, in the spec's line form.
        expect(out.line).toMatch(/^— witness\.example\/w1 [A-Za-z0-9+/]+=*\n$/);
        expect(fromBase64(out.line.split(" ")[2]!.trim()).length).toBe(4 + 8 + 64);
      }
    });
  }

  it("an answer with only unknown cosignatures is no cosignature", async () => {
    const { w, call } = witness(() => SPEC_RESPONSE_BODY + mlDsaLine("witness.example/w1"));
    const out = await requestCosignature(w, note(10), memoryHashReader(leaves), sizes(), call);
    expect(out).toMatchObject({
      error: expect.stringMatching(/^no cosignature that verifies with witness\.example\/w1\+/),
    });
  });
});
