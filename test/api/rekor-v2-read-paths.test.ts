// Rekor v2's read layout: rekor-tiles serves the checkpoint and tiles under /api/v2/ (its deployments route
// /api/v2/checkpoint and /api/v2/tile/... to the object bucket), and Rekor v2 monitors read them there from the
// log's base URL. edgelog serves the same bytes with the same headers at both places, and under each shard's prefix.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index.ts";
import { TileReader } from "../../src/client/tile-reader.ts";
import { fromBase64 } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { newSigner, newVerifier } from "../../src/tlog/note.ts";
import { checkInclusion } from "../../src/tlog/proof.ts";
import { tilePath, tileWidth, TILE_WIDTH } from "../../src/tlog/tile.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { enc } from "../helpers/log.ts";

const vars = env as unknown as Record<string, string>;
const A = "shardtest-a";
const deployment = { ...vars, SHARDS: `${A},shardtest-b`, ACTIVE_SHARD: A } as unknown as Env;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const call = (path: string, init?: RequestInit) =>
  app.fetch(new Request(`http://localhost:8787${path}`, init), deployment, ctx);

/** What a client can observe of an answer: status, the headers that matter to caches and parsers, the bytes. */
async function observed(path: string, method = "GET") {
  const r = await call(path, { method });
  const headers = Object.fromEntries(["content-type", "cache-control", "allow"].map((h) => [h, r.headers.get(h)]));
  return { status: r.status, headers, body: new Uint8Array(await r.arrayBuffer()) };
}

describe("/api/v2/checkpoint and /api/v2/tile/...", () => {
  it("answer exactly as /checkpoint and /tile/... do, at the root and under a shard's prefix", async () => {
    const tles: any[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call("/api/v2/log/entries", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(hashedRekordV2(p256Key(), enc(`v2 read ${i} ${Math.random()}`))),
      });
      expect(r.status).toBe(201);
      tles.push(await r.json());
    }
    const size = Math.max(...tles.map((t) => Number(t.inclusionProof.treeSize)));
    const n = Math.floor((size - 1) / TILE_WIDTH);
    const paths = [
      "checkpoint",
      tilePath({ level: 0, index: n, width: tileWidth(0, n, size) }),
      tilePath({ level: -1, index: n, width: tileWidth(-1, n, size) }),
      "tile/0/x999/999", // not published: the same 404
      "tile/0/1", // malformed: the same 400
    ];
    for (const prefix of ["", `/${A}`]) {
      for (const p of paths) {
        const plain = await observed(`${prefix}/${p}`);
        const v2 = await observed(`${prefix}/api/v2/${p}`);
        expect(v2, `${prefix}/api/v2/${p}`).toEqual(plain);
        if (p === "checkpoint" || p.startsWith("tile/0/0") || p.startsWith("tile/entries/"))
          expect(plain.status, p).toBe(200);
      }
      // HEAD as GET; other methods 405 with the same Allow.
      expect((await observed(`${prefix}/api/v2/checkpoint`, "HEAD")).status).toBe(200);
      const post = await observed(`${prefix}/api/v2/checkpoint`, "POST");
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe("GET, HEAD");
    }
  });

  it("a monitor reading only /api/v2/ verifies the checkpoint and every entry's inclusion", async () => {
    const r = await call("/api/v2/log/entries", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(hashedRekordV2(p256Key(), enc(`monitor ${Math.random()}`))),
    });
    const tle = (await r.json()) as any;
    const monitor = new TileReader(
      async (p) => {
        const res = await call(`/api/v2/${p}`);
        return res.status === 404 ? null : new Uint8Array(await res.arrayBuffer());
      },
      [newVerifier(newSigner(vars.LOG_SIGNING_KEY_SHARDTEST_A!).vkey)],
    );
    const cp = await monitor.checkpoint();
    const index = Number(tle.logIndex);
    expect(await monitor.entry(index, cp.size)).toEqual(fromBase64(tle.canonicalizedBody));
    checkInclusion(
      await monitor.proveInclusion(index, cp.size),
      index,
      cp.size,
      hashLeaf(fromBase64(tle.canonicalizedBody)),
      cp.root,
    );
  });
});
