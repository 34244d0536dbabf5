/**
 * The web explorer: a page at `/` (and `/<shard>/`) that searches the log and verifies entries
 * in the browser with src/tlog, plus its script and stylesheet. Built from explorer/ by
 * scripts/build-explorer.ts into explorer-assets.generated.ts; no external resources, so it works
 * offline against a local log. The script and stylesheet go out gzip'd to browsers (content-encoding.ts).
 *
 * The page is told which shard it is for and the deployment's shards (names, origins, states); it learns
 * the keys from the published trust root like any client would (explorer/trust.ts).
 * @module
 */
import { Hono, type Context } from "hono";
import { EXPLORER_CSS, EXPLORER_HTML, EXPLORER_JS, EXPLORER_VERSION } from "./explorer-assets.generated.ts";
import type { ApiEnv } from "./route-log.ts";
import { gzippedOnce, negotiated } from "./content-encoding.ts";

export const explorer = new Hono<ApiEnv>();

/** Only this origin's script, styles and API: nothing else loads, nothing frames the page. */
const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
};

/** The script and stylesheet are addressed by version (?v=), so a cached copy is always the right one. */
const ASSET_HEADERS = { "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=31536000, immutable" };

/** JSON safe inside a <script> element: no "<" can end it. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

function page(c: Context<ApiEnv>): Response {
  const prefix = c.var.prefix;
  const deployment = c.var.deployment;
  const shards = deployment.logs.map((s) => ({ name: s.name, origin: s.config.origin, state: s.state }));
  // At `/` the page shows the shard taking writes (even on a frozen shard's own host); at `/<shard>/` that shard.
  const config = { prefix, shard: prefix ? c.var.log.name : deployment.active.name, shards };
  const html = EXPLORER_HTML.replaceAll("{{PREFIX}}", prefix)
    .replaceAll("{{VERSION}}", EXPLORER_VERSION)
    .replace("{{CONFIG}}", scriptJson(config));
  return c.body(html, 200, { ...PAGE_HEADERS, "Content-Type": "text/html; charset=utf-8" });
}

explorer.get("/", page);
/**
 * An asset's bytes, encoded on its first request rather than on every one (the script is about 150 KB of UTF-8),
 * and their gzip, made once too (content-encoding.ts): the assets are fixed per deployment.
 */
function asset(text: string, type: string): (c: Context<ApiEnv>) => Promise<Response> {
  let bytes: Uint8Array | undefined;
  const identity = () => (bytes ??= new TextEncoder().encode(text));
  const gzipped = gzippedOnce(identity);
  const headers = { ...ASSET_HEADERS, "Content-Type": type };
  return (c) => negotiated(c.req.raw, identity(), headers, gzipped);
}

explorer.get("/explorer/app.js", asset(EXPLORER_JS, "text/javascript; charset=utf-8"));
explorer.get("/explorer/app.css", asset(EXPLORER_CSS, "text/css; charset=utf-8"));
