/**
 * POST /add: raw-leaf append for local tests and benchmarks only (Tessera hammer contract:
 * 200 and the decimal index). A public log that claims to be Sigstore's must not accept arbitrary
 * unauthenticated leaves, so this answers 404 unless ENABLE_TEST_APPEND = "true".
 * @module
 */
import { Hono } from "hono";
import { readConfig } from "../config.ts";
import { ApiError } from "./errors.ts";
import { appendLeaf } from "./sequencer-client.ts";

export const testAppend = new Hono<{ Bindings: Env }>();

testAppend.post("/add", async (c) => {
  const config = readConfig(c.env as unknown as Record<string, unknown>);
  if (!config.enableTestAppend) throw new ApiError(404, "not found");
  const leaf = new Uint8Array(await c.req.arrayBuffer());
  const r = await appendLeaf(c.env, leaf);
  return c.text(`${r.index}\n`, 200);
});
