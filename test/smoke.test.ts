import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
it("serves healthz and reaches the DO", async () => {
  const r = await exports.default.fetch("http://x/healthz");
  expect(await r.json()).toMatchObject({ status: "SERVING" });
  const stub = env.SEQUENCER.get(env.SEQUENCER.idFromName("t"));
  const name = await runInDurableObject(stub, (_i, state) => state.id.name);
  expect(name).toBe("t");
  const res = await exports.default.fetch("http://x/add", { method: "POST", body: "hello" });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("0\n");
  const cp = await exports.default.fetch("http://x/checkpoint");
  console.log(await cp.text());
  const t = await exports.default.fetch("http://x/tile/entries/000.p/1");
  expect(new Uint8Array(await t.arrayBuffer())).toEqual(new Uint8Array([0, 5, 104, 101, 108, 108, 111]));
});
