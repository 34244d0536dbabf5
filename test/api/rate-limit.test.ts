// Per-client rate limit (src/api/rate-limit.ts) on every request that makes the edge verify
// signatures: Cloudflare's Workers Rate Limiting binding LIMITER when the Worker has it (here a fake
// one that records what it is asked), else the in-isolate token bucket (RATE_LIMIT_PER_MINUTE). A
// client is an IPv4 address or an IPv6 /64. A refused request gets 429, Retry-After and a JSON error
// before its body is read: the bodies here record whether anything pulled them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clientKey } from "../../src/api/client-address.ts";
import { isRateLimited, LIMITER_PERIOD_SECONDS, RateLimiter, rateLimitPerMinute } from "../../src/api/rate-limit.ts";
import { app } from "../../src/index.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { enc } from "../helpers/log.ts";
import { recordingBody } from "../helpers/recording-body.ts";

const vars = env as unknown as Record<string, unknown>;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** The Worker as a deployment whose one shard is new, with extra vars and bindings (LIMITER: undefined = none). */
function worker(extra: Record<string, unknown> = {}) {
  const shard = `rl-${crypto.randomUUID().slice(0, 8)}`;
  const e = { ...vars, SHARDS: shard, ...extra } as unknown as Env;
  const call = (path: string, init?: RequestInit) =>
    app.fetch(new Request(`http://localhost:8787${path}`, init), e, ctx);
  return Object.assign(call, { shard });
}

/** A stand-in for the LIMITER binding: each key may make `perKey` requests, then is refused; records every key asked about. */
function fakeLimiter(perKey: number): RateLimit & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    async limit({ key }: RateLimitOptions) {
      keys.push(key);
      return { success: keys.filter((k) => k === key).length <= perKey };
    },
  };
}

const key = p256Key();
const json = (ip: string, body: BodyInit) => ({
  method: "POST",
  headers: { "content-type": "application/json", "CF-Connecting-IP": ip },
  body,
});
function submit(call: ReturnType<typeof worker>, what: string, ip = "192.0.2.1") {
  return call("/api/v2/log/entries", json(ip, JSON.stringify(hashedRekordV2(key, enc(what)))));
}
/** A cheap limited request: a v1 retrieve with nothing to look up (400 when let through). */
const retrieve = (call: ReturnType<typeof worker>, headers: Record<string, string>) =>
  call("/api/v1/log/entries/retrieve", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: "{}",
  });

/** A 429 in the body shape of the API asked: Rekor v1's {code: 429, message}, or grpc-gateway's under /api/v2. */
async function expect429(r: Response, what: string, retryAfter?: number, api: "v1" | "v2" = "v1") {
  expect(r.status, what).toBe(429);
  if (retryAfter !== undefined) expect(r.headers.get("Retry-After"), what).toBe(String(retryAfter));
  else expect(Number(r.headers.get("Retry-After")), what).toBeGreaterThanOrEqual(1);
  expect(r.headers.get("content-type"), what).toMatch(/application\/json/);
  const body = (await r.json()) as { code: number; message: string };
  const message = expect.stringMatching(/too many requests from this client/);
  // grpc-gateway: RESOURCE_EXHAUSTED (8), which it answers as HTTP 429.
  if (api === "v2") expect(body, what).toEqual({ code: 8, message, details: [] });
  else expect(body, what).toEqual({ code: 429, message });
  return body;
}

describe("rate limit with the LIMITER binding", () => {
  it("covers every route that verifies signatures, under any shard prefix, and refuses before reading the body", async () => {
    const limiter = fakeLimiter(0);
    const call = worker({ LIMITER: limiter });
    const posts = [
      "/api/v1/log/entries",
      "/api/v2/log/entries",
      "/api/v1/log/entries/retrieve",
      "/api/v1/index/retrieve",
      "/add",
      `/${call.shard}/api/v2/log/entries`,
      `/${call.shard}/api/v1/log/entries/retrieve`,
    ];
    for (const path of posts) {
      const body = recordingBody(4, 1024);
      const api = path.includes("/api/v2/") ? "v2" : "v1";
      await expect429(await call(path, json("198.51.100.20", body.stream)), path, LIMITER_PERIOD_SECONDS, api);
      expect(body.pulled, path).toBe(0);
    }
    for (const path of [
      `/api/v2/search?digest=sha256:${"ab".repeat(32)}`,
      `/${call.shard}/api/v2/search?email=a@example.com`,
    ]) {
      await expect429(
        await call(path, { headers: { "CF-Connecting-IP": "198.51.100.20" } }),
        path,
        LIMITER_PERIOD_SECONDS,
        "v2",
      );
    }
    expect(limiter.keys).toEqual(Array(posts.length + 2).fill("ip4:198.51.100.20"));
  });

  it("does not limit reads that verify nothing, nor ask the binding about them", async () => {
    const limiter = fakeLimiter(0);
    const call = worker({ LIMITER: limiter });
    for (const path of [
      "/checkpoint",
      "/api/v1/log",
      "/healthz",
      "/api/v1/trust/signing_config.json",
      "/api/v1/log/entries?logIndex=0",
    ]) {
      expect((await call(path, { headers: { "CF-Connecting-IP": "198.51.100.21" } })).status, path).not.toBe(429);
    }
    expect(limiter.keys).toEqual([]);
  });

  it("lets a client through while the binding allows it, then refuses it alone", async () => {
    const limiter = fakeLimiter(2);
    const call = worker({ LIMITER: limiter });
    const ip = "203.0.113.30";
    expect((await submit(call, `allowed 1 ${Math.random()}`, ip)).status).toBe(201);
    expect((await submit(call, `allowed 2 ${Math.random()}`, ip)).status).toBe(201);
    await expect429(await submit(call, `refused ${Math.random()}`, ip), "third", LIMITER_PERIOD_SECONDS, "v2");
    expect((await submit(call, `other client ${Math.random()}`, "203.0.113.31")).status).toBe(201);
  });

  it("counts an IPv6 client by its /64", async () => {
    const limiter = fakeLimiter(1);
    const call = worker({ LIMITER: limiter });
    expect((await retrieve(call, { "CF-Connecting-IP": "2001:db8:1:2::1" })).status).toBe(400);
    // Another address in the same /64 is the same client; the next /64 is another.
    await expect429(await retrieve(call, { "CF-Connecting-IP": "2001:db8:1:2:ffff:ffff:ffff:fffe" }), "same /64");
    expect((await retrieve(call, { "CF-Connecting-IP": "2001:db8:1:3::1" })).status).toBe(400);
    expect(limiter.keys).toEqual(["ip6:2001:db8:1:2::/64", "ip6:2001:db8:1:2::/64", "ip6:2001:db8:1:3::/64"]);
  });

  it("falls back to the in-isolate limiter when the binding fails", async () => {
    const broken: RateLimit = {
      limit: () => Promise.reject(new Error("rate limiter unavailable")),
    };
    const call = worker({ LIMITER: broken, RATE_LIMIT_PER_MINUTE: "1" });
    expect((await retrieve(call, { "CF-Connecting-IP": "192.0.2.40" })).status).toBe(400);
    const body = await expect429(await retrieve(call, { "CF-Connecting-IP": "192.0.2.40" }), "second");
    expect(body.message).toMatch(/at most 1 per minute/);
  });

  it("is the binding wrangler.toml declares (Miniflare simulates it here, with a limit no test reaches)", async () => {
    const limiter = (env as unknown as { LIMITER: RateLimit }).LIMITER;
    expect(await limiter.limit({ key: "ip4:192.0.2.99" })).toEqual({ success: true });
  });
});

describe("rate limit without the binding (in-isolate, RATE_LIMIT_PER_MINUTE)", () => {
  it("is off unless RATE_LIMIT_PER_MINUTE is set", async () => {
    expect(rateLimitPerMinute({})).toBe(0);
    expect(rateLimitPerMinute({ RATE_LIMIT_PER_MINUTE: "0" })).toBe(0);
    expect(rateLimitPerMinute({ RATE_LIMIT_PER_MINUTE: "120" })).toBe(120);
    for (const bad of ["-1", "1.5", "lots"])
      expect(() => rateLimitPerMinute({ RATE_LIMIT_PER_MINUTE: bad })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    const call = worker({ LIMITER: undefined });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => submit(call, `unlimited ${i} ${Math.random()}`, "198.51.100.9")),
    );
    expect(statuses.map((r) => r.status)).toEqual(Array(8).fill(201));
  });

  it("answers 429 with Retry-After and a JSON error past the limit, per client, before reading the body; reads are not limited", async () => {
    const call = worker({ LIMITER: undefined, RATE_LIMIT_PER_MINUTE: "3" });
    const ip = "203.0.113.7";
    for (let i = 0; i < 3; i++) expect((await submit(call, `limited ${i} ${Math.random()}`, ip)).status).toBe(201);
    const refused = await submit(call, `limited 4 ${Math.random()}`, ip);
    expect((await expect429(refused, "fourth", undefined, "v2")).message).toMatch(/at most 3 per minute/);
    // Another client is not affected; reads never are.
    expect((await submit(call, `other client ${Math.random()}`, "203.0.113.8")).status).toBe(201);
    expect((await call("/checkpoint", { headers: { "CF-Connecting-IP": ip } })).status).toBe(200);
    // Every route that verifies signatures counts, and none reads the body of a refused request.
    for (const path of ["/api/v1/log/entries", "/api/v1/log/entries/retrieve", "/api/v1/index/retrieve"]) {
      const body = recordingBody(4, 1024);
      await expect429(await call(path, json(ip, body.stream)), path);
      expect(body.pulled, path).toBe(0);
    }
    await expect429(
      await call(`/api/v2/search?digest=sha256:${"cd".repeat(32)}`, { headers: { "CF-Connecting-IP": ip } }),
      "search",
      undefined,
      "v2",
    );
  });

  it("counts an IPv6 client by its /64", async () => {
    const call = worker({ LIMITER: undefined, RATE_LIMIT_PER_MINUTE: "1" });
    expect((await retrieve(call, { "CF-Connecting-IP": "2001:db8:aa:bb::1" })).status).toBe(400);
    await expect429(await retrieve(call, { "CF-Connecting-IP": "2001:db8:aa:bb:1234::9" }), "same /64");
    expect((await retrieve(call, { "CF-Connecting-IP": "2001:db8:aa:bc::1" })).status).toBe(400);
  });

  it("refills continuously: N per minute, bursts of at most N", () => {
    let now = 0;
    const rl = new RateLimiter(60, () => now); // one a second
    for (let i = 0; i < 60; i++) expect(rl.take("a")).toBe(0);
    expect(rl.take("a")).toBe(1);
    now += 500;
    expect(rl.take("a")).toBe(1); // half a token
    now += 500;
    expect(rl.take("a")).toBe(0);
    now += 3_600_000; // a long pause refills to the burst size, not beyond
    for (let i = 0; i < 60; i++) expect(rl.take("a")).toBe(0);
    expect(rl.take("a")).toBeGreaterThan(0);
    expect(rl.take("b")).toBe(0);
    const slow = new RateLimiter(2, () => now);
    slow.take("c");
    slow.take("c");
    expect(slow.take("c")).toBe(30);
  });
});

describe("which requests are limited", () => {
  it("those that verify signatures, under any shard prefix", () => {
    for (const [method, path] of [
      ["POST", "/api/v2/log/entries"],
      ["POST", "/api/v1/log/entries"],
      ["POST", "/log2026b/api/v2/log/entries"],
      ["POST", "/api/v1/log/entries/retrieve"],
      ["POST", "/api/v1/index/retrieve"],
      ["GET", "/api/v2/search"],
      ["HEAD", "/api/v2/search"],
      ["POST", "/add"],
    ]) {
      expect(isRateLimited(method!, path!), `${method} ${path}`).toBe(true);
    }
    for (const [method, path] of [
      ["GET", "/api/v1/log/entries"],
      ["GET", "/checkpoint"],
      ["GET", "/tile/0/000"],
      ["GET", "/api/v1/log/proof"],
      ["POST", "/witness/add-checkpoint"],
      ["OPTIONS", "/api/v2/log/entries"],
    ]) {
      expect(isRateLimited(method!, path!), `${method} ${path}`).toBe(false);
    }
  });
});

describe("client keys", () => {
  const keyOf = (h: Record<string, string>) => clientKey(new Headers(h));

  it("an IPv4 client is its address; an IPv6 client its /64, in any text form", () => {
    expect(keyOf({ "CF-Connecting-IP": "192.0.2.1" })).toBe("ip4:192.0.2.1");
    expect(keyOf({ "CF-Connecting-IP": "2001:db8:1:2::1" })).toBe("ip6:2001:db8:1:2::/64");
    expect(keyOf({ "CF-Connecting-IP": "2001:0DB8:0001:0002:0000:0000:0000:0001" })).toBe("ip6:2001:db8:1:2::/64");
    expect(keyOf({ "CF-Connecting-IP": "2001:db8:1:2:aaaa:bbbb:cccc:dddd" })).toBe("ip6:2001:db8:1:2::/64");
    expect(keyOf({ "CF-Connecting-IP": "2001:db8::" })).toBe("ip6:2001:db8:0:0::/64");
    expect(keyOf({ "CF-Connecting-IP": "::1" })).toBe("ip6:0:0:0:0::/64");
    expect(keyOf({ "CF-Connecting-IP": "fe80::1%eth0" })).toBe("ip6:fe80:0:0:0::/64");
    expect(keyOf({ "CF-Connecting-IP": "2001:db8:1:2:3:4:192.0.2.1" })).toBe("ip6:2001:db8:1:2::/64");
  });

  it("an IPv4-mapped IPv6 address is its IPv4 client", () => {
    expect(keyOf({ "CF-Connecting-IP": "::ffff:192.0.2.1" })).toBe("ip4:192.0.2.1");
    expect(keyOf({ "CF-Connecting-IP": "::ffff:c000:201" })).toBe("ip4:192.0.2.1");
  });

  it("CF-Connecting-IPv6 (Cloudflare's Pseudo IPv4) replaces a stand-in Class E address, and nothing else", () => {
    expect(keyOf({ "CF-Connecting-IP": "240.1.2.3", "CF-Connecting-IPv6": "2001:db8:5:6::7" })).toBe(
      "ip6:2001:db8:5:6::/64",
    );
    expect(keyOf({ "CF-Connecting-IP": "255.16.0.1", "CF-Connecting-IPv6": "2001:db8:5:6::7" })).toBe(
      "ip6:2001:db8:5:6::/64",
    );
    expect(keyOf({ "CF-Connecting-IP": "240.1.2.3" })).toBe("ip4:240.1.2.3");
    // A client's own CF-Connecting-IPv6 next to a real address would let it pick its key: ignored.
    expect(keyOf({ "CF-Connecting-IP": "192.0.2.1", "CF-Connecting-IPv6": "2001:db8:5:6::7" })).toBe("ip4:192.0.2.1");
    expect(keyOf({ "CF-Connecting-IP": "2001:db8:1:2::1", "CF-Connecting-IPv6": "2001:db8:9:9::9" })).toBe(
      "ip6:2001:db8:1:2::/64",
    );
    expect(keyOf({ "CF-Connecting-IPv6": "2001:db8:5:6::7" })).toBe("unknown");
  });

  it("no address is one client; a value that is no address is its own bounded key", () => {
    expect(keyOf({})).toBe("unknown");
    for (const bad of ["1::2::3", "2001:db8:1:2:3:4:5:6:7", "12345::1", "1.2.3.4::1", "300.1.1.1", "not an address"]) {
      expect(keyOf({ "CF-Connecting-IP": bad }), bad).toBe(`other:${bad}`);
    }
    expect(keyOf({ "CF-Connecting-IP": "x".repeat(1000) })).toHaveLength("other:".length + 64);
  });
});
