/**
 * Per-client submission rate limit: a token bucket per client IP (CF-Connecting-IP), kept in the
 * isolate's memory. RATE_LIMIT_PER_MINUTE = N lets a client submit N entries at once and N per
 * minute after that (tokens refill continuously); "0" or unset turns it off (the default, and local
 * dev). A refused submission gets 429 with Retry-After and a JSON error, before its body is read.
 *
 * Only submissions are limited (POST …/log/entries, and the test-only POST /add); reads are cached
 * at the edge and never limited. The buckets are per isolate, so this is a brake on one client
 * hammering one location, not a global quota: Cloudflare runs many isolates. A global limit belongs
 * in front of the Worker (a WAF rate-limiting rule); the log's own backstop is the sequencer's pool
 * cap (503 + Retry-After).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";

/** Buckets kept per isolate at most; beyond this the least recently used are forgotten (a full bucket again). */
const MAX_CLIENTS = 10_000;

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
export function rateLimitPerMinute(env: Partial<Record<string, unknown>>): number {
  const v = env.RATE_LIMIT_PER_MINUTE;
  if (v === undefined || v === "") return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error(`config: RATE_LIMIT_PER_MINUTE must be a whole number from 0 to 1000000, got ${String(v)}`);
  return n;
}

/** Is this request a submission (any shard prefix)? */
export function isSubmission(method: string, path: string): boolean {
  return method === "POST" && (/\/log\/entries\/?$/.test(path) || path === "/add");
}

let limiter: { perMinute: number; limiter: RateLimiter } | undefined;

/** The middleware: mount it before the write routes (`router.use("*", rateLimit)`). */
export const rateLimit: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  if (!isSubmission(c.req.method, c.req.path)) return next();
  const perMinute = rateLimitPerMinute(c.env as unknown as Record<string, unknown>);
  if (perMinute === 0) return next();
  if (limiter?.perMinute !== perMinute) limiter = { perMinute, limiter: new RateLimiter(perMinute) };
  const client = c.req.header("CF-Connecting-IP") ?? "unknown";
  const wait = limiter.limiter.take(client);
  if (wait > 0) {
    throw new ApiError(429, `too many submissions from this client: at most ${perMinute} per minute; retry in ${wait} s`, { "Retry-After": String(wait) });
  }
  return next();
};
