/**
 * C2SP tlog-witness (tag tlog-witness/v1.0.0, with HEAD's 422 for "same size, different root"):
 * parsing `add-checkpoint` requests, the witness's configuration, and the state transition a witness
 * makes for one request. Platform-free; durable-objects/witness.ts applies the transition atomically.
 *
 * Request body:
 *
 *   old <size>\n
 *   <base64 consistency proof hash>\n   (0..63 lines)
 *   \n
 *   <checkpoint signed note>
 * @module
 */
import { parseCheckpoint, type Checkpoint } from "../tlog/checkpoint.ts";
import { newCosignatureSigner, type CosignatureSigner } from "../tlog/cosignature.ts";
import { bytesEqual, fromBase64, toBase64 } from "../tlog/encoding.ts";
import { MalformedError } from "../tlog/errors.ts";
import { EMPTY_ROOT, HASH_SIZE, type Hash } from "../tlog/hash.ts";
import { newVerifier, parseNote, type NoteVerifier } from "../tlog/note.ts";
import { checkConsistency } from "../tlog/proof.ts";

/** C2SP tlog-witness: at most 63 proof lines (a proof for trees below 2^63 leaves needs no more). */
export const MAX_PROOF_LINES = 63;
/** Bounded work on hostile input: a request is a few KB (proof ≤ 63 × 45 bytes, checkpoint with signatures). */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** `Content-Type` of a 409 answer: the witness's size for this log, `<size>\n`. */
export const SIZE_CONTENT_TYPE = "text/x.tlog.size";

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Hash[];
  /** The checkpoint note exactly as sent (with every signature). */
  note: string;
  /** Its signed text (no signature lines) and parsed fields. */
  text: string;
  checkpoint: Checkpoint;
}

/** Formats an add-checkpoint body: `old <n>`, the proof lines, a blank line, the checkpoint note. */
export function formatAddCheckpoint(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => toBase64(h) + "\n").join("")}\n${note}`;
}

/** Parses an add-checkpoint body. Throws MalformedError (→ 400) on anything not in the exact format. */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const bad = (why: string) => new MalformedError(`malformed add-checkpoint request: ${why}`);
  if (body.length > MAX_REQUEST_BYTES) throw bad("too large");
  const firstEnd = body.indexOf("\n");
  if (firstEnd < 0) throw bad("no old size line");
  const m = /^old (0|[1-9][0-9]{0,15})$/.exec(body.slice(0, firstEnd));
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw bad("first line must be 'old <size>'");
  const oldSize = Number(m[1]);
  const proof: Hash[] = [];
  let at = firstEnd + 1;
  for (;;) {
    const end = body.indexOf("\n", at);
    if (end < 0) throw bad("no empty line before the checkpoint");
    const line = body.slice(at, end);
    at = end + 1;
    if (line === "") break;
    if (proof.length === MAX_PROOF_LINES) throw bad(`more than ${MAX_PROOF_LINES} proof lines`);
    const h = fromBase64(line, "consistency proof line");
    if (h.length !== HASH_SIZE) throw bad("consistency proof hashes must be 32 bytes");
    proof.push(h);
  }
  const note = body.slice(at);
  const { text } = parseNote(note);
  return { oldSize, proof, note, text, checkpoint: parseCheckpoint(text) };
}

/** What a witness is configured with: its cosigning key and, per origin, the log's trusted keys. */
export interface WitnessConfig {
  signer: CosignatureSigner;
  logs: Map<string, NoteVerifier[]>;
}

/**
 * Reads the witness configuration from the environment:
 * - `WITNESS_SIGNING_KEY` (secret): `PRIVATE+KEY+<witness name>+<hex id>+<base64(type || 32-byte seed)>`,
 *   a cosignature key, Ed25519 (type byte 0x04) or ML-DSA-44 (0x06): the witness signs with its type
 *   (src/tlog/cosignature.ts). `edgelog witness key <name> [--ml-dsa]` makes one.
 * - `WITNESSED_LOGS`: the logs' verifier keys `<origin>+<hex id>+<base64(0x01 || pub)>`, separated by
 *   commas or whitespace. The key name is the checkpoint origin (as for edgelog's shards and C2SP logs);
 *   several keys with one name are all trusted for that origin.
 * Returns null if the witness is not configured (no key): every request is then 404.
 */
export function readWitnessConfig(env: Record<string, unknown>): WitnessConfig | null {
  const skey = env.WITNESS_SIGNING_KEY;
  if (typeof skey !== "string" || skey.trim() === "") return null;
  const signer = newCosignatureSigner(skey.trim());
  const logs = new Map<string, NoteVerifier[]>();
  const list = typeof env.WITNESSED_LOGS === "string" ? env.WITNESSED_LOGS : "";
  for (const vkey of list.split(/[\s,]+/).filter((s) => s.length > 0)) {
    const v = newVerifier(vkey);
    logs.set(v.name, [...(logs.get(v.name) ?? []), v]);
  }
  return { signer, logs };
}

/** One add-checkpoint request whose log signature verified, handed to the origin's Witness object. */
export interface WitnessUpdate {
  origin: string;
  oldSize: number;
  proof: Uint8Array[];
  size: number;
  root: Uint8Array;
  /** The checkpoint note as received, kept for monitoring and debugging. */
  note: string;
}

/**
 * The Witness object's RPC surface (durable-objects/witness.ts implements it): compare with what was last
 * cosigned for the origin, check and persist atomically.
 */
export interface WitnessObject {
  update(u: WitnessUpdate): Promise<Transition>;
}

/** The Witness object that keeps the state of one log origin (a Durable Object binding's idFromName + get). */
export type WitnessFor = (origin: string) => WitnessObject;

/** What the witness last cosigned for one origin. */
export interface WitnessedState {
  size: number;
  root: Hash;
}

export type Transition =
  | { kind: "cosign"; persist: WitnessedState | null }
  | { kind: "conflict"; size: number }
  | { kind: "bad-request"; message: string }
  | { kind: "unprocessable"; message: string };

/**
 * The witness's decision for a request whose signature already verified, given what it last cosigned
 * (null: nothing yet, size 0). Pure: the caller must read `known` and persist `persist` atomically.
 */
export function decide(
  known: WitnessedState | null,
  oldSize: number,
  proof: readonly Hash[],
  size: number,
  root: Hash,
): Transition {
  const knownSize = known?.size ?? 0;
  if (oldSize > size)
    return { kind: "bad-request", message: `old size ${oldSize} is larger than the checkpoint size ${size}` };
  if (oldSize !== knownSize) return { kind: "conflict", size: knownSize };
  if (size === 0) {
    if (!bytesEqual(root, EMPTY_ROOT))
      return { kind: "unprocessable", message: 'size-0 checkpoint whose root is not SHA-256("")' };
    if (proof.length > 0) return { kind: "unprocessable", message: "a consistency proof from size 0 must be empty" };
    return { kind: "cosign", persist: null };
  }
  if (oldSize === 0) {
    if (proof.length > 0) return { kind: "unprocessable", message: "a consistency proof from size 0 must be empty" };
    return { kind: "cosign", persist: { size, root } };
  }
  if (oldSize === size) {
    if (proof.length > 0 || !bytesEqual(root, known!.root)) {
      return {
        kind: "unprocessable",
        message: `checkpoint of size ${size} has a different root than the one this witness cosigned`,
      };
    }
    return { kind: "cosign", persist: null };
  }
  try {
    checkConsistency(proof, oldSize, size, known!.root, root);
  } catch {
    return { kind: "unprocessable", message: `consistency proof from size ${oldSize} to ${size} does not verify` };
  }
  return { kind: "cosign", persist: { size, root } };
}

/** The Witness objects of a Durable Object binding whose class implements WitnessObject, one per origin. */
export function witnessObjects<T extends Rpc.DurableObjectBranded & WitnessObject>(
  ns: DurableObjectNamespace<T>,
): WitnessFor {
  return (origin) => ns.get(ns.idFromName(origin));
}
