/**
 * Rekor v2 write API: POST /api/v2/log/entries (rekor-tiles api/proto/rekor/v2/rekor_service.proto).
 * Errors use grpc-gateway's JSON shape {code, message, details} with gRPC codes.
 * @module
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { readConfig } from "../config.ts";
import { checkpointKey } from "../log-keys.ts";
import { RequestError } from "../rekor/errors.ts";
import { canonicalizeCreateEntryRequest, type CanonicalEntry } from "../rekor/v2/entry.ts";
import { TRANSPARENCY_LOG_ENTRY_TYPE_URL, transparencyLogEntry, type TransparencyLogEntryJson } from "../rekor/v2/tle.ts";
import { ValidityCheck } from "../rekor/validity-check.ts";
import { bytesEqual } from "../tlog/encoding.ts";
import { hashLeaf } from "../tlog/hash.ts";
import { checkInclusion } from "../tlog/proof.ts";
import { ApiError } from "./errors.ts";
import { LogReader } from "./log-reader.ts";
import { appendLeaf, findLeaf } from "./sequencer-client.ts";
import { readJsonBody } from "./json-body.ts";

export const v2 = new Hono<{ Bindings: Env }>();

/** HTTP status → gRPC code, as grpc-gateway maps them back (google.golang.org/grpc/codes). */
export const GRPC_CODE: Record<number, number> = { 400: 3, 404: 5, 405: 12, 409: 6, 413: 8, 415: 3, 429: 8, 503: 14 };

v2.onError((err, c) => {
  if (err instanceof ApiError) return c.json({ code: GRPC_CODE[err.status] ?? 2, message: err.message, details: [] }, err.status, err.headers);
  console.error("v2:", err);
  return c.json({ code: 13, message: "internal error", details: [] }, 500);
});

v2.post(
  "/api/v2/log/entries",
  (c, next) => bodyLimit({ maxSize: readConfig(c.env as unknown as Record<string, unknown>).maxBodyBytes, onError: () => {
    throw new ApiError(413, `request body exceeds ${readConfig(c.env as unknown as Record<string, unknown>).maxBodyBytes} bytes`);
  } })(c, next),
  async (c) => {
    const json = await readJsonBody(c);
    const validity = ValidityCheck.deferred();
    let entry;
    try {
      const { acceptNonDefaultKeyDetails } = readConfig(c.env as unknown as Record<string, unknown>);
      entry = await canonicalizeCreateEntryRequest(json, { validity, acceptNonDefaultKeyDetails });
    } catch (e) {
      // Such an entry cannot be logged already: its certificate's problem, noted first, is the one to name.
      if (e instanceof RequestError) throw new ApiError(400, validity.problem ?? e.message);
      throw e;
    }
    if (validity.problem !== null) {
      // A retry of an entry logged while its certificate was valid is a duplicate, not a bad request.
      const index = await findLeaf(c.env, entry.body);
      if (index === null) throw new ApiError(400, validity.problem);
      return duplicate(c, entry, index);
    }
    const r = await appendLeaf(c.env, entry.body);
    if (r.kind === "duplicate") return duplicate(c, entry, r.index);
    const tle = transparencyLogEntry({
      index: r.index,
      logId: checkpointKey(c.env).logId,
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
async function duplicate(c: Context<{ Bindings: Env }>, entry: CanonicalEntry, index: number): Promise<Response> {
  const details: Record<string, unknown>[] = [];
  try {
    details.push({ "@type": TRANSPARENCY_LOG_ENTRY_TYPE_URL, ...(await loggedEntry(c.env, entry, index)) });
  } catch (e) {
    console.error(`v2: reading the duplicate at ${index}:`, e);
  }
  const message = `an equivalent entry already exists in the transparency log with index ${index}`;
  return c.json({ code: GRPC_CODE[409], message, details }, 409, { "x-log-index": String(index) });
}

/** Entry `index`, checked to be `entry`'s leaf and proven against the shard's current checkpoint. */
async function loggedEntry(env: Env, entry: CanonicalEntry, index: number): Promise<TransparencyLogEntryJson> {
  const reader = new LogReader(env);
  const cp = await reader.checkpoint();
  const stored = await reader.entry(index, cp);
  if (!bytesEqual(stored.leaf, entry.body)) throw new Error(`the leaf at ${index} is not the one submitted`);
  checkInclusion(stored.inclusionProof, index, cp.size, hashLeaf(stored.leaf), cp.root);
  return transparencyLogEntry({
    index,
    logId: checkpointKey(env).logId,
    kind: entry.kind,
    version: entry.apiVersion,
    body: stored.leaf,
    checkpoint: cp.note,
    inclusionProof: stored.inclusionProof,
  });
}

v2.on(["GET", "PUT", "DELETE", "PATCH"], "/api/v2/log/entries", () => {
  throw new ApiError(405, "method not allowed: use POST", { Allow: "POST" });
});
