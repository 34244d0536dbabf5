/**
 * The edgelog Worker: validates and routes at the edge; the Sequencer DO is the only writer.
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { errorResponse } from "./api/errors.ts";
import { health } from "./api/health.ts";
import { testAppend } from "./api/test-append.ts";
import { tiles } from "./api/tiles.ts";
import { openapi } from "./api/openapi.ts";
import { v1 } from "./api/v1.ts";
import { v2 } from "./api/v2.ts";
import { witness } from "./api/witness.ts";
import { sequencerFor } from "./api/sequencer-client.ts";

export { Sequencer } from "../durable-objects/sequencer.ts";
export { Witness } from "../durable-objects/witness.ts";

const app = new Hono<{ Bindings: Env }>();
// Monitors and the browser explorer read tiles cross-origin (DESIGN §"The read path").
app.use("*", cors({ origin: "*", exposeHeaders: ["Retry-After", "x-log-index", "Location", "ETag"] }));
app.route("/", health);
app.route("/", tiles);
app.route("/", testAppend);
app.route("/", v2);
app.route("/", v1);
app.route("/", openapi);
app.route("/", witness);
app.notFound((c) => c.json({ code: 404, message: `no route for ${c.req.method} ${c.req.path}` }, 404));
app.onError((err, c) => errorResponse(c, err));

export default {
  fetch: app.fetch,
  /** Cron heartbeat: creates the log on first deploy and keeps its sequencer (and republish alarm) alive. */
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(sequencerFor(env).status().then(() => undefined));
  },
} satisfies ExportedHandler<Env>;

export { app };
