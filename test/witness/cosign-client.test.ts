// The log's side of C2SP tlog-witness (src/witnessing/cosign.ts) against an in-memory witness that makes
// the real witness's decisions (src/witness/protocol.ts decide) and cosigns with a real key; and every
// checkpoint parser reading a note that carries cosignature lines.
import { describe, expect, it } from "vitest";
import { TileReader } from "../../src/client/tile-reader.ts";
import {
  requestCosignature,
  withCosignatures,
  type WitnessCall,
  type WitnessSizes,
} from "../../src/witnessing/cosign.ts";
import { formatCheckpoint, parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import {
  generateCosignatureKey,
  newCosignatureSigner,
  newCosignatureVerifier,
  verifyCosignatures,
} from "../../src/tlog/cosignature.ts";
import { utf8Encode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { generateKey, newSigner, newVerifier, openNote, parseNote, signNote } from "../../src/tlog/note.ts";
import { memoryHashReader } from "../../src/tlog/proof.ts";
import { naiveRoot } from "../../src/tlog/tree.ts";
import type { LogWitness } from "../../src/witnessing/policy.ts";
import {
  decide,
  formatAddCheckpoint,
  parseAddCheckpoint,
  SIZE_CONTENT_TYPE,
  type WitnessedState,
} from "../../src/witness/protocol.ts";

const ORIGIN = "example.com/cosign-client";
const logKey = generateKey(ORIGIN);
const leaves = Array.from({ length: 40 }, (_, i) => hashLeaf(utf8Encode(`leaf ${i}`)));
const reader = memoryHashReader(leaves);
const note = (size: number) =>
  signNote(formatCheckpoint({ origin: ORIGIN, size, root: naiveRoot(leaves.slice(0, size)), extensions: [] }), [
    newSigner(logKey.skey),
  ]);

function witnessKey(name = "witness.example/w1") {
  const k = generateCosignatureKey(name);
  const w: LogWitness = {
    name,
    vkey: k.vkey,
    verifier: newCosignatureVerifier(k.vkey),
    target: { kind: "url", url: "https://witness.example/w1" },
  };
  return { k, w };
}

/** An in-memory witness: the real decision function, the real cosigner; `known` is what it last cosigned. */
function fakeWitness(skey: string, known: WitnessedState | null = null) {
  const s = { known, calls: [] as number[] };
  const signer = newCosignatureSigner(skey);
  const call: WitnessCall = async (_w, body) => {
    const req = parseAddCheckpoint(body);
    s.calls.push(req.oldSize);
    const t = decide(s.known, req.oldSize, req.proof, req.checkpoint.size, req.checkpoint.root);
    if (t.kind === "conflict") return { status: 409, contentType: SIZE_CONTENT_TYPE, body: `${t.size}\n` };
    if (t.kind !== "cosign")
      return { status: t.kind === "bad-request" ? 400 : 422, contentType: "text/plain", body: t.message + "\n" };
    if (t.persist) s.known = t.persist;
    return { status: 200, contentType: "text/plain", body: signer.cosignLine(req.text, 1_700_000_000) };
  };
  return { s, call };
}

function sizes(initial: number): WitnessSizes & { value: number } {
  const m = { value: initial, knownSize: () => m.value, setKnownSize: (_: string, n: number) => void (m.value = n) };
  return m;
}

const at = (size: number): WitnessedState => ({ size, root: naiveRoot(leaves.slice(0, size)) });

describe("requesting a cosignature", () => {
  it("from a fresh witness: old 0, a cosignature that verifies, the witness's size remembered", async () => {
    const { k, w } = witnessKey();
    const fake = fakeWitness(k.skey);
    const known = sizes(0);
    const o = await requestCosignature(w, note(10), reader, known, fake.call);
    expect("line" in o && o.line).toMatch(/^— witness\.example\/w1 /);
    expect(known.value).toBe(10);
    // Then 10 → 25 with a consistency proof the witness checks.
    const o2 = await requestCosignature(w, note(25), reader, known, fake.call);
    expect("line" in o2).toBe(true);
    expect(fake.s.calls).toEqual([0, 10]);
    const cosigned = parseNote(withCosignatures(note(25), ["line" in o2 ? o2.line : ""]));
    expect(verifyCosignatures(cosigned.text, cosigned.sigs, [w.verifier]).valid).toHaveLength(1);
  });

  it("409: retries from the size the witness reports, smaller or larger than the log believed", async () => {
    const { k, w } = witnessKey();
    for (const believed of [0, 3, 30]) {
      const fake = fakeWitness(k.skey, at(12));
      const known = sizes(believed);
      const o = await requestCosignature(w, note(20), reader, known, fake.call);
      expect("line" in o, JSON.stringify(o)).toBe(true);
      expect(fake.s.calls).toEqual([believed > 20 ? 0 : believed, 12]);
      expect(known.value).toBe(20);
    }
  });

  it("refuses what does not hold up: a witness ahead of the log, a 409 without a size, a cosignature by another key, garbage, 422, endless 409s, no answer", async () => {
    const { k, w } = witnessKey();
    const ahead = fakeWitness(k.skey, at(30));
    expect(await requestCosignature(w, note(20), reader, sizes(0), ahead.call)).toMatchObject({
      error: expect.stringMatching(/knows size 30.*split view/),
    });

    const noSize: WitnessCall = async () => ({ status: 409, contentType: "text/plain", body: "conflict\n" });
    expect(await requestCosignature(w, note(20), reader, sizes(0), noSize)).toMatchObject({
      error: expect.stringMatching(/409 without a size/),
    });

    const impostor = fakeWitness(generateCosignatureKey("witness.example/w1").skey);
    expect(await requestCosignature(w, note(20), reader, sizes(0), impostor.call)).toMatchObject({
      error: expect.stringMatching(/no cosignature that verifies/),
    });

    const garbage: WitnessCall = async () => ({ status: 200, contentType: "text/plain", body: "hello\n" });
    expect(await requestCosignature(w, note(20), reader, sizes(0), garbage)).toMatchObject({
      error: expect.stringMatching(/^no cosignature that verifies/),
    });

    const honest = fakeWitness(k.skey, { size: 20, root: naiveRoot(leaves.slice(1, 21)) }); // cosigned another root for 20
    expect(await requestCosignature(w, note(20), reader, sizes(20), honest.call)).toMatchObject({
      error: expect.stringMatching(/HTTP 422/),
    });

    let n = 0;
    const moving: WitnessCall = async () => ({ status: 409, contentType: SIZE_CONTENT_TYPE, body: `${++n}\n` });
    expect(await requestCosignature(w, note(20), reader, sizes(0), moving)).toMatchObject({
      error: expect.stringMatching(/HTTP 409/),
    });
    expect(n).toBe(3);

    const down: WitnessCall = async () => {
      throw new Error("connection refused");
    };
    expect(await requestCosignature(w, note(20), reader, sizes(0), down)).toMatchObject({
      error: expect.stringMatching(/unreachable: connection refused/),
    });
  });

  it("writes the C2SP request body", () => {
    expect(formatAddCheckpoint(0, [], "n\n\n— x y\n")).toBe("old 0\n\nn\n\n— x y\n");
    const h = new Uint8Array(32).fill(1);
    const body = formatAddCheckpoint(3, [h, h], note(15));
    expect(parseAddCheckpoint(body)).toMatchObject({ oldSize: 3, proof: [h, h], note: note(15) });
  });
});

describe("a checkpoint with cosignature lines", () => {
  it("still opens with the log's key alone (unknown signatures are ignored) and parses the same", async () => {
    const { k, w } = witnessKey();
    const o = await requestCosignature(w, note(15), reader, sizes(0), fakeWitness(k.skey).call);
    const second = newCosignatureSigner(generateCosignatureKey("witness.example/w2").skey).cosignLine(
      parseNote(note(15)).text,
      1_700_000_000,
    );
    const cosigned = withCosignatures(note(15), ["line" in o ? o.line : "", second]);
    const opened = openNote(cosigned, [newVerifier(logKey.vkey)]);
    expect(opened.text).toBe(parseNote(note(15)).text);
    expect(opened.unverifiedSigs.map((s) => s.name)).toEqual(["witness.example/w1", "witness.example/w2"]);
    expect(parseCheckpoint(opened.text).size).toBe(15);
    expect(parseNote(cosigned).sigs[0]!.name).toBe(ORIGIN); // the log's own signature stays first
    const tiles = new TileReader(async () => utf8Encode(cosigned), [newVerifier(logKey.vkey)]);
    expect((await tiles.checkpoint()).size).toBe(15);
    // With the witness's key, its cosignature verifies; tampered, it is reported invalid.
    const both = parseNote(cosigned);
    expect(verifyCosignatures(both.text, both.sigs, [w.verifier]).valid).toHaveLength(1);
    const tampered = cosigned.replace(
      /(— witness\.example\/w1 [A-Za-z0-9+/]{20})[A-Za-z0-9+/]/,
      (_, p) => p + (cosigned.includes(p + "A") ? "B" : "A"),
    );
    const t = parseNote(tampered);
    expect(verifyCosignatures(t.text, t.sigs, [w.verifier]).invalid).toHaveLength(1);
  });
});
