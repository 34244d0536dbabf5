/**
 * Search answers computed once per tree: a page for a key is fixed by the trees it is read from (every
 * entry shard's verified checkpoint, size and root) once the index holds every entry of those trees (the
 * outbox feeds it in index order after publication, so it can lag the checkpoint for a moment). Such a
 * page is kept in the isolate and served again without D1 until a tree grows; a page read while the index
 * lagged is not kept (a later read of the same tree may find more). Every hit in a kept page was proven
 * against its shard's verified checkpoint when it was built (search.ts).
 * @module
 */
import { checkpointKey } from "../log-keys.ts";
import { LruCache, onClearCaches } from "../lru-cache.ts";
import type { Position } from "../search/cursor.ts";
import { shardEnv } from "../shards/shards.ts";
import { entryShards, shardCheckpoint } from "../shards/v1.ts";
import { d1SearchIndex } from "../storage/search-index.ts";
import { toHex } from "../tlog/encoding.ts";

/** Finished pages (JSON) by trees and query, at most 16 MiB of them. */
const pages = new LruCache<string, string>(4096, 16 << 20, (json) => json.length * 2);
/** Per shard log: the index holds every entry below this (it only grows). */
const indexedBelow = new Map<string, number>();
onClearCaches(() => indexedBelow.clear());

interface Tree {
  shard: string;
  /** The shard and its checkpoint key: the log the index rows are of. */
  log: string;
  size: number;
  root: string;
}

async function trees(env: Env): Promise<Tree[]> {
  return Promise.all(
    entryShards(env).map(async (s) => {
      const cp = await shardCheckpoint(env, s);
      return { shard: s.name, log: `${s.name} ${checkpointKey(shardEnv(env, s.name)).vkey}`, size: cp.size, root: toHex(cp.root) };
    }),
  );
}

const treesKey = (ts: readonly Tree[]): string => ts.map((t) => `${t.log} ${t.size} ${t.root}`).join("\n");

/** Whether the index holds every entry of these trees (asks D1 only about a shard not yet known to). */
async function indexComplete(env: Env, ts: readonly Tree[]): Promise<boolean> {
  for (const t of ts) {
    if ((indexedBelow.get(t.log) ?? 0) >= t.size) continue;
    const n = await d1SearchIndex(env.INDEX).indexedSize(t.shard);
    indexedBelow.set(t.log, Math.max(n, indexedBelow.get(t.log) ?? 0));
    if (n < t.size) return false;
  }
  return true;
}

export interface PageQuery {
  key: string;
  limit: number;
  after?: Position;
}

/** The page `build` makes (JSON), or the one it made for the same query and the same trees. */
export async function searchPage(env: Env, query: PageQuery, build: () => Promise<string>): Promise<string> {
  const before = await trees(env);
  const id = `${treesKey(before)}\n${query.key}\n${query.limit}\n${query.after ? `${query.after.shard}/${query.after.index}` : ""}`;
  const kept = pages.get(id);
  if (kept !== undefined) return kept;
  const complete = await indexComplete(env, before); // before the query: rows added during it would not count
  const json = await build();
  // Kept only if built from these very trees (the view may have moved on while building).
  if (complete && treesKey(await trees(env)) === treesKey(before)) pages.set(id, json);
  return json;
}
