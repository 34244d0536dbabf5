import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
it("serves healthz and reaches the DO", async () => {
  const r = await exports.default.fetch("http://x/healthz");
  expect(await r.json()).toEqual({ status: "SERVING" });
  const stub = env.SEQUENCER.get(env.SEQUENCER.idFromName("t"));
  expect(await stub.ping()).toBe(1);
});
