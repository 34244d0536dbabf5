// Fuzzing the signed-note and checkpoint parsers (what a monitor, a witness or edgelog's own read path runs on a
// checkpoint fetched from anywhere), and the witness endpoint's request parser: valid notes round-trip; random and
// mutated notes only ever throw MalformedError or ProofError; and no mutation of a signed note opens with a text
// other than the one that was signed.
// A failure prints fast-check's seed and path; replay with fc.assert(property, { seed, path }).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from "../../src/tlog/checkpoint.ts";
import { MalformedError, ProofError } from "../../src/tlog/errors.ts";
import { formatNote, generateKey, newSigner, newVerifier, openNote, parseNote, signNote } from "../../src/tlog/note.ts";
import { toBase64 } from "../../src/tlog/encoding.ts";
import { parseAddCheckpoint } from "../../src/witness/protocol.ts";
import { describeError, mutatedString, nastyString } from "./mutate.ts";

const ORIGIN = "fuzz.example/log";
const key = generateKey(ORIGIN, new Uint8Array(32).fill(7));
const signer = newSigner(key.skey);
const verifier = newVerifier(key.vkey);
const other = newSigner(generateKey("other.example", new Uint8Array(32).fill(9)).skey);

/** A line of note text: no newline, no control characters, no lone surrogates (what signNote accepts). */
const line = (minLength: number) =>
  fc
    .string({
      unit: fc.oneof(
        { weight: 4, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
        { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
      ),
      minLength,
      maxLength: 30,
    })
    .filter((s) => !/[\u0000-\u001f\u007f]/.test(s));

const checkpoint: fc.Arbitrary<Checkpoint> = fc.record({
  origin: line(1),
  size: fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat()),
  root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  extensions: fc.array(line(1), { maxLength: 3 }),
});

/**
 * Checkpoints signed by the log's key, half of them with a second signature by a key the verifier does not know.
 * Signed once up front (Ed25519 in JS costs a millisecond or two) and then mutated many times.
 */
const SIGNED = fc
  .sample(fc.tuple(checkpoint, fc.boolean()), 24)
  .map(([c, cosigned]) => signNote(formatCheckpoint(c), cosigned ? [signer, other] : [signer]));
const signedNote = fc.constantFrom(...SIGNED);

/** Only the parsers' own error types may escape. */
function onlyTheirErrors(f: () => unknown, input: string): void {
  try {
    f();
  } catch (e) {
    if (e instanceof MalformedError || e instanceof ProofError) return;
    throw new Error(`on ${JSON.stringify(input)}: ${describeError(e)}`);
  }
}

describe("fuzz: signed notes and checkpoints", () => {
  it("valid checkpoints round-trip through sign, parse, open and parseCheckpoint", () => {
    fc.assert(
      fc.property(checkpoint, fc.boolean(), (c, cosigned) => {
        const text = formatCheckpoint(c);
        const note = signNote(text, cosigned ? [signer, other] : [signer]);
        expect(formatNote(parseNote(note))).toBe(note);
        const opened = openNote(note, [verifier]);
        expect(opened.text).toBe(text);
        expect(opened.unverifiedSigs.length).toBe(cosigned ? 1 : 0);
        expect(parseCheckpoint(opened.text)).toEqual(c);
      }),
      { numRuns: 60 },
    );
  });

  it("random strings: only MalformedError or ProofError", () => {
    const noteLike = fc
      .array(
        fc.oneof(
          nastyString,
          fc.constantFrom("\n", "\n\n", "\u2014 ", `${ORIGIN} `, "AAAAAA==", "0\n", "\u2014 fuzz.example/log AAAA\n"),
        ),
        { maxLength: 12 },
      )
      .map((p) => p.join(""));
    fc.assert(
      fc.property(fc.oneof(noteLike, fc.string({ unit: "binary", maxLength: 200 })), (s) => {
        onlyTheirErrors(() => parseNote(s), s);
        onlyTheirErrors(() => openNote(s, [verifier]), s);
        onlyTheirErrors(() => parseCheckpoint(s), s);
      }),
      { numRuns: 1000 },
    );
  });

  it("mutated signed notes: only MalformedError or ProofError, and never open with another text", () => {
    fc.assert(
      fc.property(
        signedNote.chain((note) => fc.tuple(fc.constant(note), mutatedString(note))),
        ([original, mutated]) => {
          onlyTheirErrors(() => parseNote(mutated), mutated);
          onlyTheirErrors(() => parseCheckpoint(mutated), mutated);
          let opened;
          try {
            opened = openNote(mutated, [verifier]);
          } catch (e) {
            if (e instanceof MalformedError || e instanceof ProofError) return;
            throw new Error(`openNote on ${JSON.stringify(mutated)}: ${describeError(e)}`);
          }
          // The log's signature binds the text: whatever was edited, what opens is what was signed.
          expect(opened.text).toBe(parseNote(original).text);
          onlyTheirErrors(() => parseCheckpoint(opened.text), opened.text);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("witness add-checkpoint requests (C2SP tlog-witness), valid and edited: parse consistently or throw MalformedError", () => {
    const request = fc
      .tuple(
        fc.nat({ max: 1000 }),
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 4 }),
        signedNote,
      )
      .map(([old, proof, note]) => `old ${old}\n${proof.map((h) => toBase64(h) + "\n").join("")}\n${note}`);
    fc.assert(
      fc.property(
        fc.oneof(
          request,
          request.chain((r) => mutatedString(r)),
        ),
        (body) => {
          let parsed;
          try {
            parsed = parseAddCheckpoint(body);
          } catch (e) {
            if (e instanceof MalformedError) return;
            throw new Error(`parseAddCheckpoint on ${JSON.stringify(body)}: ${describeError(e)}`);
          }
          expect(parseNote(parsed.note).text).toBe(parsed.text);
          expect(formatCheckpoint(parsed.checkpoint)).toBe(parsed.text);
          expect(parsed.proof.every((h) => h.length === 32)).toBe(true);
        },
      ),
      { numRuns: 600 },
    );
  });
});
