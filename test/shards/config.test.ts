// Shard configuration and routing (src/config.ts, src/log/shards.ts, src/log/deployment.ts): the single-shard default is
// today's log; several shards get their own settings by suffix, one is active, the rest frozen or
// pending; bad configurations are refused with a message naming the variable.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { FROZEN_MESSAGE, PENDING_MESSAGE, shardSettingName, writeRefusal } from "../../src/config.ts";
import { Deployment } from "../../src/log/deployment.ts";
import { RESERVED_NAMES, baseUrl, readConfig, readShardList } from "../../src/log/shards.ts";
import routerSource from "../../src/index.ts?raw";
import { signingKeys } from "../../src/log/keys.ts";

/** A deployment over the test bindings with these settings instead of the test's. */
const deployment = (vars: Record<string, string>) => {
  const bindings: Env = { ...env };
  for (const k of ["SHARDS", "LOG_ORIGIN", "LOG_SIGNING_KEY", "LOG_V1_SIGNING_KEY"] as const)
    Reflect.deleteProperty(bindings, k);
  return new Deployment(Object.assign(bindings, vars));
};
const url = (u: string) => new URL(u);

describe("shard configuration", () => {
  it("defaults to one shard, 'default' (or SHARD), active, with the plain settings", () => {
    expect(readShardList({})).toEqual({ names: ["default"], active: "default", frozen: [] });
    expect(readShardList({ SHARD: "main" })).toEqual({ names: ["main"], active: "main", frozen: [] });
    const c = readConfig({ LOG_ORIGIN: "log.example.com" });
    expect(c).toMatchObject({
      shard: "default",
      state: "active",
      origin: "log.example.com",
      operator: "log.example.com",
      validFrom: "1970-01-01T00:00:00Z",
    });
    expect(readConfig({}).origin).toBe("localhost:8787");
  });

  it("reads per-shard settings by suffix, falling back to the plain name", () => {
    expect(shardSettingName("LOG_ORIGIN", "log2026-b")).toBe("LOG_ORIGIN_LOG2026_B");
    const env = {
      SHARDS: "log2026a,log2026-b",
      LOG_ORIGIN: "log.example.com",
      LOG_ORIGIN_LOG2026_B: "log.example.com/log2026-b",
      TICK_MS: "100",
      TICK_MS_LOG2026A: "500",
      LOG_VALID_FROM_LOG2026_B: "2026-06-01T00:00:00+00:00",
      LOG_SIGNING_KEY: "plain",
      LOG_SIGNING_KEY_LOG2026_B: "b-key",
    };
    const a = readConfig(env, "log2026a");
    const b = readConfig(env, "log2026-b");
    expect([a.origin, a.tickMs, a.state]).toEqual(["log.example.com", 500, "frozen"]);
    expect([b.origin, b.tickMs, b.state, b.validFrom]).toEqual([
      "log.example.com/log2026-b",
      100,
      "active",
      "2026-06-01T00:00:00Z",
    ]);
    expect(signingKeys(env, "log2026a").checkpoint).toBe("plain");
    expect(signingKeys(env, "log2026-b").checkpoint).toBe("b-key");
    expect(() => signingKeys({}, "x")).toThrow(/LOG_SIGNING_KEY_X \(or LOG_SIGNING_KEY\) is not configured/);
  });

  it("marks shards before the active one frozen, after it pending; FROZEN_SHARDS freezes any", () => {
    const list = readShardList({ SHARDS: "a,b,c", ACTIVE_SHARD: "b" });
    expect(["a", "b", "c"].map((s) => readConfig({ SHARDS: "a,b,c", ACTIVE_SHARD: "b" }, s).state)).toEqual([
      "frozen",
      "active",
      "pending",
    ]);
    expect(list.active).toBe("b");
    expect(readShardList({ SHARDS: "a,b" }).active).toBe("b"); // default: the last
    expect(readConfig({ SHARDS: "a,b", FROZEN_SHARDS: "b" }, "b").state).toBe("frozen"); // a read-only deployment
    expect(readConfig({ SHARDS: "a,b" }, "unlisted").state).toBe("active"); // Sequencers under other names (tests)
    expect(readConfig({ FROZEN_SHARDS: "probe" }, "probe").state).toBe("frozen");
    expect(writeRefusal({ state: "frozen" })).toBe(FROZEN_MESSAGE);
    expect(writeRefusal({ state: "pending" })).toBe(PENDING_MESSAGE);
    expect(writeRefusal({ state: "active" })).toBeNull();
    expect(FROZEN_MESSAGE).toBe("This log has been frozen, please switch to the latest log."); // rekor-tiles, verbatim
  });

  it("refuses bad configurations, naming what is wrong", () => {
    expect(() => readShardList({ SHARDS: "a,A" })).toThrow(/SHARDS: shard name "A"/);
    expect(() => readShardList({ SHARDS: "a,a" })).toThrow(/twice/);
    expect(() => readShardList({ SHARDS: "api" })).toThrow(/reserved/);
    for (const name of ["proof", "mirror", "index", "explorer"])
      expect(() => readShardList({ SHARDS: `a,${name}` })).toThrow(/reserved/);
    expect(() => readShardList({ SHARDS: " , " })).toThrow(/no shard/);
    expect(() => readShardList({ SHARDS: "a,b", ACTIVE_SHARD: "c" })).toThrow(/ACTIVE_SHARD "c" is not in SHARDS/);
    expect(() => readConfig({ LOG_VALID_FROM: "yesterday" })).toThrow(
      /LOG_VALID_FROM_DEFAULT must be an RFC 3339 time/,
    );
    expect(() => deployment({ SHARDS: "a,b", LOG_ORIGIN: "log.example.com" })).toThrow(
      /shards a and b both have origin log.example.com/,
    );
    expect(() => deployment({ SHARDS: "a", LOG_ORIGIN: "log.example.com/b" })).toThrow(/origin of shard a/);
    expect(() => deployment({ SHARDS: "a", LOG_ORIGIN: "log.example.com/a/x" })).toThrow(/origin of shard a/);
  });
});

describe("reserved shard names", () => {
  it("include every first path segment the router mounts, so no shard shadows a route", () => {
    const mounted = [...routerSource.matchAll(/router\.route\("\/([a-z0-9-]+)/g)].map((m) => m[1]!);
    expect(mounted.length).toBeGreaterThan(5);
    const explorerAssets = "explorer"; // GET /explorer/app.js and app.css, mounted at "/"
    for (const segment of [...new Set([...mounted, explorerAssets])]) expect(RESERVED_NAMES).toContain(segment);
  });
});

describe("routing", () => {
  const vars = {
    SHARDS: "old,mid,new",
    ACTIVE_SHARD: "mid",
    LOG_ORIGIN: "log.example.com", // old keeps the host it always had
    LOG_ORIGIN_MID: "log.example.com/mid",
    LOG_ORIGIN_NEW: "new.example.com",
  };
  const d = deployment(vars);
  const route = (u: string) => {
    const r = d.route(url(u));
    return [r.log.name, r.prefix, r.path];
  };

  it("a /<shard>/ prefix names the shard and is stripped", () => {
    expect(route("https://log.example.com/old/checkpoint")).toEqual(["old", "/old", "/checkpoint"]);
    expect(route("https://log.example.com/mid/api/v2/log/entries")).toEqual(["mid", "/mid", "/api/v2/log/entries"]);
    expect(route("https://anything.test/new/tile/0/000")).toEqual(["new", "/new", "/tile/0/000"]);
    expect(route("https://log.example.com/mid")).toEqual(["mid", "/mid", "/"]);
    expect(route("https://log.example.com/other/checkpoint")).toEqual(["old", "", "/other/checkpoint"]); // not a shard: by host
  });

  it("unprefixed Rekor v1 goes to the active shard, whatever the host (one API over all shards)", () => {
    expect(route("https://log.example.com/api/v1/log/entries")).toEqual(["mid", "", "/api/v1/log/entries"]);
    expect(route("https://new.example.com/api/v1/log")).toEqual(["mid", "", "/api/v1/log"]);
  });

  it("other unprefixed paths go to the shard whose origin is the host, else the active shard", () => {
    expect(route("https://log.example.com/checkpoint")).toEqual(["old", "", "/checkpoint"]); // a log's URL keeps serving it
    expect(route("https://new.example.com/api/v2/log/entries")).toEqual(["new", "", "/api/v2/log/entries"]);
    expect(route("https://edgelog.workers.dev/checkpoint")).toEqual(["mid", "", "/checkpoint"]);
  });

  it("base URLs are scheme + origin, so each serves its shard", () => {
    expect(d.logs.map((s) => baseUrl(s.config.origin, "https:"))).toEqual([
      "https://log.example.com",
      "https://log.example.com/mid",
      "https://new.example.com",
    ]);
    for (const s of d.logs) {
      const u = url(`${baseUrl(s.config.origin, "https:")}/checkpoint`);
      expect(d.route(u).log.name).toBe(s.name);
    }
  });

  it("each shard's Log has the shard's own settings and keys; the plain settings stand for the active shard", () => {
    const keys = {
      LOG_SIGNING_KEY: env.LOG_SIGNING_KEY,
      LOG_SIGNING_KEY_NEW: "PRIVATE+KEY+new.example.com+00000000+bad",
    };
    const withKeys = deployment({ ...vars, ...keys, LOG_SIGNING_KEY_OLD: keys.LOG_SIGNING_KEY });
    const [old, mid, fresh] = withKeys.logs;
    expect([old!.name, old!.config.origin, old!.state]).toEqual(["old", "log.example.com", "frozen"]);
    expect([mid!.name, mid!.config.origin, mid!.state]).toEqual(["mid", "log.example.com/mid", "active"]);
    expect([fresh!.name, fresh!.config.origin, fresh!.state]).toEqual(["new", "new.example.com", "pending"]);
    expect(signingKeys({ ...vars, ...keys }, "new").checkpoint).toBe(keys.LOG_SIGNING_KEY_NEW);
    expect(signingKeys({ ...vars, ...keys }, "old").checkpoint).toBe(keys.LOG_SIGNING_KEY); // the plain name as fallback
    expect(withKeys.active.name).toBe("mid");
    expect(readConfig(vars).shard).toBe("mid"); // the plain environment stands for the active shard
    expect(withKeys.log("unlisted").state).toBe("active"); // Sequencers addressed by other names
    expect(() => fresh!.checkpointKey()).toThrow(); // a key is derived when first used: a bad one fails its own shard only
  });
});
