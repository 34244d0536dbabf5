/**
 * The C2SP tlog-tiles read path: /checkpoint, /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>], and the same
 * under /api/v2/, where rekor-tiles serves them and Rekor v2 monitors read them (same bytes, same headers).
 * Served from the edge cache, then KV (right-edge partials), then R2. Never calls the sequencer.
 * @module
 */
import { Hono, type Context } from "hono";
import { fromEdgeCache, toEdgeCache } from "./edge-cache.ts";
import { readConfig } from "../config.ts";
import { IMMUTABLE_CACHE_CONTROL, kvHotStore, r2ObjectStore, shardHotStore, shardObjectStore } from "../storage/object-store.ts";
import { shardName } from "./sequencer-client.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_PATH, REKOR_V2_READ_PREFIX, TILE_CONTENT_TYPE } from "../tlog/layout.ts";
import { MalformedError } from "../tlog/errors.ts";
import { parseTilePath, TILE_WIDTH } from "../tlog/tile.ts";
import { ApiError } from "./errors.ts";

export const tiles = new Hono<{ Bindings: Env }>();

const objects = (env: Env) => shardObjectStore(r2ObjectStore(env.TILES), shardName(env));
const hot = (env: Env) => shardHotStore(kvHotStore(env.HOT), shardName(env));

async function checkpoint(c: Context<{ Bindings: Env }>): Promise<Response> {
  const { checkpointMaxAgeSeconds } = readConfig(c.env as unknown as Record<string, unknown>);
  if (checkpointMaxAgeSeconds > 0) {
    const hit = await fromEdgeCache(`${shardName(c.env)}/${CHECKPOINT_PATH}`);
    if (hit) return hit;
  }
  const body = await objects(c.env).get(CHECKPOINT_PATH);
  if (!body) throw new ApiError(404, "the log has not published a checkpoint yet");
  const res = new Response(body, {
    headers: {
      "Content-Type": CHECKPOINT_CONTENT_TYPE,
      // C2SP tlog-tiles: the checkpoint SHOULD NOT be cached beyond a few seconds.
      "Cache-Control": checkpointMaxAgeSeconds > 0 ? `public, max-age=${checkpointMaxAgeSeconds}` : "no-store",
    },
  });
  if (checkpointMaxAgeSeconds > 0) toEdgeCache(c, `${shardName(c.env)}/${CHECKPOINT_PATH}`, res);
  return res;
}

async function tile(c: Context<{ Bindings: Env }>): Promise<Response> {
  const path = c.req.path.slice(c.req.path.indexOf("tile/"));
  let width: number;
  try {
    width = parseTilePath(path).width;
  } catch (e) {
    if (e instanceof MalformedError) throw new ApiError(400, e.message);
    throw e;
  }
  const hit = await fromEdgeCache(`${shardName(c.env)}/${path}`);
  if (hit) return hit;
  const partial = width < TILE_WIDTH;
  // KV holds right-edge partials; it is eventually consistent, so a miss is not an answer.
  const body = (partial ? await hot(c.env).get(path).catch(() => null) : null) ?? (await objects(c.env).get(path));
  if (!body) throw new ApiError(404, `${path} has not been published`);
  const res = new Response(body, {
    headers: { "Content-Type": TILE_CONTENT_TYPE, "Cache-Control": IMMUTABLE_CACHE_CONTROL },
  });
  toEdgeCache(c, `${shardName(c.env)}/${path}`, res);
  return res;
}

for (const prefix of ["", REKOR_V2_READ_PREFIX]) {
  tiles.get(`${prefix}/checkpoint`, checkpoint);
  tiles.get(`${prefix}/tile/*`, tile);
}
