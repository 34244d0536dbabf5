import { Hono } from "hono";
export { Sequencer } from "../durable-objects/sequencer.ts";
const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", (c) => c.json({ status: "SERVING" }));
export default app;
