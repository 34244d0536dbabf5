/**
 * C2SP tlog-proof@v1 (draft, C2SP/C2SP tlog-proof.md): an offline proof that an entry is in a log, as text.
 *
 *   c2sp.org/tlog-proof@v1
 *   [extra <base64>]
 *   index <decimal>
 *   <base64 hash>            zero or more: the RFC 6962 §2.1.1 audit path, leaf's sibling first
 *
 *   <checkpoint note, verbatim, with every signature and cosignature it has>
 *
 * Parsing is strict (one spelling per proof, as the checkpoint and tile parsers here): every line is held
 * to the spec's grammar and an error names the line it is on. Nothing here verifies a signature; see
 * src/client/verify-proof.ts for the spec's "Verifying a tlog proof" steps.
 * @module
 */
import { parseCheckpoint, type Checkpoint } from "./checkpoint.ts";
import { fromBase64, toBase64 } from "./encoding.ts";
import { MalformedError } from "./errors.ts";
import { HASH_SIZE, type Hash } from "./hash.ts";
import { MAX_NOTE_BYTES, parseNote, type Note } from "./note.ts";

/** tlog-proof §Format: "The first line MUST be the string `c2sp.org/tlog-proof@v1`." */
export const TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1";
/** tlog-proof: "Proofs SHOULD be stored with file extension `.tlog-proof`." */
export const TLOG_PROOF_EXTENSION = ".tlog-proof";
/** An audit path in a tree below 2^63 leaves has at most 63 hashes (tlog-witness bounds its proofs the same). */
export const MAX_PROOF_HASHES = 63;
/** Bounded work: extra data (edgelog puts the entry there, at most 64 KiB) and a checkpoint note fit well within this. */
export const MAX_TLOG_PROOF_BYTES = MAX_NOTE_BYTES + (1 << 20);

export interface TlogProof {
  /** Opaque extra data (tlog-proof §Format: unauthenticated; never trusted for what it says). */
  extra?: Uint8Array;
  index: number;
  /** The inclusion proof, leaf's sibling first. */
  proof: Hash[];
  /** The checkpoint note exactly as the log (and its witnesses) signed it. */
  checkpoint: string;
}

export interface ParsedTlogProof extends TlogProof {
  /** The checkpoint's signed text, parsed (signatures not checked). */
  tree: Checkpoint;
  note: Note;
}

/** A malformed proof file; `line` is 1-based. */
export class TlogProofFormatError extends MalformedError {
  override name = "TlogProofFormatError";
  readonly line: number;

  constructor(line: number, why: string) {
    super(`tlog-proof line ${line}: ${why}`);
    this.line = line;
  }
}

/** The length of RFC 6962's PATH(index, D[0:size]) (§2.1.1): what an inclusion proof must have. */
export function inclusionProofLength(index: number, size: number): number {
  let n = 0;
  while (size > 1) {
    let k = 1;
    while (k * 2 < size) k *= 2;
    if (index < k) size = k;
    else {
      index -= k;
      size -= k;
    }
    n++;
  }
  return n;
}

export function formatTlogProof(p: TlogProof): string {
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${toBase64(p.extra)}`);
  lines.push(`index ${p.index}`, ...p.proof.map(toBase64), "");
  const out = lines.join("\n") + "\n" + p.checkpoint;
  parseTlogProof(out); // never hand out a proof this parser would refuse
  return out;
}

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/** Parses a tlog-proof strictly. @throws TlogProofFormatError naming the offending line. */
export function parseTlogProof(text: string): ParsedTlogProof {
  if (text.length > MAX_TLOG_PROOF_BYTES)
    throw new TlogProofFormatError(1, `the file is larger than ${MAX_TLOG_PROOF_BYTES} bytes`);
  // tlog-proof §Format: "a sequence of lines separated by newlines (U+000A)".
  const lines = text.split("\n");
  const crAt = lines.findIndex((l) => l.includes("\r"));
  if (crAt >= 0) throw new TlogProofFormatError(crAt + 1, "carriage return: lines end in a newline (U+000A) alone");
  let i = 0;
  const at = () => i + 1;
  if (lines[0] !== TLOG_PROOF_HEADER)
    throw new TlogProofFormatError(1, `the first line must be "${TLOG_PROOF_HEADER}"`);
  i++;
  let extra: Uint8Array | undefined;
  // §Format: "The second line MAY start with the string `extra` followed by a space and base64 ... If no extra data is present, this line is omitted."
  if (lines[i]?.startsWith("extra")) {
    const m = /^extra ([A-Za-z0-9+/=]+)$/.exec(lines[i]!);
    if (!m) throw new TlogProofFormatError(at(), 'expected "extra <base64>" with non-empty standard base64');
    extra = decode(m[1]!, at(), "extra data");
    i++;
  }
  // §Format: "`index` followed by a space and the zero-based index ... ASCII decimal with no leading zeroes".
  const indexLine = /^index (.*)$/.exec(lines[i] ?? "");
  if (!indexLine)
    throw new TlogProofFormatError(
      at(),
      `expected "index <decimal>"${extra === undefined && i === 1 ? ' (or "extra <base64>")' : ""}`,
    );
  if (!DECIMAL.test(indexLine[1]!) || !Number.isSafeInteger(Number(indexLine[1]))) {
    throw new TlogProofFormatError(at(), "the index must be a decimal integer without leading zeros, below 2^53");
  }
  const index = Number(indexLine[1]);
  i++;
  // §Format: "The next zero or more non-empty lines are the base64-encoded Merkle inclusion proof ... one SHA-256 hash per line".
  const proof: Hash[] = [];
  const proofStart = i;
  while (i < lines.length && lines[i] !== "") {
    if (proof.length === MAX_PROOF_HASHES)
      throw new TlogProofFormatError(at(), `more than ${MAX_PROOF_HASHES} proof hashes`);
    const h = decode(lines[i]!, at(), "proof hash");
    if (h.length !== HASH_SIZE)
      throw new TlogProofFormatError(at(), `a proof hash is ${HASH_SIZE} bytes, this one ${h.length}`);
    proof.push(h);
    i++;
  }
  // §Format: "After the inclusion proof lines and an empty line, the checkpoint issued by the log is included verbatim".
  if (i >= lines.length) throw new TlogProofFormatError(at(), "missing the empty line before the checkpoint");
  i++;
  const first = i + 1;
  const checkpoint = lines.slice(i).join("\n");
  if (checkpoint === "") throw new TlogProofFormatError(first, "missing the checkpoint");
  let note: Note;
  let tree: Checkpoint;
  try {
    note = parseNote(checkpoint);
  } catch (e) {
    throw new TlogProofFormatError(checkpointLine(lines, i, e as Error), (e as Error).message);
  }
  try {
    tree = parseCheckpoint(note.text);
  } catch (e) {
    throw new TlogProofFormatError(checkpointLine(lines, i, e as Error), (e as Error).message);
  }
  if (index >= tree.size)
    throw new TlogProofFormatError(proofStart, `index ${index} is not below the checkpoint's tree size ${tree.size}`);
  const want = inclusionProofLength(index, tree.size);
  if (proof.length !== want) {
    throw new TlogProofFormatError(
      proofStart + 1 + Math.min(proof.length, want),
      `an inclusion proof for index ${index} in a tree of ${tree.size} has ${want} hashes, this one ${proof.length}`,
    );
  }
  return { ...(extra === undefined ? {} : { extra }), index, proof, checkpoint, tree, note };
}

function decode(b64: string, line: number, what: string): Uint8Array {
  try {
    return fromBase64(b64, what);
  } catch (e) {
    throw new TlogProofFormatError(line, (e as Error).message);
  }
}

/**
 * The line of the checkpoint a note or checkpoint error is about: the size or root line when the message
 * names it, a signature line when it does, else the checkpoint's first line.
 */
function checkpointLine(lines: readonly string[], start: number, e: Error): number {
  const m = e.message;
  if (/tree size/.test(m)) return start + 2;
  if (/root hash/.test(m)) return start + 3;
  if (/signature/.test(m)) {
    const blank = lines.indexOf("", start);
    if (blank >= 0) {
      const bad = lines.slice(blank + 1).findIndex((l) => l !== "" && !/^\u2014 \S+ [A-Za-z0-9+/=]+$/.test(l));
      return blank + 2 + Math.max(bad, 0);
    }
  }
  if (/newline/.test(m)) return lines.length;
  return start + 1;
}
