/**
 * Writes to a shard that does not take them: a frozen shard answers 405 as rekor-tiles does in
 * read-only mode (HTTP 405, body "This log has been frozen, please switch to the latest log."), a
 * pending one likewise with its own message. Checked at the edge before any parsing; the shard's
 * Sequencer refuses them too (src/config.ts writeRefusal), so nothing can be appended to a frozen log.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { readConfig, writeRefusal } from "../config.ts";

export const refuseWritesToFrozenShards: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  if (c.req.method !== "POST") return next();
  const v2 = c.req.path === "/api/v2/log/entries";
  if (!v2 && c.req.path !== "/api/v1/log/entries") return next();
  const refusal = writeRefusal(readConfig(c.env as unknown as Record<string, unknown>));
  if (refusal === null) return next();
  // rekor-tiles writes the message itself as the body (its x-http-error-message); Rekor v1 errors are {code, message}.
  return v2 ? c.text(`${refusal}\n`, 405) : c.json({ code: 405, message: refusal }, 405);
};
