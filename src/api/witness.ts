/**
 * C2SP tlog-witness: `POST /witness/add-checkpoint` (the checks live in src/witness/add-checkpoint.ts).
 * @module
 */
import { Hono } from "hono";
import { addCheckpoint, plainText } from "../witness/add-checkpoint.ts";
import { MAX_REQUEST_BYTES, readWitnessConfig, witnessObjects } from "../witness/protocol.ts";
import { readBoundedBody } from "./bounded-body.ts";

export const witness = new Hono<{ Bindings: Env }>();

witness.post("/witness/add-checkpoint", async (c) => {
  const env = c.env;
  if (readWitnessConfig(env as unknown as Record<string, unknown>) === null) return plainText("this deployment does not run a witness", 404);
  const body = await readBoundedBody(c.req.raw, MAX_REQUEST_BYTES);
  if (body === null) return plainText(`request body exceeds ${MAX_REQUEST_BYTES} bytes`, 413);
  return addCheckpoint(env as unknown as Record<string, unknown>, witnessObjects(env.WITNESS), body);
});

witness.on(["GET", "PUT", "DELETE", "PATCH"], "/witness/add-checkpoint", () => plainText("method not allowed: use POST", 405, { Allow: "POST" }));
