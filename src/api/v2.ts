/**
 * Rekor v2 write API: POST /api/v2/log/entries (rekor-tiles api/proto/rekor/v2/rekor_service.proto),
 * mounted under /api/v2 (src/index.ts), whose errors take grpc-gateway's shape (errors.ts).
 * @module
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Log } from "../log/log.ts";
import { RequestError } from "../rekor/errors.ts";
import { canonicalizeCreateEntryRequest, type CanonicalEntry } from "../rekor/v2/entry.ts";
import {
  TRANSPARENCY_LOG_ENTRY_TYPE_URL,
  transparencyLogEntry,
  type TransparencyLogEntryJson,
} from "../rekor/v2/tle.ts";
import { ValidityCheck } from "../rekor/validity-check.ts";
import { bytesEqual } from "../tlog/encoding.ts";
import { hashLeaf } from "../tlog/hash.ts";
import { checkInclusion } from "../tlog/proof.ts";
import { ApiError, GRPC_CODE } from "./errors.ts";
import { appendLeaf, findLeaf } from "./sequencer-client.ts";
import { readJsonBody } from "./json-body.ts";
import type { ApiEnv } from "./route-log.ts";

export const v2 = new Hono<ApiEnv>();

v2.post(
  "/log/entries",
  (c, next) => {
    const { maxBodyBytes } = c.var.log.config;
    return bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new ApiError(413, `request body exceeds ${maxBodyBytes} bytes`);
      },
    })(c, next);
  },
  async (c) => {
    const log = c.var.log;
    const json = await readJsonBody(c);
    const validity = ValidityCheck.deferred();
    let entry;
    try {
      const { acceptNonDefaultKeyDetails } = log.config;
      entry = await canonicalizeCreateEntryRequest(json, { validity, acceptNonDefaultKeyDetails });
    } catch (e) {
      // Such an entry cannot be logged already: its certificate's problem, noted first, is the one to name.
      if (e instanceof RequestError) throw new ApiError(400, validity.problem ?? e.message);
      throw e;
    }
    if (validity.problem !== null) {
      // A retry of an entry logged while its certificate was valid is a duplicate, not a bad request.
      const index = await findLeaf(log, entry.body);
      if (index === null) throw new ApiError(400, validity.problem);
      return duplicate(c, entry, index);
    }
    const r = await appendLeaf(log, entry.body);
    if (r.kind === "duplicate") return duplicate(c, entry, r.index);
    const tle = transparencyLogEntry({
      index: r.index,
      logId: log.checkpointKey().logId,
      kind: entry.kind,
      version: entry.apiVersion,
      body: entry.body,
      checkpoint: r.checkpoint,
      inclusionProof: r.inclusionProof,
    });
    return c.json(tle, 201);
  },
);

/**
 * 409 AlreadyExists with `x-log-index`, as rekor-tiles answers, and the logged entry in `details` as a typed
 * Any (what grpc-gateway writes for a status detail), so a client retrying after a lost answer gets the entry
 * and a proof against the current checkpoint. Should the entry not be readable, the 409 goes without it.
 */
async function duplicate(c: Context<ApiEnv>, entry: CanonicalEntry, index: number): Promise<Response> {
  const details: Record<string, unknown>[] = [];
  try {
    details.push({ "@type": TRANSPARENCY_LOG_ENTRY_TYPE_URL, ...(await loggedEntry(c.var.log, entry, index)) });
  } catch (e) {
    console.error(`v2: reading the duplicate at ${index}:`, e);
  }
  const message = `an equivalent entry already exists in the transparency log with index ${index}`;
  return c.json({ code: GRPC_CODE[409], message, details }, 409, { "x-log-index": String(index) });
}

/** Entry `index`, checked to be `entry`'s leaf and proven against the shard's current checkpoint. */
async function loggedEntry(log: Log, entry: CanonicalEntry, index: number): Promise<TransparencyLogEntryJson> {
  const reader = log.reader();
  const cp = await reader.checkpoint();
  const stored = await reader.entry(index, cp);
  if (!bytesEqual(stored.leaf, entry.body)) throw new Error(`the leaf at ${index} is not the one submitted`);
  checkInclusion(stored.inclusionProof, index, cp.size, hashLeaf(stored.leaf), cp.root);
  return transparencyLogEntry({
    index,
    logId: log.checkpointKey().logId,
    kind: entry.kind,
    version: entry.apiVersion,
    body: stored.leaf,
    checkpoint: cp.note,
    inclusionProof: stored.inclusionProof,
  });
}

v2.on(["GET", "PUT", "DELETE", "PATCH"], "/log/entries", () => {
  throw new ApiError(405, "method not allowed: use POST", { Allow: "POST" });
});
