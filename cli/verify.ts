/**
 * Offline verification of what a log handed out: a Rekor v1 LogEntry (from `get`/`upload --api v1`),
 * a Rekor v2 TransparencyLogEntry (`upload --api v2`), or a Sigstore bundle's tlog entry. Checks the
 * inclusion proof against the proof's root, the checkpoint's signature (C2SP Ed25519 with the log key,
 * or a Rekor v1 ECDSA checkpoint with the v1 key) and that it commits to that root and size, and the
 * Signed Entry Timestamp with the v1 key when there is one.
 * @module
 */
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { canonicalize } from "../src/rekor/jcs.ts";
import { parseCheckpoint, type Checkpoint } from "../src/tlog/checkpoint.ts";
import { bytesEqual, fromBase64, fromHex, toBase64, toHex, utf8Encode } from "../src/tlog/encoding.ts";
import { MalformedError } from "../src/tlog/errors.ts";
import { hashLeaf, type Hash } from "../src/tlog/hash.ts";
import { openNote, parseNote, type NoteVerifier } from "../src/tlog/note.ts";
import { checkInclusion } from "../src/tlog/proof.ts";

/** One tlog entry with its proof, whatever shape it came in. */
export interface EntryWithProof {
  source: "v1 LogEntry" | "v2 TransparencyLogEntry" | "sigstore bundle";
  leaf: Uint8Array;
  /** LogEntry.logIndex (global across shards for v1). */
  logIndex: number;
  /** The index the inclusion proof is for (the shard's tree). */
  proofIndex: number;
  treeSize: number;
  rootHash: Hash;
  hashes: Hash[];
  checkpoint: string;
  set?: { signature: Uint8Array; integratedTime: number; logIdHex: string };
  uuid?: string;
}

const num = (v: unknown, what: string): number => {
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw new MalformedError(`${what} is not a non-negative integer`);
  return n;
};
const str = (v: unknown, what: string): string => {
  if (typeof v !== "string") throw new MalformedError(`${what} is missing`);
  return v;
};

/** Reads any of the supported shapes. */
export function parseEntryFile(json: unknown): EntryWithProof {
  if (json === null || typeof json !== "object") throw new MalformedError("expected a JSON object");
  const o = json as Record<string, any>;
  if (o.verificationMaterial?.tlogEntries) {
    const e = o.verificationMaterial.tlogEntries[0];
    if (!e) throw new MalformedError("the bundle has no tlog entry");
    return fromTle(e, "sigstore bundle");
  }
  if (o.canonicalizedBody && o.inclusionProof) return fromTle(o, "v2 TransparencyLogEntry");
  // v1: {uuid: LogEntry} or a LogEntry
  const keys = Object.keys(o);
  if (keys.length === 1 && /^[0-9a-f]{64,80}$/.test(keys[0]!)) return fromV1(o[keys[0]!], keys[0]!);
  if (o.body && o.verification) return fromV1(o);
  throw new MalformedError("not a Rekor v1 LogEntry, a Rekor v2 TransparencyLogEntry or a Sigstore bundle");
}

function fromV1(e: Record<string, any>, uuid?: string): EntryWithProof {
  const p = e.verification?.inclusionProof;
  if (!p) throw new MalformedError("the entry has no inclusion proof");
  return {
    source: "v1 LogEntry",
    leaf: fromBase64(str(e.body, "body"), "body"),
    logIndex: num(e.logIndex, "logIndex"),
    proofIndex: num(p.logIndex, "inclusionProof.logIndex"),
    treeSize: num(p.treeSize, "inclusionProof.treeSize"),
    rootHash: fromHex(str(p.rootHash, "inclusionProof.rootHash"), "rootHash"),
    hashes: (p.hashes ?? []).map((h: unknown) => fromHex(str(h, "inclusionProof.hashes[]"), "hash")),
    checkpoint: str(p.checkpoint, "inclusionProof.checkpoint"),
    set: e.verification.signedEntryTimestamp
      ? { signature: fromBase64(e.verification.signedEntryTimestamp, "signedEntryTimestamp"), integratedTime: num(e.integratedTime, "integratedTime"), logIdHex: str(e.logID, "logID") }
      : undefined,
    uuid,
  };
}

function fromTle(e: Record<string, any>, source: EntryWithProof["source"]): EntryWithProof {
  const p = e.inclusionProof;
  if (!p) throw new MalformedError("the entry has no inclusion proof");
  const set = e.inclusionPromise?.signedEntryTimestamp;
  return {
    source,
    leaf: fromBase64(str(e.canonicalizedBody, "canonicalizedBody"), "canonicalizedBody"),
    logIndex: num(e.logIndex, "logIndex"),
    proofIndex: num(p.logIndex, "inclusionProof.logIndex"),
    treeSize: num(p.treeSize, "inclusionProof.treeSize"),
    rootHash: fromBase64(str(p.rootHash, "inclusionProof.rootHash"), "rootHash"),
    hashes: (p.hashes ?? []).map((h: unknown) => fromBase64(str(h, "inclusionProof.hashes[]"), "hash")),
    checkpoint: str(p.checkpoint?.envelope, "inclusionProof.checkpoint.envelope"),
    set: set
      ? { signature: fromBase64(set, "signedEntryTimestamp"), integratedTime: num(e.integratedTime, "integratedTime"), logIdHex: toHex(fromBase64(str(e.logId?.keyId, "logId.keyId"), "logId.keyId")) }
      : undefined,
  };
}

/** A Rekor v1 (ECDSA P-256, SPKI PEM) key: note verifier for v1 checkpoints (key hint = SHA-256(SPKI)[:4]) and SET verification. */
export interface V1PublicKey {
  logIdHex: string;
  verify(message: Uint8Array, derSig: Uint8Array): boolean;
  noteVerifier(name: string): NoteVerifier;
}

export function v1PublicKey(pem: string): V1PublicKey {
  const key = createPublicKey(pem);
  const spki = new Uint8Array(key.export({ format: "der", type: "spki" }));
  const logIdHex = sha256Hex(spki);
  const verify = (message: Uint8Array, sig: Uint8Array) => {
    try {
      return nodeVerify("sha256", message, key, sig);
    } catch {
      return false;
    }
  };
  return {
    logIdHex,
    verify,
    noteVerifier: (name) => ({ name, keyId: parseInt(logIdHex.slice(0, 8), 16) >>> 0, verify }),
  };
}

function sha256Hex(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Runs every offline check that the given keys allow. Returns the checks (each ok or not) and the
 * verified checkpoint (if its signature verified).
 */
export function verifyEntry(e: EntryWithProof, logVerifiers: readonly NoteVerifier[], v1: V1PublicKey | null): { checks: Check[]; checkpoint: Checkpoint | null } {
  const checks: Check[] = [];
  const add = (name: string, fn: () => string) => {
    try {
      checks.push({ name, ok: true, detail: fn() });
    } catch (err) {
      checks.push({ name, ok: false, detail: (err as Error).message });
    }
  };
  add("inclusion proof", () => {
    checkInclusion(e.hashes, e.proofIndex, e.treeSize, hashLeaf(e.leaf), e.rootHash);
    return `leaf ${e.proofIndex} is in the tree of size ${e.treeSize} with root ${toBase64(e.rootHash)}`;
  });
  let cp: Checkpoint | null = null;
  add("checkpoint signature", () => {
    const note = parseNote(e.checkpoint);
    const verifiers = [...logVerifiers];
    if (v1) for (const s of note.sigs) verifiers.push(v1.noteVerifier(s.name));
    let opened;
    try {
      opened = openNote(e.checkpoint, verifiers);
    } catch (err) {
      throw new Error(`${(err as Error).message}${v1 ? "" : " (a Rekor v1 checkpoint needs --v1-key)"}`);
    }
    cp = parseCheckpoint(opened.text);
    if (cp.size !== e.treeSize || !bytesEqual(cp.root, e.rootHash)) throw new Error(`the checkpoint (size ${cp.size}) does not commit to the proof's tree (size ${e.treeSize}) and root`);
    return `${cp.origin}, size ${cp.size}, signed by ${opened.sigs.map((s) => s.name).join(", ")}`;
  });
  if (e.set) {
    const set = e.set;
    add("signed entry timestamp", () => {
      if (!v1) throw new Error("the entry has a SET; give the log's v1 public key (--v1-key) to check it");
      if (set.logIdHex !== v1.logIdHex) throw new Error(`the entry's logID ${set.logIdHex} is not the v1 key's ${v1.logIdHex}`);
      const payload = canonicalize({ body: toBase64(e.leaf), integratedTime: set.integratedTime, logID: set.logIdHex, logIndex: e.logIndex });
      if (!v1.verify(utf8Encode(payload), set.signature)) throw new Error("the SET does not verify with the v1 key");
      return `integratedTime ${set.integratedTime} (${new Date(set.integratedTime * 1000).toISOString()}), logIndex ${e.logIndex}`;
    });
  }
  return { checks, checkpoint: cp };
}
