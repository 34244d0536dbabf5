/**
 * Error classes that carry their HTTP status (STYLE §6). One onError maps them to the API's
 * body shape; anything else is a bug, logged and answered with a JSON 500.
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 503,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResponse(c: Context, err: Error): Response {
  if (err instanceof ApiError) {
    return c.json({ code: err.status, message: err.message }, err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    return c.json({ code: err.status, message: err.message || "request rejected" }, err.status);
  }
  console.error("unhandled error:", err);
  return c.json({ code: 500, message: "internal error" }, 500);
}
