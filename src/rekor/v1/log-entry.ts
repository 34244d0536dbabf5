/**
 * Rekor v1 answers (rekor-api.md §2.2–2.5): the LogEntry map keyed by the 80-hex entry UUID, the
 * Signed Entry Timestamp, and the v1-style checkpoint, both signed with the log's ECDSA P-256 key.
 * @module
 */
import type { V1Key } from "../../v1-key.ts";
import { treeIdHex } from "../../v1-key.ts";
import { formatCheckpoint } from "../../tlog/checkpoint.ts";
import { toBase64, toHex, utf8Encode } from "../../tlog/encoding.ts";
import { hashLeaf, type Hash } from "../../tlog/hash.ts";
import { signNote, type NoteSigner } from "../../tlog/note.ts";
import { canonicalize } from "../jcs.ts";

export interface V1LogEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: {
    inclusionProof: { checkpoint: string; hashes: string[]; logIndex: number; rootHash: string; treeSize: number };
    signedEntryTimestamp: string;
  };
}

/** 80 hex: 16-hex tree ID then the 64-hex leaf hash. */
export function entryUuid(key: V1Key, leaf: Uint8Array): string {
  return treeIdHex(key.treeId) + toHex(hashLeaf(leaf));
}

/** The v1 note signer: key name = origin, key hint = SHA-256(SPKI)[:4] (Rekor pkg/util/signed_note.go). */
function v1Signer(key: V1Key, origin: string): NoteSigner {
  const id = parseInt(key.logIdHex.slice(0, 8), 16) >>> 0;
  return { name: origin, keyId: id, sign: (msg) => key.sign(msg) };
}

/**
 * A v1 checkpoint for the tree (size, root): origin "<origin> - <treeID>" and a Timestamp extension
 * line, as rekor.sigstore.dev signs them; sigstore-go recognises this shape as a Rekor v1 tree head.
 */
export function v1Checkpoint(key: V1Key, origin: string, size: number, root: Hash, nowMs: number): string {
  const text = formatCheckpoint({ origin: `${origin} - ${key.treeId}`, size, root, extensions: [`Timestamp: ${BigInt(nowMs) * 1_000_000n}`] });
  return signNote(text, [v1Signer(key, origin)]);
}

/** SET = ECDSA over JCS({body, integratedTime, logID, logIndex}) (Rekor pkg/api/entries.go signEntry). */
export function signedEntryTimestamp(key: V1Key, body: string, integratedTime: number, logIndex: number): string {
  const payload = canonicalize({ body, integratedTime, logID: key.logIdHex, logIndex });
  return toBase64(key.sign(utf8Encode(payload)));
}

export function logEntry(args: {
  key: V1Key;
  origin: string;
  leaf: Uint8Array;
  /** Index in the shard's tree: the inclusion proof's logIndex. */
  index: number;
  /** Global (virtual) index across shards: LogEntry.logIndex and the SET's (default: index). */
  logIndex?: number;
  integratedTime: number;
  size: number;
  root: Hash;
  inclusionProof: Hash[];
  nowMs: number;
}): { uuid: string; entry: V1LogEntry } {
  const { key, leaf, index, integratedTime } = args;
  const logIndex = args.logIndex ?? index;
  const body = toBase64(leaf);
  return {
    uuid: entryUuid(key, leaf),
    entry: {
      body,
      integratedTime,
      logID: key.logIdHex,
      logIndex,
      verification: {
        inclusionProof: {
          checkpoint: v1Checkpoint(key, args.origin, args.size, args.root, args.nowMs),
          hashes: args.inclusionProof.map(toHex),
          logIndex: index,
          rootHash: toHex(args.root),
          treeSize: args.size,
        },
        signedEntryTimestamp: signedEntryTimestamp(key, body, integratedTime, logIndex),
      },
    },
  };
}
