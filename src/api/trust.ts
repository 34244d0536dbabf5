/**
 * The trust files (rekor-api.md §3.4), at stable URLs:
 *   GET /api/v1/trust/trusted_root.json     TrustedRoot listing every shard of the deployment
 *   GET /api/v1/trust/signing_config.json   SigningConfig v0.2 pointing at the shard taking writes
 *   GET /<shard>/api/v1/trust/...           the same for that shard alone
 * Clients combine them with their own CAs/TSAs (e.g. `cosign trusted-root create`, or merge `tlogs`
 * and `rekorTlogUrls` into Sigstore's). Built in src/log/trust.ts.
 * @module
 */
import { Hono, type Context } from "hono";
import { signingConfig, trustedRoot } from "../log/trust.ts";
import type { ApiEnv } from "./route-log.ts";

export const trust = new Hono<ApiEnv>();

/** They change only when the deployment's configuration does. */
const CACHE = { "Cache-Control": "public, max-age=300" };

/** The shards a request is about: the one its path named, else the whole deployment. */
function scope(c: Context<ApiEnv>) {
  return c.var.prefix ? [c.var.log] : c.var.deployment.logs;
}

/** The request's scheme: used only by a local log (a public one is always https, src/log/deployment.ts). */
const scheme = (c: Context) => new URL(c.req.url).protocol;

trust.get("/trust/trusted_root.json", async (c) =>
  c.json(await trustedRoot(c.var.deployment, scope(c), scheme(c)), 200, CACHE),
);
trust.get("/trust/signing_config.json", (c) => c.json(signingConfig(scope(c), scheme(c)), 200, CACHE));
