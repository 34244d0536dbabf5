/**
 * The verifiable index at the edge: `GET /api/v2/search?<selector>=...&complete=true` (a search whose
 * answer proves that no entry with the key below the map checkpoint's log size was left out),
 * `GET /index/checkpoint` (the signed map checkpoint, a static object beside the log's checkpoint) and
 * `GET /index/tile/...`, `GET /index/value/...` (the map's write-once objects) and
 * `GET /api/v2/index/status` (how far the index lags the log). Complete answers are assembled from the
 * objects the shard's Indexer publishes to R2 (it follows the log off the write path and is never called
 * by a read); the hits' entries and inclusion proofs come from the log's tiles as for every search.
 * @module
 */
import { Hono } from "hono";
import { IMMUTABLE_CACHE_CONTROL } from "../storage/object-store.ts";
import { MalformedError } from "../tlog/errors.ts";
import type { CompletenessJson } from "../vindex/answer.ts";
import { MAP_CHECKPOINT_KEY } from "../vindex/checkpoint.ts";
import { CHUNK_SIZE } from "../vindex/hash.ts";
import { MAP_TILE_PATH } from "../vindex/map-tiles.ts";
import { completenessFromObjects } from "../vindex/published-answer.ts";
import { VALUE_OBJECT_PATH } from "../vindex/value-tiles.ts";
import { ApiError, grpcGatewayError } from "./errors.ts";
import type { ApiEnv } from "./route-log.ts";
import { buildHits, parseSearchQuery, type SearchHit } from "./search.ts";

/** Mounted under /api/v2, before the fast search (it takes the searches with complete=true). */
export const vindex = new Hono<ApiEnv>();

/** Mounted at /index; its errors take the /api/v2 shape as the rest of the index's routes. */
export const mapCheckpoint = new Hono<ApiEnv>().onError(grpcGatewayError);

/** A complete search answer: the page's hits and the proof that they are all the key's entries there. */
export interface CompleteSearchAnswer {
  hits: SearchHit[];
  nextCursor?: string;
  /** The shard whose index answered (a complete search covers the shard it is addressed to). */
  shard: string;
  completeness: CompletenessJson;
}

vindex.get("/search", async (c, next) => {
  const url = new URL(c.req.url);
  const complete = url.searchParams.getAll("complete");
  if (complete.length === 0) return next();
  if (complete.length > 1 || complete[0] !== "true")
    throw new ApiError(
      400,
      "complete must be true (leave it out for the fast search, which does not prove completeness)",
    );
  const cursor = url.searchParams.get("cursor");
  url.searchParams.delete("complete");
  url.searchParams.delete("cursor");
  const { key, limit } = parseSearchQuery(url);
  if (cursor !== null && !/^(0|[1-9][0-9]{0,14})$/.test(cursor))
    throw new ApiError(400, "cursor is malformed: pass nextCursor from the previous answer unchanged");
  const start = cursor === null ? 0 : Number(cursor);
  const log = c.var.log;
  let completeness: CompletenessJson | null;
  const objects = log.objects;
  try {
    completeness = await completenessFromObjects((path) => objects.get(path), key, start, limit);
  } catch (e) {
    if (!(e instanceof MalformedError)) throw e;
    console.error("complete search: the index's published objects:", e);
    throw new ApiError(503, `the index's published objects are incomplete or damaged (${e.message}); retry`, {
      "Retry-After": "2",
    });
  }
  if (completeness === null)
    throw new ApiError(503, "the index has not signed a map checkpoint yet; retry", { "Retry-After": "2" });
  const t = completeness.proof.terminal;
  // Chunks come only for a key that is present, and only up to its end.
  const count = t.kind === "leaf" && completeness.chunks.length > 0 ? t.count : 0;
  const offset = start % CHUNK_SIZE;
  const indices = completeness.chunks.flatMap((ch) => ch.indices).slice(offset, offset + limit);
  const hits = await buildHits(
    c.var.deployment,
    indices.map((index) => ({ shard: log.name, index })),
    key,
  );
  const answer: CompleteSearchAnswer = { hits, shard: log.name, completeness };
  if (start + limit < count) answer.nextCursor = String(start + limit);
  return c.json(answer, 200, { "Cache-Control": "no-store" });
});

vindex.get("/index/status", async (c) =>
  c.json(await c.var.log.indexer().status(), 200, { "Cache-Control": "no-store" }),
);

mapCheckpoint.get("/checkpoint", async (c) => {
  const body = await c.var.log.objects.get(MAP_CHECKPOINT_KEY);
  if (!body) throw new ApiError(404, "the index has not published a map checkpoint yet");
  return new Response(body, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
});

/** The map's write-once objects: served as they are, cached for good (a name never changes its bytes). */
mapCheckpoint.get("/*", async (c, next) => {
  const path = c.req.path.slice(1);
  if (!MAP_TILE_PATH.test(path) && !VALUE_OBJECT_PATH.test(path)) return next();
  const body = await c.var.log.objects.get(path);
  if (!body) throw new ApiError(404, `${path} has not been published`);
  return new Response(body, {
    headers: { "Content-Type": "application/octet-stream", "Cache-Control": IMMUTABLE_CACHE_CONTROL },
  });
});
