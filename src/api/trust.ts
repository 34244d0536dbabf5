/**
 * The trust files (rekor-api.md §3.4), at stable URLs:
 *   GET /api/v1/trust/trusted_root.json     TrustedRoot listing every shard of the deployment
 *   GET /api/v1/trust/signing_config.json   SigningConfig v0.2 pointing at the shard taking writes
 *   GET /<shard>/api/v1/trust/...           the same for that shard alone
 * Clients combine them with their own CAs/TSAs (e.g. `cosign trusted-root create`, or merge `tlogs`
 * and `rekorTlogUrls` into Sigstore's). Built in src/shards/trust.ts.
 * @module
 */
import { Hono, type Context } from "hono";
import { readDeployment, routedPrefix } from "../shards/shards.ts";
import { signingConfig, trustedRoot } from "../shards/trust.ts";

export const trust = new Hono<{ Bindings: Env }>();

/** They change only when the deployment's configuration does. */
const CACHE = { "Cache-Control": "public, max-age=300" };

/** The shards a request is about: the one its path named, else the whole deployment. */
function scope(c: Context<{ Bindings: Env }>) {
  const d = readDeployment(c.env);
  const prefix = routedPrefix(c.env);
  return prefix ? [d.byName.get(prefix.slice(1))!] : d.shards;
}

/** The request's scheme: used only by a local log (a public one is always https, src/shards/shards.ts). */
const scheme = (c: Context) => new URL(c.req.url).protocol;

trust.get("/api/v1/trust/trusted_root.json", async (c) => c.json(await trustedRoot(c.env, scope(c), scheme(c)), 200, CACHE));
trust.get("/api/v1/trust/signing_config.json", (c) => c.json(signingConfig(scope(c), scheme(c)), 200, CACHE));
