import { Hono } from "hono";
import type { Log } from "../log/log.ts";
import type { ApiEnv } from "./route-log.ts";

/**
 * How far search lags the log: entries in the published checkpoint that are not yet searchable (the
 * index outbox waits for D1, or the index needs `edgelog reindex`).
 */
export interface IndexLag {
  shard: string;
  /** The published checkpoint's size. */
  size: number;
  /** Entries below this index are searchable. */
  indexed: number;
  lag: number;
}

/** Each isolate asks R2 and D1 at most this often per shard; /healthz stays a near no-op. */
const INDEX_LAG_TTL_MS = 5_000;
const lagCache = new WeakMap<object, { at: number; value: Promise<IndexLag | { shard: string; error: string }> }>();

async function measureLag(log: Log): Promise<IndexLag | { shard: string; error: string }> {
  const shard = log.name;
  try {
    const [cp, indexed] = await Promise.all([log.reader().checkpoint(), log.index.indexedSize(shard)]);
    return { shard, size: cp.size, indexed, lag: Math.max(0, cp.size - indexed) };
  } catch (e) {
    console.warn("healthz: index lag:", e);
    return { shard, error: "the checkpoint or the search index could not be read" };
  }
}

/** The index lag of the request's shard, measured at most once per INDEX_LAG_TTL_MS per isolate. */
function indexLag(log: Log): Promise<IndexLag | { shard: string; error: string }> {
  const now = Date.now();
  const cached = lagCache.get(log); // a shard's Log is one object per isolate (src/log/deployment.ts)
  if (cached && now - cached.at < INDEX_LAG_TTL_MS) return cached.value;
  const value = measureLag(log);
  lagCache.set(log, { at: now, value });
  return value;
}

/**
 * Liveness in rekor-tiles' shape (grpc-gateway healthz), plus how far search lags the log. It does not
 * touch the sequencer: the lag is the published checkpoint's size against the index's highest entry.
 */
export const health = new Hono<ApiEnv>();
health.get("/healthz", async (c) => c.json({ status: "SERVING", index: await indexLag(c.var.log) }));
