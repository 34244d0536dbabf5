/**
 * The Rekor v2 write response: a TransparencyLogEntry (protobuf-specs sigstore_rekor.proto) as
 * rekor-tiles emits it with protojson EmitUnpopulated: int64 as strings, bytes as standard base64,
 * integratedTime "0", inclusionPromise null, and an inclusion proof against the exact signed
 * checkpoint returned with it.
 * @module
 */
import { parseCheckpoint } from "../../tlog/checkpoint.ts";
import { toBase64 } from "../../tlog/encoding.ts";
import { parseNote } from "../../tlog/note.ts";

export interface TransparencyLogEntryJson {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  inclusionPromise: null;
  inclusionProof: {
    logIndex: string;
    rootHash: string;
    treeSize: string;
    hashes: string[];
    checkpoint: { envelope: string };
  };
  canonicalizedBody: string;
}

/** A TransparencyLogEntry's type URL in a google.protobuf.Any (Go's anypb.New: type.googleapis.com/ + the full name). */
export const TRANSPARENCY_LOG_ENTRY_TYPE_URL = "type.googleapis.com/dev.sigstore.rekor.v1.TransparencyLogEntry";

/** The checkpoint parsed last: the answers of one round, and the hits of one search page, all carry the same one. */
let lastParsed: { note: string; tree: { size: number; root: Uint8Array } } | undefined;

function treeOf(note: string): { size: number; root: Uint8Array } {
  if (lastParsed?.note !== note) lastParsed = { note, tree: parseCheckpoint(parseNote(note).text) };
  return lastParsed.tree;
}

export function transparencyLogEntry(args: {
  index: number;
  logId: Uint8Array;
  kind: string;
  version: string;
  body: Uint8Array;
  checkpoint: string;
  inclusionProof: Uint8Array[];
}): TransparencyLogEntryJson {
  const cp = treeOf(args.checkpoint);
  return {
    logIndex: String(args.index),
    logId: { keyId: toBase64(args.logId) },
    kindVersion: { kind: args.kind, version: args.version },
    integratedTime: "0",
    inclusionPromise: null,
    inclusionProof: {
      // sigstore-js reads inclusionProof.logIndex, sigstore-go the top-level one: keep them equal.
      logIndex: String(args.index),
      rootHash: toBase64(cp.root),
      treeSize: String(cp.size),
      hashes: args.inclusionProof.map(toBase64),
      checkpoint: { envelope: args.checkpoint },
    },
    canonicalizedBody: toBase64(args.body),
  };
}
