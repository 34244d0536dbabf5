/**
 * POST /add: raw-leaf append for local tests and benchmarks only (Tessera hammer contract:
 * 200 and the decimal index). A public log that claims to be Sigstore's must not accept arbitrary
 * unauthenticated leaves, so this answers 404 unless ENABLE_TEST_APPEND = "true" and the log's
 * origin is a local host (a deployment that switched it on by mistake still serves nothing here;
 * `npm run deploy` refuses to switch it on in the first place).
 * @module
 */
import { Hono } from "hono";
import { isLocalOrigin } from "../local-origin.ts";
import { readBoundedBody } from "./bounded-body.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./route-log.ts";
import { appendLeaf } from "./sequencer-client.ts";

/** Mounted at /add. */
export const testAppend = new Hono<ApiEnv>();

testAppend.post("/", async (c) => {
  const config = c.var.log.config;
  if (!config.enableTestAppend || !isLocalOrigin(config.origin)) throw new ApiError(404, "not found");
  const leaf = await readBoundedBody(c.req.raw, config.maxLeafBytes);
  if (leaf === null) throw new ApiError(413, `leaf exceeds ${config.maxLeafBytes} bytes`);
  const r = await appendLeaf(c.var.log, leaf);
  return c.text(`${r.index}\n`, 200);
});
