/**
 * Errors and their bodies. Handlers throw an ApiError with its status (STYLE §6), or let an error of
 * the layers below through (a log without a readable checkpoint, an entry index past the tree, a
 * malformed v1 UUID); each maps to one status here. Two handlers give them the API's two body shapes:
 * Rekor v1 (go-swagger) and Rekor v2 (grpc-gateway). Anything else is a bug, logged and answered 500.
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { NoCheckpointError, NoEntryError } from "../log/reader.ts";
import { V1LookupError } from "../log/v1-shards.ts";
import { WitnessedCheckpointUnavailable } from "../log/witnessed-checkpoints.ts";

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 503,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The ApiError an error stands for, or null for a bug. */
function apiError(err: Error): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof NoCheckpointError) return new ApiError(503, err.message, { "Retry-After": "1" });
  if (err instanceof NoEntryError) return new ApiError(404, err.message);
  if (err instanceof WitnessedCheckpointUnavailable) {
    console.error("witnessed checkpoint:", err.message);
    return new ApiError(503, "the earliest cosigned checkpoint covering the entry does not verify", {
      "Retry-After": "60",
    });
  }
  if (err instanceof V1LookupError) return new ApiError(err.reason === "malformed" ? 400 : 404, err.message);
  return null;
}

/** Rekor v1's error body: {code, message} with the HTTP status as code, as go-swagger answers. */
export function rekorV1Error(err: Error, c: Context): Response {
  const e = apiError(err);
  if (e) return c.json({ code: e.status, message: e.message }, e.status, e.headers);
  if (err instanceof HTTPException)
    return c.json({ code: err.status, message: err.message || "request rejected" }, err.status);
  console.error("unhandled error:", err);
  return c.json({ code: 500, message: "internal error" }, 500);
}

/** HTTP status → gRPC code, as grpc-gateway maps them back (google.golang.org/grpc/codes). */
export const GRPC_CODE: Record<number, number> = { 400: 3, 404: 5, 405: 12, 409: 6, 413: 8, 415: 3, 429: 8, 503: 14 };

/** Rekor v2's error body: grpc-gateway's {code, message, details} with the gRPC code. */
export function grpcGatewayError(err: Error, c: Context): Response {
  const e = apiError(err);
  if (e) return c.json({ code: GRPC_CODE[e.status] ?? 2, message: e.message, details: [] }, e.status, e.headers);
  console.error("unhandled error:", err);
  return c.json({ code: 13, message: "internal error", details: [] }, 500);
}
