/**
 * One deployment, several logs (issue 9). Each shard is its own log: its own Sequencer DO
 * (idFromName(shard); its R2/KV objects under "<shard>/"), origin, keys and URL. Requests are routed
 * to a shard at the door (src/index.ts) and the API handlers then see a per-shard view of the
 * environment in which the plain setting names (LOG_ORIGIN, LOG_SIGNING_KEY, ...) hold that shard's
 * values, so every handler written for one log serves any shard unchanged.
 *
 * Routing, in order:
 *   1. `/<shard>/...` for a listed shard: that shard, prefix stripped (`/log2026a/checkpoint`).
 *   2. `/api/v1/...`: the active shard. Rekor v1 is one API over all shards (writes go to the active
 *      tree; reads find entries in any shard), as rekor.sigstore.dev serves it.
 *   3. anything else (tiles, checkpoint, Rekor v2): the shard whose origin is exactly the request's
 *      host, if any (a log's base URL keeps serving that log after it is frozen: monitors follow it
 *      there), else the active shard. With one shard, every unprefixed path is that shard, as before.
 *
 * A shard's base URL is `<scheme>://<origin>`, so its origin must be either a host (`log.example.com`,
 * served by rule 3 on a custom domain; the only shape sigstore-go accepts for Rekor v2, which requires
 * the origin to equal the base URL's host) or `<host>/<shard>` (served by rule 1: sigstore-js and
 * every tlog-tiles client accept it).
 * @module
 */
import { isLocalOrigin } from "../local-origin.ts";
import { PER_SHARD_SETTINGS, ROOT_ENV_KEY, readConfig, readShardList, shardSetting, shardSettingName, type LogConfig, type ShardList, type ShardState } from "../config.ts";

export interface Shard {
  name: string;
  state: ShardState;
  origin: string;
  config: LogConfig;
}

export interface Deployment {
  list: ShardList;
  /** Every listed shard, oldest first. */
  shards: Shard[];
  /** The shard unprefixed Rekor v1 requests go to (it takes writes unless FROZEN_SHARDS freezes it too). */
  active: Shard;
  byName: Map<string, Shard>;
}

const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;

type Vars = Record<string, unknown>;

const deployments = new WeakMap<object, Deployment>();

/** The deployment's shards, checked: names, one active shard, distinct origins of a servable shape. */
export function readDeployment(env: Env): Deployment {
  const root = rootEnv(env);
  const cached = deployments.get(root);
  if (cached) return cached;
  const vars = root as unknown as Vars;
  const list = readShardList(vars);
  const shards = list.names.map((name): Shard => {
    const config = readConfig(vars, name);
    const [host, path, ...rest] = config.origin.split("/");
    if (!HOST.test(host!) || rest.length > 0 || (path !== undefined && path !== name)) {
      throw new Error(
        `config: the origin of shard ${name} is ${JSON.stringify(config.origin)}; it must be a host ("log.example.com") ` +
          `or "<host>/${name}", the base URL the shard is served at (set ${shardSettingName("LOG_ORIGIN", name)} or LOG_ORIGIN)`,
      );
    }
    return { name, state: config.state, origin: config.origin, config };
  });
  const seen = new Map<string, string>();
  for (const s of shards) {
    const other = seen.get(s.origin);
    if (other) throw new Error(`config: shards ${other} and ${s.name} both have origin ${s.origin}; give each its own LOG_ORIGIN_<SHARD>`);
    seen.set(s.origin, s.name);
  }
  const byName = new Map(shards.map((s) => [s.name, s]));
  const deployment = { list, shards, active: byName.get(list.active)!, byName };
  deployments.set(root, deployment);
  return deployment;
}

export interface Route {
  shard: Shard;
  /** "/<shard>" when the request named its shard in the path, else "". */
  prefix: string;
  /** The path with the prefix removed. */
  path: string;
}

/** Which shard serves this request (rules in the module comment). */
export function routeRequest(d: Deployment, url: URL): Route {
  const m = /^\/([a-z0-9-]+)(\/.*)?$/.exec(url.pathname);
  const named = m ? d.byName.get(m[1]!) : undefined;
  if (named) return { shard: named, prefix: `/${named.name}`, path: m![2] ?? "/" };
  if (url.pathname.startsWith("/api/v1/")) return { shard: d.active, prefix: "", path: url.pathname };
  const byHost = d.shards.find((s) => s.origin === url.host);
  return { shard: byHost ?? d.active, prefix: "", path: url.pathname };
}

/**
 * The base URL clients use for a shard: scheme + origin (see the module comment). A public log is
 * https whatever scheme a request came in on; only a local one (npm start) keeps `requestScheme`.
 */
export function baseUrl(shard: Shard, requestScheme: string): string {
  const scheme = isLocalOrigin(shard.origin) ? requestScheme.replace(/:$/, "") : "https";
  return `${scheme}://${shard.origin}`;
}

// --- per-shard views of the environment ---

const PREFIX_KEY = "__EDGELOG_SHARD_PREFIX";
const views = new WeakMap<object, Map<string, Env>>();

/** The deployment's own environment behind a shard view (or the environment itself). */
export function rootEnv(env: Env): Env {
  return ((env as unknown as Vars)[ROOT_ENV_KEY] as Env | undefined) ?? env;
}

/** The prefix ("/<shard>") the request was routed by, or undefined for an unprefixed request. */
export function routedPrefix(env: Env): string | undefined {
  return (env as unknown as Vars)[PREFIX_KEY] as string | undefined;
}

/**
 * The environment as one shard sees it: every binding, SHARD = the shard, and each per-shard setting
 * (LOG_ORIGIN, LOG_SIGNING_KEY, ...) resolved to the shard's value. Cached per environment.
 */
export function shardEnv(env: Env, shard: string, prefix = ""): Env {
  const root = rootEnv(env);
  let byShard = views.get(root);
  if (!byShard) views.set(root, (byShard = new Map()));
  const key = `${shard}\n${prefix}`;
  const hit = byShard.get(key);
  if (hit) return hit;
  const vars = root as unknown as Vars;
  const view: Vars = { ...vars, SHARD: shard, [ROOT_ENV_KEY]: root };
  for (const name of PER_SHARD_SETTINGS) {
    const value = shardSetting(vars, name, shard);
    if (value === undefined) delete view[name];
    else view[name] = value;
  }
  if (prefix) view[PREFIX_KEY] = prefix;
  byShard.set(key, view as unknown as Env);
  return view as unknown as Env;
}
