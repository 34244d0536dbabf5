/**
 * The C2SP tlog-tiles read path: /checkpoint, /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>], and the same
 * under /api/v2/, where rekor-tiles serves them and Rekor v2 monitors read them (same bytes, same headers).
 * Tiles from the edge cache, then KV (right-edge partials), then R2; the checkpoint from the verified view
 * (checkpoint-view.ts). Never calls the sequencer.
 * @module
 */
import { Hono, type Context } from "hono";
import { fromEdgeCache, toEdgeCache } from "./edge-cache.ts";
import { IMMUTABLE_CACHE_CONTROL, kvHotStore, r2ObjectStore, shardHotStore, shardObjectStore } from "../storage/object-store.ts";
import { shardName } from "./sequencer-client.ts";
import { TILE_CONTENT_TYPE } from "../sequencer/publish.ts";
import { MalformedError } from "../tlog/errors.ts";
import { parseTilePath, TILE_WIDTH } from "../tlog/tile.ts";
import { ApiError } from "./errors.ts";
import { checkpointResponse } from "./checkpoint-view.ts";

export const tiles = new Hono<{ Bindings: Env }>();

const objects = (env: Env) => shardObjectStore(r2ObjectStore(env.TILES), shardName(env));
const hot = (env: Env) => shardHotStore(kvHotStore(env.HOT), shardName(env));

/** Where rekor-tiles serves the tlog-tiles paths (its deployments route them to the object bucket). */
export const REKOR_V2_READ_PREFIX = "/api/v2";

/** The checkpoint from the verified view, not R2's bytes as they are (checkpoint-view.ts). */
const checkpoint = (c: Context<{ Bindings: Env }>): Promise<Response> => checkpointResponse(c.env);

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
