import { Hono } from "hono";

/** Liveness in rekor-tiles' shape (grpc-gateway healthz). It does not touch the sequencer. */
export const health = new Hono<{ Bindings: Env }>();
health.get("/healthz", (c) => c.json({ status: "SERVING" }));
