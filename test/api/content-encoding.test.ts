// HTTP compression of entry bundles and the explorer's assets (src/api/content-encoding.ts). A request that prefers
// gzip gets `Content-Encoding: gzip` and bytes that gunzip (the platform's DecompressionStream, not our code) to
// exactly the identity answer, which is R2's object or the built asset; any other request gets the identity bytes
// and no Content-Encoding; both say `Vary: Accept-Encoding`. Hash tiles are never compressed, and the edge cache
// keeps only identity bytes. The raw bytes are read with `encodeResponseBody: "manual"` (workerd's fetch would
// otherwise gunzip them on the way in).
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { gzippedOnce, prefersGzip } from "../../src/api/content-encoding.ts";
import { edgeKey } from "../../src/api/edge-cache.ts";
import { EXPLORER_CSS, EXPLORER_JS } from "../../src/api/explorer-assets.generated.ts";
import { provenTileEdgePath } from "../../src/api/tiles.ts";
import { gzippedBundles, MAX_GZIP_BUNDLE_BYTES } from "../../src/api/verified-answers.ts";
import { clearCaches } from "../../src/lru-cache.ts";
import { deploymentOf } from "../../src/log/deployment.ts";
import { enc, sequencer } from "../helpers/log.ts";
import { getObject } from "../helpers/stored-objects.ts";

/**
 * GET `path` with this Accept-Encoding (none if undefined), or, as Cloudflare's front line passes it on, with
 * `Accept-Encoding: br, gzip` and the client's own in cf.clientAcceptEncoding: the response and its bytes as sent.
 */
async function raw(
  path: string,
  acceptEncoding?: string,
  viaFrontLine = false,
): Promise<{ res: Response; body: Uint8Array }> {
  const headers: Record<string, string> = {};
  if (viaFrontLine || acceptEncoding !== undefined)
    headers["Accept-Encoding"] = viaFrontLine ? "br, gzip" : acceptEncoding!;
  const init: RequestInit = viaFrontLine
    ? { headers, cf: { clientAcceptEncoding: acceptEncoding ?? "" } }
    : { headers };
  const res = await exports.default.fetch(`http://localhost:8787${path}`, { ...init, encodeResponseBody: "manual" });
  return { res, body: new Uint8Array(await res.arrayBuffer()) };
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** What clients send: C2SP's advice, a browser's, Go's http.Client's. */
const ACCEPTING = ["gzip, identity", "gzip, deflate, br", "gzip", "GZIP", "x-gzip", "*", "br;q=1, gzip;q=0.5"];
/** No header, or a header that does not take gzip (or prefers identity). */
const REFUSING = [undefined, "", "identity", "gzip;q=0", "gzip;q=0, identity", "br", "deflate, br", "*, gzip;q=0"];

describe("Accept-Encoding (RFC 9110 §12.5.3)", () => {
  it("gzip when it is named (or `*` is) with a weight above 0 and not below identity's", () => {
    for (const h of ACCEPTING) expect(prefersGzip(h), h).toBe(true);
    for (const h of [...REFUSING, "identity;q=1, gzip;q=0.5", "gzip;q=0.000", "identity;q=0.5, *;q=0.2"])
      expect(prefersGzip(h ?? null), String(h)).toBe(false);
    for (const h of ["gzip;q=0.5, identity;q=0.5", "identity;q=0, gzip;q=0.001", " gzip ; q = 0.8 ", "identity;q=0, *"])
      expect(prefersGzip(h), h).toBe(true);
  });

  it("a malformed weight does not count: that element is ignored", () => {
    for (const h of ["gzip;q=1.5", "gzip;q=0.1234", "gzip;q=", "gzip;q=x", "gzip;q=-1"])
      expect(prefersGzip(h), h).toBe(false);
    expect(prefersGzip("gzip;q=2, *;q=0.5")).toBe(true);
  });
});

describe("entry bundles and the explorer's assets over HTTP", () => {
  let size: number;
  const objects: Record<string, Uint8Array> = {};
  beforeAll(async () => {
    await Promise.all(
      Array.from({ length: 260 }, (_, i) => sequencer().add(enc(`compressed bundle entry ${i} ${Math.random()}`))),
    );
    size = (await sequencer().status()).size;
    expect(size).toBeGreaterThan(256);
    objects["/tile/entries/000"] = (await getObject("tile/entries/000")).body;
    objects[`/tile/entries/001.p/${size - 256}`] = (await getObject(`tile/entries/001.p/${size - 256}`)).body;
    objects["/explorer/app.js"] = enc(EXPLORER_JS);
    objects["/explorer/app.css"] = enc(EXPLORER_CSS);
  });

  const paths = () => Object.keys(objects);

  it("gzip'd to a client that accepts gzip: bytes that gunzip to exactly the identity answer", async () => {
    for (const path of paths())
      for (const prefix of ["", "/api/v2"].filter((p) => p === "" || path.startsWith("/tile/")))
        for (const accept of ACCEPTING) {
          const what = `${prefix}${path} with ${accept}`;
          const { res, body } = await raw(`${prefix}${path}`, accept);
          expect(res.status, what).toBe(200);
          expect(res.headers.get("content-encoding"), what).toBe("gzip");
          expect(res.headers.get("vary"), what).toBe("Accept-Encoding");
          expect([...body.subarray(0, 2)], what).toEqual(GZIP_MAGIC);
          expect(body.length, what).toBeLessThan(objects[path]!.length);
          expect(await gunzip(body), what).toEqual(objects[path]);
        }
  });

  it("identity to a client that does not accept gzip, with Vary all the same", async () => {
    for (const path of paths())
      for (const accept of REFUSING) {
        const what = `${path} with ${accept}`;
        const { res, body } = await raw(path, accept);
        expect(res.status, what).toBe(200);
        expect(res.headers.get("content-encoding"), what).toBeNull();
        expect(res.headers.get("vary"), what).toBe("Accept-Encoding");
        expect(body, what).toEqual(objects[path]);
      }
  });

  it("behind Cloudflare's front line, the client's own Accept-Encoding (cf.clientAcceptEncoding) decides", async () => {
    for (const path of paths()) {
      for (const accept of REFUSING) {
        const { res, body } = await raw(path, accept, true);
        expect(res.headers.get("content-encoding"), `${path} ${accept}`).toBeNull();
        expect(body, `${path} ${accept}`).toEqual(objects[path]);
      }
      const { res, body } = await raw(path, "gzip, identity", true);
      expect(res.headers.get("content-encoding"), path).toBe("gzip");
      expect(await gunzip(body), path).toEqual(objects[path]);
    }
  });

  it("the order of requests does not matter: identity after gzip, gzip after identity, from memory or the edge", async () => {
    for (const path of paths())
      for (const accept of ["gzip", undefined, "gzip", undefined]) {
        clearCaches(); // the next answer comes from the edge cache, or R2/KV
        for (let i = 0; i < 2; i++) {
          const { res, body } = await raw(path, accept);
          expect(res.headers.get("content-encoding"), `${path} ${accept}`).toBe(accept ? "gzip" : null);
          expect(accept ? await gunzip(body) : body, `${path} ${accept}`).toEqual(objects[path]);
        }
      }
  });

  it("the edge cache keeps the identity bytes only, whatever the first client accepted", async () => {
    const log = deploymentOf(env).active;
    const full = edgeKey(provenTileEdgePath(log, "tile/entries/000"));
    const partial = edgeKey(provenTileEdgePath(log, `tile/entries/001.p/${size - 256}`));
    for (const key of [full, partial]) await caches.default.delete(key);
    clearCaches();
    await raw("/tile/entries/000", "gzip");
    await raw(`/tile/entries/001.p/${size - 256}`, "gzip");
    for (const [key, path] of [
      [full, "/tile/entries/000"],
      [partial, `/tile/entries/001.p/${size - 256}`],
    ] as const) {
      const kept = await caches.default.match(key);
      expect(kept, path).toBeDefined();
      expect(kept!.headers.get("content-encoding"), path).toBeNull();
      expect(new Uint8Array(await kept!.arrayBuffer()), path).toEqual(objects[path]);
    }
  });

  it("a bundle is compressed once per isolate: later answers are the kept gzip", async () => {
    clearCaches();
    await raw("/tile/entries/000", "gzip");
    expect(gzippedBundles.size).toBe(1);
    // Put a marker in place of the kept gzip: the next answer is the marker, so nothing was compressed again.
    const key = `${deploymentOf(env).active.name}\n${deploymentOf(env).active.checkpointKey().vkey}\ntile/entries/000`;
    expect(gzippedBundles.get(key)).toBeDefined();
    const marker = new Uint8Array([...GZIP_MAGIC, 1, 2, 3]);
    gzippedBundles.set(key, marker);
    expect((await raw("/tile/entries/000", "gzip")).body).toEqual(marker);
    expect((await raw("/tile/entries/000")).body).toEqual(objects["/tile/entries/000"]);
  });

  it("the kept gzip is bounded by bytes", () => {
    gzippedBundles.set("too large", new Uint8Array(MAX_GZIP_BUNDLE_BYTES + 1));
    expect(gzippedBundles.get("too large")).toBeUndefined();
  });

  it("hash tiles (random hashes) go out as they are: no Content-Encoding, no Vary", async () => {
    for (const path of ["/tile/0/000", `/tile/0/001.p/${size - 256}`, "/tile/1/000.p/1"]) {
      const { res, body } = await raw(path, "gzip, identity");
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-encoding"), path).toBeNull();
      expect(res.headers.get("vary"), path).toBeNull();
      expect(body, path).toEqual((await getObject(path.slice(1))).body);
    }
  });
});

describe("a fixed asset's gzip", () => {
  it("is made on the first request that wants it, then kept", async () => {
    let made = 0;
    const once = gzippedOnce(() => {
      made++;
      return enc("an asset ".repeat(100));
    });
    const [a, b] = await Promise.all([once(), once()]);
    expect(await once()).toBe(a);
    expect(b).toBe(a);
    expect(made).toBe(1);
    expect(new TextDecoder().decode(await gunzip(a))).toBe("an asset ".repeat(100));
  });
});
