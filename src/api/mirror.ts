/**
 * The mirrored logs' read path (C2SP tlog-mirror §Introduction: each log "via the tiled transparency log
 * interface ... under `<monitoring prefix>/<origin hash>`", the hex SHA-256 of its origin):
 *   GET /mirror                              the mirrored logs (origin, hash, upstream) as JSON
 *   GET /mirror/<origin hash>/checkpoint     the mirror checkpoint: the log's note, every signature it came with,
 *                                            and the mirror's cosignature (MIRROR_SIGNING_KEY)
 *   GET /mirror/<origin hash>/tile/...       the verified copies of the log's tiles and entry bundles
 * Headers as tlog-tiles asks: tiles immutable, the checkpoint cached a few seconds at most.
 * @module
 */
import { Hono, type Context } from "hono";
import { MIRROR_STORE_PREFIX, mirroredLogs } from "../mirror/config.ts";
import { CHECKPOINT_CONTENT_TYPE, TILE_CONTENT_TYPE } from "../tlog/layout.ts";
import { IMMUTABLE_CACHE_CONTROL, r2ObjectStore, shardObjectStore } from "../storage/object-store.ts";
import { MalformedError } from "../tlog/errors.ts";
import { parseTilePath } from "../tlog/tile.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./route-log.ts";

/** Mounted at /mirror. */
export const mirror = new Hono<ApiEnv>();

/** The mirror (DO) of a log, by origin. */
export function mirrorFor(env: Env, origin: string) {
  return env.MIRROR.get(env.MIRROR.idFromName(origin));
}

function objects(c: Context<ApiEnv>) {
  const hash = c.req.param("hash");
  if (!mirroredLogs(c.env).some((l) => l.originHash === hash))
    throw new ApiError(404, "this deployment mirrors no log with that origin hash (GET /mirror lists them)");
  return shardObjectStore(r2ObjectStore(c.env.TILES), `${MIRROR_STORE_PREFIX}/${hash}`);
}

mirror.get("/", (c) =>
  c.json({
    logs: mirroredLogs(c.env).map((l) => ({
      origin: l.origin,
      originHash: l.originHash,
      prefix: `/mirror/${l.originHash}`,
      upstream: l.url,
      logKey: l.vkey,
    })),
  }),
);

mirror.get("/:hash/checkpoint", async (c) => {
  const body = await objects(c).get("checkpoint");
  if (!body) throw new ApiError(404, "the mirror has not mirrored this log yet");
  const { checkpointMaxAgeSeconds } = c.var.log.config;
  return new Response(body, {
    headers: {
      "Content-Type": CHECKPOINT_CONTENT_TYPE,
      "Cache-Control": checkpointMaxAgeSeconds > 0 ? `public, max-age=${checkpointMaxAgeSeconds}` : "no-store",
    },
  });
});

mirror.get("/:hash/tile/*", async (c) => {
  const path = c.req.path.slice(c.req.path.indexOf("/tile/") + 1);
  try {
    parseTilePath(path);
  } catch (e) {
    if (e instanceof MalformedError) throw new ApiError(400, e.message);
    throw e;
  }
  const body = await objects(c).get(path);
  if (!body) throw new ApiError(404, `${path} has not been mirrored`);
  return new Response(body, {
    headers: { "Content-Type": TILE_CONTENT_TYPE, "Cache-Control": IMMUTABLE_CACHE_CONTROL },
  });
});
