/**
 * The C2SP tlog-tiles read path: /checkpoint, /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>]. Mounted at
 * the root and again under /api/v2/, where rekor-tiles serves them and Rekor v2 monitors read them (same
 * bytes, same headers). Tiles and bundles, full and right-edge partial, proven to the verified checkpoint once,
 * then from the isolate's memory or the edge cache (verified-answers.ts); the checkpoint from the verified view
 * (checkpoint-view.ts). Bundles go out gzip'd to clients that accept it (content-encoding.ts); the edge cache
 * keeps the stored bytes only. Never calls the sequencer.
 * @module
 */
import { Hono, type Context } from "hono";
import { IMMUTABLE_CACHE_CONTROL } from "../storage/object-store.ts";
import type { Log } from "../log/log.ts";
import { toHex } from "../tlog/encoding.ts";
import { MalformedError } from "../tlog/errors.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_PATH, TILE_CONTENT_TYPE } from "../tlog/layout.ts";
import { ENTRIES_LEVEL, parseTilePath, type Tile } from "../tlog/tile.ts";
import { negotiated } from "./content-encoding.ts";
import { fromEdgeCache, toEdgeCache } from "./edge-cache.ts";
import { ApiError } from "./errors.ts";
import { gzippedBundle, verifiedTiles } from "./verified-answers.ts";
import type { ApiEnv } from "./route-log.ts";
import { checkpointResponse } from "./checkpoint-view.ts";

export const tiles = new Hono<ApiEnv>();

/** The checkpoint from the verified view, not R2's bytes as they are (checkpoint-view.ts). */
const checkpoint = (c: Context<ApiEnv>): Promise<Response> => checkpointResponse(c.var.log);

async function tile(c: Context<ApiEnv>): Promise<Response> {
  const path = c.req.path.slice(c.req.path.indexOf("tile/"));
  let t: Tile;
  try {
    t = parseTilePath(path);
  } catch (e) {
    if (e instanceof MalformedError) throw new ApiError(400, e.message);
    throw e;
  }
  return provenTile(c, t, path);
}

const TILE_HEADERS = { "Content-Type": TILE_CONTENT_TYPE, "Cache-Control": IMMUTABLE_CACHE_CONTROL };

/** A tile's bytes as they are stored (what the edge cache keeps: one entry whatever the client accepts). */
const tileResponse = (body: Uint8Array): Response => new Response(body, { headers: TILE_HEADERS });

/** What the client is sent: a bundle in the encoding it prefers (content-encoding.ts), a hash tile as it is. */
const answer = (c: Context<ApiEnv>, t: Tile, key: string, body: Uint8Array): Response | Promise<Response> =>
  t.level === ENTRIES_LEVEL ? negotiated(c.req.raw, body, TILE_HEADERS, gzippedBundle(key, body)) : tileResponse(body);

/** Where the edge cache keeps a proven tile: under its log's name and checkpoint key (another tree, another key). */
export const provenTileEdgePath = (log: Log, path: string): string =>
  `${log.name}/${toHex(log.checkpointKey().logId)}/verified/${path}`;

/**
 * A tile or bundle, full or right-edge partial, never changes under its name (a partial's carries its width):
 * proven to the verified checkpoint once (LogReader.provenTile), then served from the isolate's memory, else
 * from the edge cache, which holds only bytes so proven (its key says so). Stored bytes that do not prove are
 * refused (500) and kept nowhere.
 */
async function provenTile(c: Context<ApiEnv>, t: Tile, path: string): Promise<Response> {
  const log = c.var.log;
  const reader = log.reader();
  const key = `${reader.logId}\n${path}`;
  const mine = verifiedTiles.get(key);
  if (mine) return answer(c, t, key, mine);
  const edgePath = provenTileEdgePath(log, path);
  const hit = await fromEdgeCache(edgePath);
  if (hit) {
    const body = new Uint8Array(await hit.arrayBuffer());
    verifiedTiles.set(key, body);
    return answer(c, t, key, body);
  }
  const body = await reader.provenTile(t);
  verifiedTiles.set(key, body);
  toEdgeCache(c, edgePath, tileResponse(body));
  return answer(c, t, key, body);
}

tiles.get(`/${CHECKPOINT_PATH}`, checkpoint);
tiles.get("/tile/*", tile);
