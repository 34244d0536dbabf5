// The trust files tell clients where the log is. Behind Cloudflare a request can reach the Worker as
// http:// (an http link, a proxy in front), but a public log is served over https only: its URLs in
// the TrustedRoot and SigningConfig are https for every host that is not local, whatever the scheme
// the request came in on. A local log (localhost, *.localhost, 127.0.0.0/8) keeps the request's scheme,
// so `npm start` publishes the http URL it really answers on.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index.ts";
import { generateKey } from "../../src/tlog/note.ts";

const vars = env as unknown as Record<string, string>;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** The Worker as a one-shard deployment with this origin (and a checkpoint key named for it). */
function deployment(origin: string, shard = "default") {
  const e = { ...vars, SHARDS: shard, LOG_ORIGIN: origin, LOG_SIGNING_KEY: generateKey(origin).skey } as unknown as Env;
  return async (url: string) => {
    const r = await app.fetch(new Request(url), e, ctx);
    expect(r.status, url).toBe(200);
    return (await r.json()) as { tlogs?: { baseUrl: string }[]; rekorTlogUrls?: { url: string }[] };
  };
}

/** Every URL the two trust files name, as a request to `base` sees them. */
async function trustUrls(origin: string, base: string, shard?: string): Promise<string[]> {
  const get = deployment(origin, shard);
  const root = await get(`${base}/api/v1/trust/trusted_root.json`);
  const config = await get(`${base}/api/v1/trust/signing_config.json`);
  return [...root.tlogs!.map((t) => t.baseUrl), ...config.rekorTlogUrls!.map((s) => s.url)];
}

describe("trust file URLs", () => {
  it("are https for a public host, even when the request came in over http", async () => {
    expect(new Set(await trustUrls("log.example.com", "http://log.example.com"))).toEqual(
      new Set(["https://log.example.com"]),
    );
    expect(new Set(await trustUrls("log.example.com", "https://log.example.com"))).toEqual(
      new Set(["https://log.example.com"]),
    );
    // A shard origin with a path, reached through another host (e.g. workers.dev) over http.
    expect(
      new Set(await trustUrls("log.example.com/log2026", "http://edgelog.example.workers.dev/log2026", "log2026")),
    ).toEqual(new Set(["https://log.example.com/log2026"]));
  });

  it("keep the request's scheme for a local log", async () => {
    expect(new Set(await trustUrls("localhost:8787", "http://localhost:8787"))).toEqual(
      new Set(["http://localhost:8787"]),
    );
    expect(new Set(await trustUrls("localhost:8787", "https://localhost:8787"))).toEqual(
      new Set(["https://localhost:8787"]),
    );
    expect(new Set(await trustUrls("127.0.0.1:8787", "http://127.0.0.1:8787"))).toEqual(
      new Set(["http://127.0.0.1:8787"]),
    );
    expect(new Set(await trustUrls("log.localhost:8787", "http://log.localhost:8787"))).toEqual(
      new Set(["http://log.localhost:8787"]),
    );
  });
});
