/**
 * The completeness part of a search answer, as JSON, and its verification by a client that has nothing
 * but the log's key: the signed map checkpoint (log size N), the map proof of the key's value or
 * absence, and the chunks of its list that cover the page, each with its proof. A verified answer says
 * exactly which log indices below N have the key at list positions [start, start + limit): a client
 * then checks that the page's hits are those entries (with their log inclusion proofs).
 * @module
 */
import { fromBase64, fromHex, toBase64, toHex } from "../tlog/encoding.ts";
import { MalformedError, ProofError } from "../tlog/errors.ts";
import type { NoteVerifier } from "../tlog/note.ts";
import { CHUNK_SIZE } from "./hash.ts";
import { openMapCheckpoint, type MapCheckpoint } from "./checkpoint.ts";
import type { ChunkProof, VerifiableMap } from "./map.ts";
import { chunksFor, verifyChunk, verifyKey, type MapProof } from "./proof.ts";
import { chunkCount } from "./value-tree.ts";

/** Bounded work on hostile input: a page never needs more chunks than this, a map path never more siblings. */
const MAX_CHUNKS = 8;
const MAX_SIBLINGS = 256;

export interface CompletenessJson {
  /** The signed map checkpoint (a C2SP signed note). */
  mapCheckpoint: string;
  /** The page's first position in the key's list. */
  start: number;
  proof: {
    /** Sibling hashes root first, base64; "" for an empty subtree. */
    siblings: string[];
    terminal: { kind: "empty" } | { kind: "leaf"; path: string; count: number; valueRoot: string };
  };
  chunks: { chunk: number; indices: number[]; proof: string[] }[];
}

/** The answer for `key` at list positions [start, start + limit), from the map the note was signed for. */
export function completenessAnswer(
  map: VerifiableMap,
  mapCheckpoint: string,
  key: string,
  start: number,
  limit: number,
): CompletenessJson {
  const count = map.value(key)?.count ?? 0;
  return completenessJson(mapCheckpoint, start, map.prove(key), map.proveChunks(key, pageChunks(start, limit, count)));
}

/** The chunks of a list of `count` indices that hold positions [start, start + limit). */
export function pageChunks(start: number, limit: number, count: number): number[] {
  return chunksFor(start, limit).filter((c) => c < chunkCount(count));
}

/** A completeness answer as JSON, from its parts. */
export function completenessJson(
  mapCheckpoint: string,
  start: number,
  proof: MapProof,
  chunks: readonly ChunkProof[],
): CompletenessJson {
  const t = proof.terminal;
  return {
    mapCheckpoint,
    start,
    proof: {
      siblings: proof.siblings.map((s) => (s ? toBase64(s) : "")),
      terminal:
        t.kind === "empty"
          ? t
          : { kind: "leaf", path: toHex(t.path), count: t.count, valueRoot: toBase64(t.valueRoot) },
    },
    chunks: chunks.map((c) => ({ chunk: c.chunk, indices: c.indices, proof: c.proof.map(toBase64) })),
  };
}

export interface VerifiedCompleteness {
  checkpoint: MapCheckpoint;
  /** How many entries below checkpoint.size have the key. */
  count: number;
  start: number;
  /** The log indices at list positions [start, start + limit), in order. */
  indices: number[];
}

function decodeProof(json: CompletenessJson["proof"]): MapProof {
  if (!Array.isArray(json?.siblings) || json.siblings.length > MAX_SIBLINGS)
    throw new MalformedError("completeness: bad siblings");
  const siblings = json.siblings.map((s) => (s === "" ? null : fromBase64(String(s), "sibling")));
  const t = json.terminal;
  if (t?.kind === "empty") return { siblings, terminal: { kind: "empty" } };
  if (
    t?.kind !== "leaf" ||
    typeof t.path !== "string" ||
    typeof t.count !== "number" ||
    typeof t.valueRoot !== "string"
  ) {
    throw new MalformedError("completeness: bad terminal");
  }
  return {
    siblings,
    terminal: {
      kind: "leaf",
      path: fromHex(t.path, "leaf path"),
      count: t.count,
      valueRoot: fromBase64(t.valueRoot, "value root"),
    },
  };
}

/**
 * Verifies a completeness answer for `key` and a page of `limit` positions, with the log's key(s).
 * @throws ProofError or MalformedError naming what failed
 */
export function verifyCompleteness(
  json: CompletenessJson,
  key: string,
  limit: number,
  verifiers: readonly NoteVerifier[],
  logOrigin: string,
): VerifiedCompleteness {
  if (typeof json?.mapCheckpoint !== "string") throw new MalformedError("completeness: no map checkpoint");
  const checkpoint = openMapCheckpoint(json.mapCheckpoint, verifiers, logOrigin);
  const start = json.start;
  if (!Number.isSafeInteger(start) || start < 0) throw new MalformedError("completeness: bad start");
  const value = verifyKey(checkpoint.mapRoot, key, decodeProof(json.proof));
  const count = value.present ? value.count : 0;
  const wanted = pageChunks(start, limit, count);
  if (!Array.isArray(json.chunks) || json.chunks.length > MAX_CHUNKS)
    throw new MalformedError("completeness: bad chunks");
  if (json.chunks.length !== wanted.length || json.chunks.some((c, i) => c?.chunk !== wanted[i])) {
    throw new ProofError(`completeness: the page needs chunks [${wanted.join(", ")}] of the key's list`);
  }
  const all: number[] = [];
  for (const c of json.chunks) {
    if (!value.present) break;
    if (!Array.isArray(c.indices) || !Array.isArray(c.proof)) throw new MalformedError("completeness: bad chunk");
    verifyChunk(
      value,
      checkpoint.size,
      c.chunk,
      c.indices,
      c.proof.map((p) => fromBase64(String(p), "chunk proof")),
    );
    if (all.length > 0 && c.indices[0]! <= all[all.length - 1]!)
      throw new ProofError("completeness: chunks out of order");
    all.push(...c.indices);
  }
  const offset = wanted.length > 0 ? start - wanted[0]! * CHUNK_SIZE : 0;
  return { checkpoint, count, start, indices: all.slice(offset, offset + limit) };
}
