/**
 * The edgelog Worker: validates and routes at the edge; each shard's Sequencer DO is its only writer.
 *
 * Every request is first routed to its log (src/api/route-log.ts: `/<shard>/...`, the host, or the
 * active shard); the routers below then match the path without the shard prefix, each mounted at its
 * own prefix, and find the log in c.var.log. Errors take Rekor v1's body shape, except under /api/v2
 * (and the index's /index/checkpoint), where they take grpc-gateway's (src/api/errors.ts).
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { admin } from "./api/admin.ts";
import { grpcGatewayError, rekorV1Error } from "./api/errors.ts";
import { explorer } from "./api/explorer.ts";
import { health } from "./api/health.ts";
import { indexRetrieve } from "./api/index-retrieve.ts";
import { methodNotAllowed } from "./api/method-not-allowed.ts";
import { openapi } from "./api/openapi.ts";
import { rateLimit } from "./api/rate-limit.ts";
import { refuseWritesToFrozenShards } from "./api/refuse-writes.ts";
import { resolveLog, routedPath, routeOf, type ApiEnv } from "./api/route-log.ts";
import { search } from "./api/search.ts";
import { testAppend } from "./api/test-append.ts";
import { tiles } from "./api/tiles.ts";
import { proof } from "./api/proof.ts";
import { mirror, mirrorFor } from "./api/mirror.ts";
import { mirroredLogs } from "./mirror/config.ts";
import { trust } from "./api/trust.ts";
import { v1 } from "./api/v1.ts";
import { v2 } from "./api/v2.ts";
import { mapCheckpoint, vindex } from "./api/vindex.ts";
import { witness } from "./api/witness.ts";
import { witnessed } from "./api/witnessed.ts";
import { deploymentOf } from "./log/deployment.ts";
import { REKOR_V2_READ_PREFIX } from "./tlog/layout.ts";

/** Rekor v1: entries, log info and proofs, trust files, index retrieval. */
const rekorV1 = new Hono<ApiEnv>().route("/", v1).route("/", trust).route("/", indexRetrieve);
/** Rekor v2 and the search API. The complete search comes before the fast one: it takes GET /search?...&complete=true. */
const rekorV2 = new Hono<ApiEnv>()
  .onError(grpcGatewayError)
  .route("/", v2)
  .route("/", witnessed)
  .route("/", vindex)
  .route("/", search);

const router = new Hono<ApiEnv>({ getPath: routedPath });
// Monitors and the browser explorer read tiles cross-origin (DESIGN §"The read path").
router.use("*", cors({ origin: "*", exposeHeaders: ["Retry-After", "x-log-index", "Location", "ETag"] }));
router.use("*", resolveLog);
router.use("*", methodNotAllowed);
router.use("*", refuseWritesToFrozenShards);
router.use("*", rateLimit); // per-client submissions (RATE_LIMIT_PER_MINUTE, off by default)
router.route("/", health);
router.route("/", tiles);
router.route(REKOR_V2_READ_PREFIX, tiles);
router.route("/proof", proof); // offline proofs: GET /proof/<index | leaf hash | UUID>
router.route("/mirror", mirror); // mirrored logs: GET /mirror/<origin hash>/...
router.route("/add", testAppend);
router.route("/api/v2", rekorV2);
router.route("/api/v1", rekorV1);
router.route("/index", mapCheckpoint);
router.route("/api", openapi);
router.route("/witness", witness);
router.route("/admin", admin);
router.route("/", explorer); // the web explorer at `/`
router.notFound((c) => c.json({ code: 404, message: `no route for ${c.req.method} ${c.req.path}` }, 404));
// Errors raised before a sub-router takes the request (rate limit, frozen shard, method) keep its API's body shape;
// the tiles and checkpoint under /api/v2 answer exactly as at the root.
const isRekorV2Api = (path: string) =>
  path.startsWith("/api/v2/") &&
  !path.startsWith(`${REKOR_V2_READ_PREFIX}/tile/`) &&
  path !== `${REKOR_V2_READ_PREFIX}/checkpoint`;
router.onError((err, c) => (isRekorV2Api(c.req.path) ? grpcGatewayError(err, c) : rekorV1Error(err, c)));

/** Routes the request to its log, then serves it. */
async function handle(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  let prefix;
  try {
    prefix = routeOf(request, env).prefix;
  } catch (e) {
    console.error("configuration:", e);
    return Response.json(
      { code: 500, message: "the log is misconfigured" },
      { status: 500, headers: { "Access-Control-Allow-Origin": "*" } },
    );
  }
  const res = await router.fetch(request, env, ctx);
  // Rekor v1 answers Location: <request path>/<entryUUID>: keep the shard prefix in it.
  const location = res.headers.get("Location");
  if (prefix && location?.startsWith("/")) {
    const out = new Response(res.body, res);
    out.headers.set("Location", prefix + location);
    return out;
  }
  return res;
}

export default {
  fetch: handle,
  /**
   * Cron heartbeat: creates a new shard's log on first deploy and keeps every shard's sequencer (and
   * republish alarm) alive. A shard just frozen reloads, re-publishes anything staged and so its
   * final checkpoint; its alarm drains its index outbox. Constant work per shard (Sequencer.heartbeat). The
   * shard's Indexer is woken too: its alarm follows the log on its own.
   */
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    for (const log of deploymentOf(env).logs) {
      if (log.state === "pending") continue;
      ctx.waitUntil(Promise.all([log.sequencer().heartbeat(), log.indexer().wake()]).then(() => undefined));
    }
    // Each mirrored log's Mirror keeps its own alarm; the heartbeat arms it (a new one starts here).
    try {
      for (const log of mirroredLogs(env)) ctx.waitUntil(mirrorFor(env, log.origin).wake());
    } catch (e) {
      console.error("configuration:", e); // a bad MIRRORED_LOGS stops the mirrors, not the logs
    }
  },
} satisfies ExportedHandler<Env>;

/** The whole Worker as a fetch handler (routing included), for tests that call it directly. */
export const app = { fetch: handle };
