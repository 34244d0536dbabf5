// The test-only raw append (POST /add) takes arbitrary unauthenticated leaves, so it must never be open
// on a public log: it answers 404 unless ENABLE_TEST_APPEND is "true" AND the log's origin is a local
// host (localhost, *.localhost, 127.0.0.0/8). `npm run deploy` refuses to switch it on
// (test/deploy/dry-run.test.ts); this is the Worker's own check, in case a deployment does anyway.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index.ts";
import { generateKey } from "../../src/tlog/note.ts";
import { recordingBody } from "../helpers/recording-body.ts";

const vars = env as unknown as Record<string, string>;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** POST /add to a fresh one-shard deployment with this origin and switch. */
function add(origin: string, enable: string | undefined, body: BodyInit = `leaf ${crypto.randomUUID()}`) {
  const e = {
    ...vars,
    SHARDS: `append-${crypto.randomUUID().slice(0, 8)}`,
    LOG_ORIGIN: origin,
    LOG_SIGNING_KEY: generateKey(origin).skey,
    ENABLE_TEST_APPEND: enable,
  } as unknown as Env;
  return app.fetch(new Request(`http://${origin}/add`, { method: "POST", body }), e, ctx);
}

describe("POST /add (test-only raw append)", () => {
  it("appends on a local log with ENABLE_TEST_APPEND = true", async () => {
    const r = await add("localhost:8787", "true");
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/^\d+\n$/);
  });

  it("is 404 on a public host even with ENABLE_TEST_APPEND = true, and never reads the body", async () => {
    for (const origin of [
      "log.example.com",
      "log.example.com:443",
      "localhost.example.com",
      "127.0.0.1.example.com",
      "edgelog.example.workers.dev",
    ]) {
      const body = recordingBody(4, 1024);
      const r = await add(origin, "true", body.stream);
      expect(r.status, origin).toBe(404);
      expect(await r.json()).toEqual({ code: 404, message: "not found" });
      expect(body.pulled, origin).toBe(0);
    }
  });

  it("is 404 on a local log unless ENABLE_TEST_APPEND is exactly true", async () => {
    for (const enable of [undefined, "", "false", "TRUE", "1", "yes"]) {
      const r = await add("localhost:8787", enable);
      expect(r.status, String(enable)).toBe(404);
    }
  });

  it("stops reading a chunked body once it is longer than a leaf can be", async () => {
    const chunk = 16 * 1024;
    const body = recordingBody(256, chunk); // 4 MiB, no Content-Length
    const r = await add("localhost:8787", "true", body.stream);
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ code: 413, message: expect.stringMatching(/65535 bytes/) });
    expect(body.pulledBytes).toBeLessThanOrEqual(65_535 + chunk);
  });
});
