/**
 * C2SP tlog-checkpoint (tag tlog-checkpoint/v1.0.0): the signed body of a tree head.
 *
 *   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n ...]
 *
 * edgelog never emits extension lines (monitors cannot audit them; witnesses may refuse them),
 * but parses them so it can read other logs' checkpoints.
 * @module
 */
import { fromBase64, toBase64 } from "./encoding.ts";
import { MalformedError } from "./errors.ts";
import { HASH_SIZE, type Hash } from "./hash.ts";

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  extensions: string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  return [c.origin, String(c.size), toBase64(c.root), ...c.extensions].join("\n") + "\n";
}

/** Parses checkpoint text (the note text, without signatures). Strict: it must round-trip byte for byte. */
export function parseCheckpoint(text: string): Checkpoint {
  const bad = (why: string) => new MalformedError(`malformed checkpoint: ${why}`);
  if (!text.endsWith("\n")) throw bad("does not end in a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw bad("needs origin, size and root hash lines");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  // C2SP: the origin is non-empty and SHOULD avoid spaces and "+"; Rekor v1 origins ("host - treeID")
  // have spaces, so only emptiness is refused here. edgelog's own origin is checked in config.ts.
  if (origin.length === 0) throw bad("empty origin");
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw bad("tree size must be a decimal integer without leading zeros, below 2^53");
  }
  const root = fromBase64(rootText, "checkpoint root hash");
  if (root.length !== HASH_SIZE) throw bad("root hash must be 32 bytes");
  if (extensions.some((e) => e.length === 0)) throw bad("empty extension line");
  const c = { origin, size: Number(sizeText), root, extensions };
  if (formatCheckpoint(c) !== text) throw bad("not in canonical form");
  return c;
}
