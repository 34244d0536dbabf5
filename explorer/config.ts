/**
 * What the Worker tells the page about the deployment (injected into the HTML as JSON): the shard the
 * page was served for, the URL prefix it was served under, and every shard's name, origin and state.
 * Keys are NOT taken from here: they come from the published trust files (trust.ts). main.ts reads it.
 */
export interface ShardInfo {
  name: string;
  origin: string;
  state: "active" | "frozen" | "pending";
}

export interface ExplorerConfig {
  /** "" at `/`, "/<shard>" when the page was opened under a shard prefix. */
  prefix: string;
  /** The shard this page shows (the live view, lookups without a shard). */
  shard: string;
  shards: ShardInfo[];
}

/** Where a shard's tiles and checkpoint are: `/<shard>/...` reaches any listed shard from any host. */
export function shardBase(shard: string): string {
  return `/${shard}`;
}
