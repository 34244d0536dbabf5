/**
 * The C2SP tlog-tiles read path: /checkpoint, /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>]. Mounted at
 * the root and again under /api/v2/, where rekor-tiles serves them and Rekor v2 monitors read them (same
 * bytes, same headers). Full tiles and bundles proven to the verified checkpoint once, then from the isolate's
 * memory or the edge cache (verified-answers.ts); right-edge partials from the edge cache, KV, then R2, as stored;
 * the checkpoint from the verified view (checkpoint-view.ts). Bundles go out gzip'd to clients that accept it
 * (content-encoding.ts); the edge cache keeps the stored bytes only. Never calls the sequencer.
 * @module
 */
import { Hono, type Context } from "hono";
import { IMMUTABLE_CACHE_CONTROL } from "../storage/object-store.ts";
import type { Log } from "../log/log.ts";
import { toHex } from "../tlog/encoding.ts";
import { MalformedError } from "../tlog/errors.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_PATH, TILE_CONTENT_TYPE } from "../tlog/layout.ts";
import { ENTRIES_LEVEL, parseTilePath, TILE_WIDTH, type Tile } from "../tlog/tile.ts";
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
  const log = c.var.log;
  const path = c.req.path.slice(c.req.path.indexOf("tile/"));
  let t: Tile;
  try {
    t = parseTilePath(path);
  } catch (e) {
    if (e instanceof MalformedError) throw new ApiError(400, e.message);
    throw e;
  }
  if (t.width === TILE_WIDTH) return fullTile(c, t, path);
  const hit = await fromEdgeCache(`${log.name}/${path}`);
  if (hit) return t.level === ENTRIES_LEVEL ? answer(c, t, answerKey(log, path), await bytesOf(hit)) : hit;
  // KV holds right-edge partials; it is eventually consistent, so a miss is not an answer.
  const body = (await log.hot.get(path).catch(() => null)) ?? (await log.objects.get(path));
  if (!body) throw new ApiError(404, `${path} has not been published`);
  toEdgeCache(c, `${log.name}/${path}`, tileResponse(body));
  return answer(c, t, answerKey(log, path), body);
}

const TILE_HEADERS = { "Content-Type": TILE_CONTENT_TYPE, "Cache-Control": IMMUTABLE_CACHE_CONTROL };

/** A tile's bytes as they are stored (what the edge cache keeps: one entry whatever the client accepts). */
const tileResponse = (body: Uint8Array): Response => new Response(body, { headers: TILE_HEADERS });

/** What the client is sent: a bundle in the encoding it prefers (content-encoding.ts), a hash tile as it is. */
const answer = (c: Context<ApiEnv>, t: Tile, key: string, body: Uint8Array): Response | Promise<Response> =>
  t.level === ENTRIES_LEVEL ? negotiated(c.req.raw, body, TILE_HEADERS, gzippedBundle(key, body)) : tileResponse(body);

const bytesOf = async (res: Response): Promise<Uint8Array> => new Uint8Array(await res.arrayBuffer());

/** The isolate's key for a tile's answers: the log (shard and checkpoint key) and the path. */
const answerKey = (log: Log, path: string): string => `${log.name}\n${log.checkpointKey().vkey}\n${path}`;

/** Where the edge cache keeps a proven full tile: under its log's name and checkpoint key (another tree, another key). */
export const fullTileEdgePath = (log: Log, path: string): string =>
  `${log.name}/${toHex(log.checkpointKey().logId)}/verified/${path}`;

/**
 * A full tile or bundle is write-once: proven to the verified checkpoint once (LogReader.fullTile), then
 * served from the isolate's memory, else from the edge cache, which holds only bytes so proven (its key
 * says so). R2's bytes that do not prove are refused (500) and kept nowhere.
 */
async function fullTile(c: Context<ApiEnv>, t: Tile, path: string): Promise<Response> {
  const log = c.var.log;
  const reader = log.reader();
  const key = `${reader.logId}\n${path}`;
  const mine = verifiedTiles.get(key);
  if (mine) return answer(c, t, key, mine);
  const edgePath = fullTileEdgePath(log, path);
  const hit = await fromEdgeCache(edgePath);
  if (hit) {
    const body = await bytesOf(hit);
    verifiedTiles.set(key, body);
    return answer(c, t, key, body);
  }
  const body = await reader.fullTile(t);
  verifiedTiles.set(key, body);
  toEdgeCache(c, edgePath, tileResponse(body));
  return answer(c, t, key, body);
}

tiles.get(`/${CHECKPOINT_PATH}`, checkpoint);
tiles.get("/tile/*", tile);
