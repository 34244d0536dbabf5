/**
 * C2SP tlog-witness: `POST /witness/add-checkpoint` (the checks live in src/witness/add-checkpoint.ts).
 * @module
 */
import { Hono } from "hono";
import { addCheckpoint, plainText } from "../witness/add-checkpoint.ts";
import { MAX_REQUEST_BYTES, readWitnessConfig, witnessObjects } from "../witness/protocol.ts";
import { readBoundedBody } from "./bounded-body.ts";

/** Mounted at /witness. */
export const witness = new Hono<{ Bindings: Env }>();

witness.post("/add-checkpoint", async (c) => {
  // The witness's settings are read by name from a copy of the environment's vars and secrets.
  const settings = { ...c.env };
  if (readWitnessConfig(settings) === null) return plainText("this deployment does not run a witness", 404);
  const body = await readBoundedBody(c.req.raw, MAX_REQUEST_BYTES);
  if (body === null) return plainText(`request body exceeds ${MAX_REQUEST_BYTES} bytes`, 413);
  return addCheckpoint(settings, witnessObjects(c.env.WITNESS), body);
});

witness.on(["GET", "PUT", "DELETE", "PATCH"], "/add-checkpoint", () =>
  plainText("method not allowed: use POST", 405, { Allow: "POST" }),
);
