/**
 * 405 Method Not Allowed, with an `Allow` header (RFC 9110 §15.5.6), for a known path asked with a method it does
 * not serve; unknown paths fall through to the 404 handler. The known paths and their methods come from the OpenAPI
 * document (src/api/openapi.ts, kept true by test/api/openapi.test.ts), plus the test-only `POST /add` when it is
 * enabled, so a new operation is covered as soon as it is documented.
 *
 * Mount it before the routers, after CORS (which answers every OPTIONS preflight itself):
 *   app.use("*", methodNotAllowed);
 * Without it, a wrong method falls through to the 404 handler, or worse, to another route: `GET
 * /api/v1/log/entries/retrieve` would be read as a lookup of the entry UUID "retrieve".
 *
 * Errors take the shape of the API the path belongs to: grpc-gateway's `{code: 12 (UNIMPLEMENTED), message,
 * details: []}` under /api/v2/ (as grpc-gateway answers a method it has no binding for), `{code: 405, message}`
 * elsewhere.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ApiError, grpcGatewayError, rekorV1Error } from "./errors.ts";
import { OPENAPI } from "./openapi.ts";
import type { ApiEnv } from "./route-log.ts";

interface KnownPath {
  /** Matches the request path (Hono's `c.req.path`). */
  pattern: RegExp;
  /** A path without parameters; it wins over templates ("/api/v1/log/entries/retrieve" over ".../{entryUUID}"). */
  literal: boolean;
  methods: readonly string[];
}

/** Every tile and bundle is served by one router over `/tile/*` (and `/api/v2/tile/*`), whose parser answers 400 for malformed paths. */
const TILE_PATTERN = /^(\/api\/v2)?\/tile\/.+$/;

function compile(template: string, methods: readonly string[]): KnownPath {
  if (/^(\/api\/v2)?\/tile\//.test(template)) return { pattern: TILE_PATTERN, literal: false, methods };
  // A key's value objects are named by several path segments (chunk/<i>.p/<n>, tile/<L>/<t>).
  if (template.startsWith("/index/value/")) return { pattern: /^\/index\/value\/[^/]+\/.+$/, literal: false, methods };
  const literal = !template.includes("{");
  // A trailing {path} (a mirrored log's tile path) spans segments.
  const source = template
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\{path\}$/, ".+")
    .replace(/\{[^}/]+\}/g, "[^/]+");
  return { pattern: new RegExp(`^${source}$`), literal, methods };
}

const DOCUMENTED: readonly KnownPath[] = Object.entries(OPENAPI.paths)
  .map(([template, ops]) =>
    compile(
      template,
      Object.keys(ops).map((m) => m.toUpperCase()),
    ),
  )
  .sort((a, b) => Number(b.literal) - Number(a.literal));

const TEST_APPEND: KnownPath = { pattern: /^\/add$/, literal: true, methods: ["POST"] };

/**
 * The methods `path` answers, HEAD included wherever GET is (Hono serves HEAD from GET routes), or null when the
 * path is not one of the log's.
 */
export function allowedMethods(path: string, testAppendEnabled: boolean): string[] | null {
  if (path === "/add") return testAppendEnabled ? withHead(TEST_APPEND.methods) : null;
  const found = DOCUMENTED.find((k) => k.pattern.test(path));
  return found ? withHead(found.methods) : null;
}

function withHead(methods: readonly string[]): string[] {
  const out = [...methods];
  if (out.includes("GET") && !out.includes("HEAD")) out.splice(out.indexOf("GET") + 1, 0, "HEAD");
  return out;
}

export const methodNotAllowed: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const method = c.req.method;
  if (method === "OPTIONS") return next(); // CORS preflight, answered by the cors middleware
  const path = c.req.path;
  const testAppend = path === "/add" && c.var.log.config.enableTestAppend;
  const allowed = allowedMethods(path, testAppend);
  if (allowed === null || allowed.includes(method)) return next();
  const allow = allowed.join(", ");
  const message = `method ${method} is not allowed on ${path}; allowed: ${allow}`;
  const refusal = new ApiError(405, message, { Allow: allow });
  return path.startsWith("/api/v2/") ? grpcGatewayError(refusal, c) : rekorV1Error(refusal, c);
};
