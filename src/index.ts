/**
 * The edgelog Worker: validates and routes at the edge; each shard's Sequencer DO is its only writer.
 *
 * Every request is first routed to a shard (src/shards/shards.ts: `/<shard>/...`, the host, or the
 * active shard) and the API handlers then run against that shard's view of the environment.
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { errorResponse } from "./api/errors.ts";
import { admin } from "./api/admin.ts";
import { explorer } from "./api/explorer.ts";
import { health } from "./api/health.ts";
import { indexRetrieve } from "./api/index-retrieve.ts";
import { methodNotAllowed } from "./api/method-not-allowed.ts";
import { testAppend } from "./api/test-append.ts";
import { tiles } from "./api/tiles.ts";
import { openapi } from "./api/openapi.ts";
import { trust } from "./api/trust.ts";
import { v1 } from "./api/v1.ts";
import { v2 } from "./api/v2.ts";
import { witness } from "./api/witness.ts";
import { sequencerFor } from "./api/sequencer-client.ts";
import { readDeployment, routeRequest, shardEnv } from "./shards/shards.ts";
import { refuseWritesToFrozenShards } from "./shards/writes.ts";
import { rateLimit } from "./api/rate-limit.ts";
import { search } from "./api/search.ts";
import { indexerFor, vindex } from "./api/vindex.ts";

export { Sequencer } from "../durable-objects/sequencer.ts";
export { Witness } from "../durable-objects/witness.ts";
export { Indexer } from "../durable-objects/indexer.ts";
export { Batcher } from "../durable-objects/batcher.ts";

const router = new Hono<{ Bindings: Env }>();
// Monitors and the browser explorer read tiles cross-origin (DESIGN §"The read path").
router.use("*", cors({ origin: "*", exposeHeaders: ["Retry-After", "x-log-index", "Location", "ETag"] }));
router.use("*", methodNotAllowed);
router.use("*", refuseWritesToFrozenShards);
router.use("*", rateLimit); // per-client submissions (RATE_LIMIT_PER_MINUTE, off by default)
router.route("/", health);
router.route("/", tiles);
router.route("/", testAppend);
router.route("/", v2);
router.route("/", trust);
router.route("/", v1);
router.route("/", vindex); // before search: it takes GET /api/v2/search?...&complete=true
router.route("/", search);
router.route("/", indexRetrieve);
router.route("/", openapi);
router.route("/", witness);
router.route("/", admin);
router.route("/", explorer); // the web explorer at `/` (issue 8)
router.notFound((c) => c.json({ code: 404, message: `no route for ${c.req.method} ${c.req.path}` }, 404));
router.onError((err, c) => errorResponse(c, err));

/** Routes the request to its shard, then serves it with that shard's view of env. */
async function handle(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const url = new URL(request.url);
  let route;
  try {
    route = routeRequest(readDeployment(env), url);
  } catch (e) {
    console.error("configuration:", e);
    return Response.json({ code: 500, message: "the log is misconfigured" }, { status: 500, headers: { "Access-Control-Allow-Origin": "*" } });
  }
  const view = shardEnv(env, route.shard.name, route.prefix);
  if (!route.prefix) return router.fetch(request, view, ctx);
  url.pathname = route.path;
  const res = await router.fetch(new Request(url, request), view, ctx);
  // Rekor v1 answers Location: <request path>/<entryUUID>: keep the shard prefix in it.
  const location = res.headers.get("Location");
  if (location?.startsWith("/")) {
    const out = new Response(res.body, res);
    out.headers.set("Location", route.prefix + location);
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
   * shard's Indexer is woken too.
   */
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    for (const shard of readDeployment(env).shards) {
      if (shard.state === "pending") continue;
      const view = shardEnv(env, shard.name);
      // ...and keeps the shard's verifiable index's alarm armed (it follows the log on its own).
      ctx.waitUntil(Promise.all([sequencerFor(view).heartbeat(), indexerFor(view).wake()]).then(() => undefined));
    }
  },
} satisfies ExportedHandler<Env>;

/** The whole Worker as a fetch handler (routing included), for tests that call it directly. */
export const app = { fetch: handle };
