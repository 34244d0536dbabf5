/**
 * The C2SP tlog-tiles read path: /checkpoint, /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>]. Mounted at
 * the root and again under /api/v2/, where rekor-tiles serves them and Rekor v2 monitors read them (same
 * bytes, same headers). Tiles from the edge cache, then KV (right-edge partials), then R2; the checkpoint
 * from the verified view (checkpoint-view.ts). Never calls the sequencer.
 * @module
 */
import { Hono, type Context } from "hono";
import { IMMUTABLE_CACHE_CONTROL } from "../storage/object-store.ts";
import { MalformedError } from "../tlog/errors.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_PATH, TILE_CONTENT_TYPE } from "../tlog/layout.ts";
import { parseTilePath, TILE_WIDTH } from "../tlog/tile.ts";
import { fromEdgeCache, toEdgeCache } from "./edge-cache.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./route-log.ts";
import { checkpointResponse } from "./checkpoint-view.ts";

export const tiles = new Hono<ApiEnv>();

/** The checkpoint from the verified view, not R2's bytes as they are (checkpoint-view.ts). */
const checkpoint = (c: Context<ApiEnv>): Promise<Response> => checkpointResponse(c.var.log);

async function tile(c: Context<ApiEnv>): Promise<Response> {
  const log = c.var.log;
  const path = c.req.path.slice(c.req.path.indexOf("tile/"));
  let width: number;
  try {
    width = parseTilePath(path).width;
  } catch (e) {
    if (e instanceof MalformedError) throw new ApiError(400, e.message);
    throw e;
  }
  const hit = await fromEdgeCache(`${log.name}/${path}`);
  if (hit) return hit;
  const partial = width < TILE_WIDTH;
  // KV holds right-edge partials; it is eventually consistent, so a miss is not an answer.
  const body = (partial ? await log.hot.get(path).catch(() => null) : null) ?? (await log.objects.get(path));
  if (!body) throw new ApiError(404, `${path} has not been published`);
  const res = new Response(body, {
    headers: { "Content-Type": TILE_CONTENT_TYPE, "Cache-Control": IMMUTABLE_CACHE_CONTROL },
  });
  toEdgeCache(c, `${log.name}/${path}`, res);
  return res;
}

tiles.get(`/${CHECKPOINT_PATH}`, checkpoint);
tiles.get("/tile/*", tile);
