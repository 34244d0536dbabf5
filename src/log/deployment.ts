/**
 * One deployment, several logs ("shards", listed in src/log/shards.ts). Each shard is its own Log
 * (src/log/log.ts): its own Sequencer DO, R2/KV objects under "<shard>/", origin, keys and URL.
 *
 * Routing, in order:
 *   1. `/<shard>/...` for a listed shard: that shard, prefix stripped (`/log2026a/checkpoint`).
 *   2. `/api/v1/...`: the active shard. Rekor v1 is one API over all shards (writes go to the active
 *      tree; reads find entries in any shard), as rekor.sigstore.dev serves it.
 *   3. anything else (tiles, checkpoint, Rekor v2): the shard whose origin is exactly the request's
 *      host, if any (a log's base URL keeps serving that log after it is frozen: monitors follow it
 *      there), else the active shard. With one shard, every unprefixed path is that shard.
 *
 * Rules 1 and 3 are why a shard's origin is a host or `<host>/<shard>` (src/log/shards.ts baseUrl).
 *
 * The deployment is built once per environment object (one per isolate in production; tests that pass
 * other bindings get their own).
 * @module
 */
import { d1SearchIndex, type SearchIndex } from "../storage/search-index.ts";
import { shardLog, type Log } from "./log.ts";
import { readConfig, readShardList, readShards } from "./shards.ts";

export interface Route {
  log: Log;
  /** "/<shard>" when the request named its shard in the path, else "". */
  prefix: string;
  /** The path with the prefix removed. */
  path: string;
}

export class Deployment {
  /** Every listed shard's log, oldest first. */
  readonly logs: readonly Log[];
  /** The log unprefixed Rekor v1 requests go to (it takes writes unless FROZEN_SHARDS freezes it too). */
  readonly active: Log;
  /** The search index in D1, shared by the shards (its rows name their shard). */
  readonly index: SearchIndex;
  private readonly byName: Map<string, Log>;
  private readonly unlisted = new Map<string, Log>();
  private readonly env: Env;

  constructor(env: Env) {
    this.env = env;
    this.logs = readShards(env).map((config) => shardLog(env, config));
    this.byName = new Map(this.logs.map((l) => [l.name, l]));
    this.active = this.byName.get(readShardList(env).active)!;
    this.index = d1SearchIndex(env.INDEX);
  }

  /** The log of any shard name: a listed one, or one built for a name the list does not hold (tests and benchmarks address Sequencers by other names). */
  log(name: string): Log {
    const listed = this.byName.get(name) ?? this.unlisted.get(name);
    if (listed) return listed;
    const log = shardLog(this.env, readConfig(this.env, name));
    this.unlisted.set(name, log);
    return log;
  }

  /** The logs that hold entries (frozen and active), oldest first. */
  entryLogs(): Log[] {
    return this.logs.filter((l) => l.state !== "pending");
  }

  /** Which log serves this request (rules in the module comment). */
  route(url: URL): Route {
    const m = /^\/([a-z0-9-]+)(\/.*)?$/.exec(url.pathname);
    const named = m ? this.byName.get(m[1]!) : undefined;
    if (named) return { log: named, prefix: `/${named.name}`, path: m![2] ?? "/" };
    if (url.pathname.startsWith("/api/v1/")) return { log: this.active, prefix: "", path: url.pathname };
    const byHost = this.logs.find((l) => l.config.origin === url.host);
    return { log: byHost ?? this.active, prefix: "", path: url.pathname };
  }
}

const deployments = new WeakMap<object, Deployment>();

/** The deployment `env` describes, built once per environment object. Throws a config error naming what is wrong. */
export function deploymentOf(env: Env): Deployment {
  let d = deployments.get(env);
  if (!d) deployments.set(env, (d = new Deployment(env)));
  return d;
}
