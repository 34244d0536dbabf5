/**
 * Rekor v1 answers (rekor-api.md §2.2–2.5): the LogEntry map keyed by the 80-hex entry UUID, the
 * Signed Entry Timestamp, and the v1-style checkpoint, both signed with the log's ECDSA P-256 key.
 * @module
 */
import { treeIdHex, type V1Key } from "./signing-key.ts";
import { formatCheckpoint } from "../../tlog/checkpoint.ts";
import { toBase64, toHex, utf8Encode } from "../../tlog/encoding.ts";
import { hashLeaf, type Hash } from "../../tlog/hash.ts";
import { formatNote } from "../../tlog/note.ts";
import { LruCache } from "../../lru-cache.ts";
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

/** The v1 note key hint: SHA-256(SPKI)[:4] (Rekor pkg/util/signed_note.go); the key name is the origin. */
const v1KeyHint = (key: V1Key): number => parseInt(key.logIdHex.slice(0, 8), 16) >>> 0;

/**
 * v1 checkpoints signed, one per tree (key, origin, size, root): the first signing's time stays its
 * Timestamp, so a tree is never signed anew as current, and each tree costs one ECDSA signature.
 */
const signedTrees = new LruCache<string, Promise<string>>(256);
/** SETs signed, by key, log index, time and leaf: one ECDSA signature per entry, not per read. */
const signedEntries = new LruCache<string, Promise<string>>(8192);

/** The signature made once for `id`, shared by concurrent callers; a failed one is not kept. */
function once(cache: LruCache<string, Promise<string>>, id: string, sign: () => Promise<string>): Promise<string> {
  let p = cache.get(id);
  if (!p) {
    p = sign();
    cache.set(id, p);
    p.catch(() => cache.delete(id));
  }
  return p;
}

/**
 * The v1 checkpoint for the tree (size, root): origin "<origin> - <treeID>" and a Timestamp extension
 * line, as rekor.sigstore.dev signs them; sigstore-go recognises this shape as a Rekor v1 tree head.
 * Signed at `nowMs` the first time this isolate sees the tree, then served as signed.
 */
export function v1Checkpoint(key: V1Key, origin: string, size: number, root: Hash, nowMs: number): Promise<string> {
  return once(signedTrees, `${key.logIdHex}\n${key.treeId}\n${origin}\n${size}\n${toHex(root)}`, async () => {
    const text = formatCheckpoint({
      origin: `${origin} - ${key.treeId}`,
      size,
      root,
      extensions: [`Timestamp: ${BigInt(nowMs) * 1_000_000n}`],
    });
    const sig = await key.sign(utf8Encode(text));
    return formatNote({ text, sigs: [{ name: origin, keyId: v1KeyHint(key), sig }] });
  });
}

/** SET = ECDSA over JCS({body, integratedTime, logID, logIndex}) (Rekor pkg/api/entries.go signEntry). */
export function signedEntryTimestamp(
  key: V1Key,
  leaf: Uint8Array,
  integratedTime: number,
  logIndex: number,
  leafHash = hashLeaf(leaf),
): Promise<string> {
  return once(signedEntries, `${key.logIdHex}\n${logIndex}\n${integratedTime}\n${toHex(leafHash)}`, async () => {
    const payload = canonicalize({ body: toBase64(leaf), integratedTime, logID: key.logIdHex, logIndex });
    return toBase64(await key.sign(utf8Encode(payload)));
  });
}

export async function logEntry(args: {
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
  /** hashLeaf(leaf), if the caller has it already. */
  leafHash?: Hash;
}): Promise<{ uuid: string; entry: V1LogEntry }> {
  const { key, leaf, index, integratedTime } = args;
  const logIndex = args.logIndex ?? index;
  const leafHash = args.leafHash ?? hashLeaf(leaf);
  const [checkpoint, set] = await Promise.all([
    v1Checkpoint(key, args.origin, args.size, args.root, args.nowMs),
    signedEntryTimestamp(key, leaf, integratedTime, logIndex, leafHash),
  ]);
  return {
    uuid: treeIdHex(key.treeId) + toHex(leafHash),
    entry: {
      body: toBase64(leaf),
      integratedTime,
      logID: key.logIdHex,
      logIndex,
      verification: {
        inclusionProof: {
          checkpoint,
          hashes: args.inclusionProof.map(toHex),
          logIndex: index,
          rootHash: toHex(args.root),
          treeSize: args.size,
        },
        signedEntryTimestamp: set,
      },
    },
  };
}
