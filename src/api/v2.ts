/**
 * Rekor v2 write API: POST /api/v2/log/entries (rekor-tiles api/proto/rekor/v2/rekor_service.proto).
 * Errors use grpc-gateway's JSON shape {code, message, details} with gRPC codes.
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { readConfig } from "../config.ts";
import { checkpointKey } from "../log-keys.ts";
import { RequestError } from "../rekor/errors.ts";
import { canonicalizeCreateEntryRequest } from "../rekor/v2/entry.ts";
import { transparencyLogEntry } from "../rekor/v2/tle.ts";
import { ApiError } from "./errors.ts";
import { appendLeaf } from "./sequencer-client.ts";
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
    let entry;
    try {
      entry = await canonicalizeCreateEntryRequest(json);
    } catch (e) {
      if (e instanceof RequestError) throw new ApiError(400, e.message);
      throw e;
    }
    const r = await appendLeaf(c.env, entry.body);
    if (r.kind === "duplicate") {
      throw new ApiError(409, `an equivalent entry already exists in the transparency log with index ${r.index}`, { "x-log-index": String(r.index) });
    }
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

v2.on(["GET", "PUT", "DELETE", "PATCH"], "/api/v2/log/entries", () => {
  throw new ApiError(405, "method not allowed: use POST", { Allow: "POST" });
});
