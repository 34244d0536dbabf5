// On the wire, through workerd's HTTP server and Miniflare's entry Worker as a client sees it: node:http does not
// decode (nor send Accept-Encoding unless told), so these are the bytes the log sent. An entry bundle asked for with
// C2SP's `Accept-Encoding: gzip, identity` and the explorer's script asked for as a browser does arrive gzip'd
// (node:zlib gunzips them to exactly the identity bytes); without the header or with `identity` they arrive as they are.
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalLog, type LocalLog } from "./local-log.ts";

let log: LocalLog;
beforeAll(async () => {
  log = await startLocalLog({ ENABLE_TEST_APPEND: "true" });
  const added = await Promise.all(
    Array.from({ length: 260 }, (_, i) => fetch(`${log.url}/add`, { method: "POST", body: `on the wire ${i}` })),
  );
  for (const r of added) expect(r.status).toBe(200);
}, 120_000);
afterAll(async () => {
  await log?.stop();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** GET `path` over node:http with this Accept-Encoding (none if undefined): the bytes as they came. */
function get(path: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${log.url}${path}`,
      { headers: acceptEncoding === undefined ? {} : { "Accept-Encoding": acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("compressed answers on the wire", () => {
  for (const [path, accept] of [
    ["/tile/entries/000", "gzip, identity"],
    ["/tile/entries/001.p/4", "gzip, identity"],
    ["/explorer/app.js", "gzip, deflate, br"],
    ["/explorer/app.css", "gzip, deflate, br"],
  ] as const) {
    it(`${path}: gzip to "${accept}", identity otherwise`, async () => {
      const identity = await get(path);
      expect(identity.status).toBe(200);
      expect(identity.headers["content-encoding"]).toBeUndefined();
      expect(identity.headers.vary).toBe("Accept-Encoding");
      expect(identity.body.length).toBeGreaterThan(0);
      const asked = await get(path, "identity");
      expect(asked.headers["content-encoding"]).toBeUndefined();
      expect(asked.body.equals(identity.body)).toBe(true);

      const gz = await get(path, accept);
      expect(gz.status).toBe(200);
      expect(gz.headers["content-encoding"]).toBe("gzip");
      expect(gz.headers.vary).toBe("Accept-Encoding");
      expect([...gz.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
      expect(gz.body.length).toBeLessThan(identity.body.length);
      expect(gunzipSync(gz.body).equals(identity.body)).toBe(true);
    });
  }
});
