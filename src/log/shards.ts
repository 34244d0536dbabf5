/**
 * Which logs ("shards") a deployment serves, and each one's settings: read from the vars alone, so the
 * deploy script checks a configuration exactly as the Worker will read it. The list and the write switch:
 *   SHARDS        = "log2026a,log2026b"   oldest first (default: SHARD, else "default": one log)
 *   ACTIVE_SHARD  = "log2026b"            the one shard that takes writes (default: the last listed);
 *                                         shards listed before it are frozen, shards after it pending
 *   FROZEN_SHARDS = "log2026b"            optional: freeze these too (e.g. the active one: a read-only
 *                                         deployment)
 * Each shard's settings are read with its suffix first (src/config.ts).
 *
 * A shard's base URL is `<scheme>://<origin>`, so its origin must be either a host (`log.example.com`,
 * served on a custom domain; the only shape sigstore-go accepts for Rekor v2, which requires the origin
 * to equal the base URL's host) or `<host>/<shard>` (served under the shard's prefix: sigstore-js and
 * every tlog-tiles client accept it). Routing is src/log/deployment.ts.
 * @module
 */
import { parseLogConfig, setting, shardSettingName, type LogConfig, type ShardState } from "../config.ts";
import { isLocalOrigin } from "../local-origin.ts";

export const DEFAULT_SHARD = "default";

/** Shard names are URL path segments and R2 prefixes: lowercase letters, digits and inner hyphens. */
const SHARD_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** First path segments the API already uses (src/index.ts mounts them); a shard cannot be named like them. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "api",
  "tile",
  "checkpoint",
  "healthz",
  "add",
  "witness",
  "admin",
  "proof",
  "mirror",
  "index",
  "explorer",
]);

function shardList(value: string | undefined, what: string): string[] {
  if (value === undefined) return [];
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const n of names) {
    if (!SHARD_NAME.test(n))
      throw new Error(
        `config: ${what}: shard name ${JSON.stringify(n)} must be lowercase letters, digits and inner hyphens`,
      );
    if (RESERVED_NAMES.has(n)) throw new Error(`config: ${what}: ${JSON.stringify(n)} is reserved (it is an API path)`);
  }
  return names;
}

export interface ShardList {
  /** Every listed shard, oldest first. */
  names: readonly string[];
  /** The shard that takes writes (unless it is also in FROZEN_SHARDS). */
  active: string;
  /** Shards frozen explicitly (FROZEN_SHARDS); they need not be listed. */
  frozen: readonly string[];
}

/** SHARDS / ACTIVE_SHARD / FROZEN_SHARDS, checked. Throws a config error naming the variable at fault. */
export function readShardList(env: object): ShardList {
  const names = shardList(setting(env, "SHARDS") ?? setting(env, "SHARD") ?? DEFAULT_SHARD, "SHARDS");
  if (names.length === 0) throw new Error("config: SHARDS lists no shard");
  if (new Set(names).size !== names.length) throw new Error("config: SHARDS lists a shard twice");
  const active = setting(env, "ACTIVE_SHARD") ?? names[names.length - 1]!;
  if (!names.includes(active))
    throw new Error(`config: ACTIVE_SHARD ${JSON.stringify(active)} is not in SHARDS (${names.join(",")})`);
  return { names, active, frozen: shardList(setting(env, "FROZEN_SHARDS"), "FROZEN_SHARDS") };
}

/**
 * A shard's state. Shards before the active one are frozen, those after it pending; a shard that is
 * not listed at all is writable (Sequencers addressed by other names in tests and benchmarks) unless
 * it is in FROZEN_SHARDS.
 */
export function shardState(list: ShardList, shard: string): ShardState {
  if (list.frozen.includes(shard)) return "frozen";
  const i = list.names.indexOf(shard);
  const a = list.names.indexOf(list.active);
  return i < 0 || i === a ? "active" : i < a ? "frozen" : "pending";
}

/** Parsed configurations by environment object and shard; a failure is not kept. */
const configs = new WeakMap<object, Map<string, LogConfig>>();

/**
 * The configuration of one shard (default: the active one), a copy the caller may change (tests tune a
 * live Sequencer through it). The Sequencer and Indexer DOs call this with the name they were addressed by.
 */
export function readConfig(env: object, shard?: string): LogConfig {
  const name = shard ?? readShardList(env).active;
  let byShard = configs.get(env);
  if (!byShard) configs.set(env, (byShard = new Map()));
  let config = byShard.get(name);
  if (!config) byShard.set(name, (config = parseLogConfig(env, name, shardState(readShardList(env), name))));
  return { ...config };
}

const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;

/** Every listed shard's configuration, checked: one active shard, distinct origins of a servable shape. */
export function readShards(env: object): LogConfig[] {
  const shards = readShardList(env).names.map((name) => {
    const config = readConfig(env, name);
    const [host, path, ...rest] = config.origin.split("/");
    if (!HOST.test(host!) || rest.length > 0 || (path !== undefined && path !== name)) {
      throw new Error(
        `config: the origin of shard ${name} is ${JSON.stringify(config.origin)}; it must be a host ("log.example.com") ` +
          `or "<host>/${name}", the base URL the shard is served at (set ${shardSettingName("LOG_ORIGIN", name)} or LOG_ORIGIN)`,
      );
    }
    return config;
  });
  const seen = new Map<string, string>();
  for (const s of shards) {
    const other = seen.get(s.origin);
    if (other)
      throw new Error(
        `config: shards ${other} and ${s.shard} both have origin ${s.origin}; give each its own LOG_ORIGIN_<SHARD>`,
      );
    seen.set(s.origin, s.shard);
  }
  return shards;
}

/**
 * The base URL clients use for a shard: scheme + origin (see the module comment). A public log is
 * https whatever scheme a request came in on; only a local one (npm start) keeps `requestScheme`.
 */
export function baseUrl(origin: string, requestScheme: string): string {
  const scheme = isLocalOrigin(origin) ? requestScheme.replace(/:$/, "") : "https";
  return `${scheme}://${origin}`;
}
