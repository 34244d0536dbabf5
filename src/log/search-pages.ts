/**
 * Search answers computed once per tree: a page for a key is fixed by the trees it is read from (every
 * entry shard's verified checkpoint, size and root) once the index holds every entry of those trees (the
 * outbox feeds it in index order after publication, so it can lag the checkpoint for a moment). Such a
 * page is kept in the isolate and served again without D1 until a tree grows; a page read while the index
 * lagged is not kept (a later read of the same tree may find more). Every hit in a kept page was proven
 * against its shard's verified checkpoint when it was built (src/api/search.ts).
 * @module
 */
import { LruCache, onClearCaches } from "../lru-cache.ts";
import type { Position } from "../search/cursor.ts";
import { toHex } from "../tlog/encoding.ts";
import type { Deployment } from "./deployment.ts";
import { shardCheckpoint } from "./v1-shards.ts";

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

/** Each verified checkpoint's root in hex (a checkpoint object is kept and served again until the tree grows). */
const rootsHex = new WeakMap<object, string>();

async function trees(d: Deployment): Promise<Tree[]> {
  return Promise.all(
    d.entryLogs().map(async (s) => {
      const cp = await shardCheckpoint(s);
      let root = rootsHex.get(cp);
      if (root === undefined) rootsHex.set(cp, (root = toHex(cp.root)));
      return { shard: s.name, log: `${s.name} ${s.checkpointKey().vkey}`, size: cp.size, root };
    }),
  );
}

const treesKey = (ts: readonly Tree[]): string => ts.map((t) => `${t.log} ${t.size} ${t.root}`).join("\n");

/** Whether the index holds every entry of these trees (asks D1 only about a shard not yet known to). */
async function indexComplete(d: Deployment, ts: readonly Tree[]): Promise<boolean> {
  for (const t of ts) {
    if ((indexedBelow.get(t.log) ?? 0) >= t.size) continue;
    const n = await d.index.indexedSize(t.shard);
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
export async function searchPage(d: Deployment, query: PageQuery, build: () => Promise<string>): Promise<string> {
  const before = await trees(d);
  const id = `${treesKey(before)}\n${query.key}\n${query.limit}\n${query.after ? `${query.after.shard}/${query.after.index}` : ""}`;
  const kept = pages.get(id);
  if (kept !== undefined) return kept;
  const complete = await indexComplete(d, before); // before the query: rows added during it would not count
  const json = await build();
  // Kept only if built from these very trees (the view may have moved on while building).
  if (complete && treesKey(await trees(d)) === treesKey(before)) pages.set(id, json);
  return json;
}
