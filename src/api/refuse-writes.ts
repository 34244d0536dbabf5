/**
 * Writes to a shard that does not take them: a frozen shard answers 405 as rekor-tiles does in
 * read-only mode (HTTP 405, body "This log has been frozen, please switch to the latest log."), a
 * pending one likewise with its own message. Checked at the edge before any parsing; the shard's
 * Sequencer refuses them too (src/config.ts writeRefusal), so nothing can be appended to a frozen log.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { writeRefusal } from "../config.ts";
import { ApiError, rekorV1Error } from "./errors.ts";
import type { ApiEnv } from "./route-log.ts";

export const refuseWritesToFrozenShards: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (c.req.method !== "POST") return next();
  const v2 = c.req.path === "/api/v2/log/entries";
  if (!v2 && c.req.path !== "/api/v1/log/entries") return next();
  const refusal = writeRefusal(c.var.log.config);
  if (refusal === null) return next();
  // rekor-tiles writes the message itself as the body (its x-http-error-message).
  return v2 ? c.text(`${refusal}\n`, 405) : rekorV1Error(new ApiError(405, refusal), c);
};
