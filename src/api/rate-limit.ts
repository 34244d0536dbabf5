/**
 * Per-client rate limit on every request that makes the edge verify signatures: entry submissions
 * (POST …/api/v1/log/entries, POST …/api/v2/log/entries, and the test-only POST /add), Rekor v1
 * lookups by proposed entry (POST …/api/v1/log/entries/retrieve), index searches (POST
 * …/api/v1/index/retrieve) and verifiable search (GET …/api/v2/search). A refused request gets 429
 * with Retry-After and a JSON error before its body is read. Other reads (tiles, checkpoints, lookups
 * by UUID or index) are cached at the edge and not limited.
 *
 * A client is an IPv4 address or an IPv6 /64 (src/api/client-address.ts). Two limiters:
 * - Cloudflare's Workers Rate Limiting binding LIMITER ([[ratelimits]] in wrangler.toml), when the
 *   Worker has it: counters shared by every isolate in a Cloudflare location, its limit and period
 *   set in wrangler.toml. Retry-After is its period.
 * - Otherwise (or if the binding fails), a token bucket per client in this isolate's memory:
 *   RATE_LIMIT_PER_MINUTE = N lets a client make N such requests at once and N per minute after that
 *   (tokens refill continuously); "0" or unset turns it off. This is a brake on one client hammering
 *   one isolate, not a quota: Cloudflare runs many isolates.
 * The log's own backstop behind both is the sequencer's pool cap (503 + Retry-After).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { clientKey } from "./client-address.ts";
import { ApiError } from "./errors.ts";

/** Buckets kept per isolate at most; beyond this the least recently used are forgotten (a full bucket again). */
const MAX_CLIENTS = 10_000;

/**
 * The period of the LIMITER binding in wrangler.toml (Cloudflare allows 10 or 60 s), sent as Retry-After:
 * the binding does not say when a client's window ends, and a window is never longer than its period.
 */
export const LIMITER_PERIOD_SECONDS = 10;

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, ms. */
  at: number;
}

/** Token buckets keyed by client; `now` is injectable for tests. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `client`: 0 if allowed, else the seconds until one is available. */
  take(client: string): number {
    const now = this.now();
    const b = this.buckets.get(client) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / 60_000);
    b.at = now;
    this.buckets.delete(client); // re-insert: Map order is least recently used first
    this.buckets.set(client, b);
    if (this.buckets.size > MAX_CLIENTS) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / this.perMinute));
  }
}

/** RATE_LIMIT_PER_MINUTE: a whole number ≥ 0; 0 (or unset) is off. */
export function rateLimitPerMinute(env: object): number {
  const v: unknown = Reflect.get(env, "RATE_LIMIT_PER_MINUTE");
  if (v === undefined || v === "") return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw new Error(`config: RATE_LIMIT_PER_MINUTE must be a whole number from 0 to 1000000, got ${String(v)}`);
  return n;
}

/** The limited requests (any shard prefix; Hono serves HEAD with the GET handler). */
const LIMITED: [methods: string[], path: RegExp][] = [
  [["POST"], /\/log\/entries\/?$/],
  [["POST"], /\/api\/v1\/log\/entries\/retrieve\/?$/],
  [["POST"], /\/api\/v1\/index\/retrieve\/?$/],
  [["GET", "HEAD"], /\/api\/v2\/search\/?$/],
  [["POST"], /^\/add$/],
];

/** Does this request make the edge verify signatures (and so count against the client's limit)? */
export function isRateLimited(method: string, path: string): boolean {
  return LIMITED.some(([methods, re]) => methods.includes(method) && re.test(path));
}

let isolateLimiter: { perMinute: number; limiter: RateLimiter } | undefined;

/** The in-isolate limiter's answer: seconds to wait, or 0. */
function takeInIsolate(perMinute: number, client: string): number {
  if (perMinute === 0) return 0;
  if (isolateLimiter?.perMinute !== perMinute) isolateLimiter = { perMinute, limiter: new RateLimiter(perMinute) };
  return isolateLimiter.limiter.take(client);
}

const refuse = (wait: number, limit: string) =>
  new ApiError(429, `too many requests from this client${limit}; retry in ${wait} s`, { "Retry-After": String(wait) });

/** The middleware: mount it before the routes it limits (`router.use("*", rateLimit)`). */
export const rateLimit: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  if (!isRateLimited(c.req.method, c.req.path)) return next();
  const perMinute = rateLimitPerMinute(c.env);
  const client = clientKey(c.req.raw.headers);
  const outcome = await askBinding(c.env.LIMITER as RateLimit | undefined, client);
  if (outcome === "refused") throw refuse(LIMITER_PERIOD_SECONDS, "");
  if (outcome === "no answer") {
    const wait = takeInIsolate(perMinute, client);
    if (wait > 0) throw refuse(wait, `: at most ${perMinute} per minute`);
  }
  return next();
};

/** The LIMITER binding's verdict; "no answer" when there is no binding or it failed (then the in-isolate limiter decides). */
async function askBinding(
  binding: RateLimit | undefined,
  client: string,
): Promise<"allowed" | "refused" | "no answer"> {
  if (!binding || typeof binding.limit !== "function") return "no answer";
  try {
    return (await binding.limit({ key: client })).success ? "allowed" : "refused";
  } catch (e) {
    console.error("rate limit binding failed; using the in-isolate limiter:", e);
    return "no answer";
  }
}
