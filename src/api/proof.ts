/**
 * Offline proofs (C2SP tlog-proof@v1): `GET /proof/<entry>` answers a `.tlog-proof` file for one entry of
 * the shard the request is routed to (`/<shard>/proof/...` under each shard), where <entry> is
 *   - its index in the shard (decimal), or
 *   - its leaf hash (64 hex) or Rekor v1 entry UUID (80 hex: tree ID + leaf hash).
 * The proof is to the shard's latest published checkpoint, with every cosignature the checkpoint carries;
 * the `extra` line holds the entry itself (tlog-proof §Format: "additional data necessary to reconstruct
 * the record hash"), so the file alone shows what was logged — a verifier trusts it only once the proof
 * takes its hash to the signed root. Read from R2 and checked like every edge read (LogReader.entry).
 * @module
 */
import { Hono, type Context } from "hono";
import { treeIdHex } from "../rekor/v1/signing-key.ts";
import type { Log } from "../log/log.ts";
import { bytesEqual, fromHex } from "../tlog/encoding.ts";
import { formatTlogProof, TLOG_PROOF_EXTENSION } from "../tlog/proof-file.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./route-log.ts";

/** Mounted at /proof. */
export const proof = new Hono<ApiEnv>();

/**
 * tlog-proof names no media type; the file is UTF-8 text lines like the checkpoint it ends in, which C2SP
 * tlog-tiles serves as text/plain; charset=utf-8.
 */
export const TLOG_PROOF_CONTENT_TYPE = "text/plain; charset=utf-8";

const INDEX = /^(0|[1-9][0-9]{0,15})$/;
const LEAF_HASH_OR_UUID = /^([0-9a-fA-F]{16})?[0-9a-fA-F]{64}$/;

/** The shard's index of the entry a leaf hash or UUID names, or null. The D1 index is not trusted: the caller checks the leaf. */
async function indexOf(log: Log, id: string): Promise<number | null> {
  const lower = id.toLowerCase();
  if (
    lower.length === 80 &&
    lower.slice(0, 16) !== "0".repeat(16) &&
    treeIdHex((await log.v1Key()).treeId) !== lower.slice(0, 16)
  )
    return null;
  const hits = await log.index.findByLeafHash(fromHex(lower.slice(-64)));
  return hits.find((h) => h.shard === log.name)?.index ?? null;
}

async function tlogProof(c: Context<ApiEnv>): Promise<Response> {
  const log = c.var.log;
  const id = c.req.param("entry") ?? "";
  let index: number | null;
  if (INDEX.test(id)) index = Number(id);
  else if (LEAF_HASH_OR_UUID.test(id)) index = await indexOf(log, id);
  else
    throw new ApiError(400, "the entry must be a log index (decimal), a leaf hash (64 hex) or an entry UUID (80 hex)");
  if (index === null || !Number.isSafeInteger(index)) throw new ApiError(404, `no entry ${id} in this log`);
  const reader = log.reader();
  const cp = await reader.checkpoint(index + 1);
  if (index >= cp.size) throw new ApiError(404, `no entry at index ${index}`);
  const entry = await reader.entry(index, cp);
  if (!INDEX.test(id) && !bytesEqual(entry.leafHash, fromHex(id.toLowerCase().slice(-64)))) {
    console.error(`search index: ${id} points at ${log.name}/${index}, which holds another entry`);
    throw new ApiError(404, `no entry ${id} in this log`);
  }
  const body = formatTlogProof({ extra: entry.leaf, index, proof: entry.inclusionProof, checkpoint: cp.note });
  const { checkpointMaxAgeSeconds } = log.config;
  const file = `${cp.origin.replace(/[^A-Za-z0-9.-]+/g, "_")}-${index}${TLOG_PROOF_EXTENSION}`;
  return new Response(body, {
    headers: {
      "Content-Type": TLOG_PROOF_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="${file}"`,
      // The proof is to the latest checkpoint, which tlog-tiles says SHOULD NOT be cached beyond a few seconds.
      "Cache-Control": checkpointMaxAgeSeconds > 0 ? `public, max-age=${checkpointMaxAgeSeconds}` : "no-store",
    },
  });
}

proof.get("/:entry", tlogProof);
