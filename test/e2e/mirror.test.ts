// C2SP tlog-mirror end to end: an edgelog deployment mirrors two logs over HTTP — a static tile log written by Go's
// golang.org/x/mod (sumdb/tlog computes the tree, sumdb/note signs it) and another edgelog — copies and verifies
// them, serves them at /mirror/<origin hash>/ with its cosignature, and follows them as they grow. A log that
// serves a wrong tile, or a checkpoint that does not extend the mirrored one, is refused and reported (the
// Mirror's status) and nothing of it is republished. The mirror's copy is read back with the edgelog CLI as any
// tlog-tiles log: the log's key and the mirror's cosignature (--witness-key).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TileReader } from "../../src/client/tile-reader.ts";
import type { MirrorStatus } from "../../durable-objects/mirror.ts";
import { generateCosignatureKey, newCosignatureVerifier, verifyCosignatures } from "../../src/tlog/cosignature.ts";
import { generateKey, newVerifier, parseNote } from "../../src/tlog/note.ts";
import { runCli as cli } from "./cli-runner.ts";
import { followWithGo, serveStaticLog, writeGoTileLog, type StaticLog } from "./go-tile-log.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

const goOrigin = "go.example/tlog";
const goKey = generateKey(goOrigin); // Go's note format: sumdb/note signs with it
const upstreamOrigin = "upstream.localhost";
const mirrorKey = generateCosignatureKey("mirror.example/m1");
const hashOf = (origin: string) => createHash("sha256").update(origin).digest("hex");

let go: StaticLog;
let upstream: LocalLog;
let mirror: LocalLog;

beforeAll(async () => {
  go = await serveStaticLog(writeGoTileLog(600, goOrigin, goKey.skey));
  upstream = await startLocalLog({
    ENABLE_TEST_APPEND: "true",
    LOG_ORIGIN: upstreamOrigin,
    LOG_SIGNING_KEY: generateKey(upstreamOrigin).skey,
  });
  mirror = await startLocalLog({
    MIRRORED_LOGS: `${goKey.vkey} ${go.url}, ${upstream.vkey} ${upstream.url}/`,
    MIRROR_SIGNING_KEY: mirrorKey.skey,
  });
}, 120_000);
afterAll(async () => {
  await Promise.all([go?.stop(), upstream?.stop(), mirror?.stop()]);
});

async function catchUp(origin: string): Promise<MirrorStatus> {
  const ns = await mirror.mf.getDurableObjectNamespace("MIRROR");
  return (ns.get(ns.idFromName(origin)) as unknown as { catchUp(): Promise<MirrorStatus> }).catchUp();
}

const mirrored = (origin: string, path: string) => fetch(`${mirror.url}/mirror/${hashOf(origin)}/${path}`);

async function mirrorCheckpoint(origin: string): Promise<string> {
  const r = await mirrored(origin, "checkpoint");
  expect(r.status).toBe(200);
  return r.text();
}

function copyReader(origin: string, vkey: string): TileReader {
  return new TileReader(
    async (p) => {
      const r = await mirrored(origin, p);
      return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
    },
    [newVerifier(vkey)],
  );
}

describe("mirroring a log written by Go's x/mod tlog", () => {
  it("copies it, checks it, cosigns it and serves it at /mirror/<origin hash>/", async () => {
    const status = await catchUp(goOrigin);
    expect(status).toMatchObject({ origin: goOrigin, originHash: hashOf(goOrigin), size: 600 });
    expect(status.error).toBeUndefined();
    const note = await mirrorCheckpoint(goOrigin);
    // Go's signed note verbatim, then the mirror's cosignature.
    expect(note.startsWith(readFileSync(join(go.dir, "checkpoint"), "utf8"))).toBe(true);
    const n = parseNote(note);
    expect(verifyCosignatures(n.text, n.sigs, [newCosignatureVerifier(mirrorKey.vkey)]).valid).toHaveLength(1);
    // Every object byte for byte Go's, and served as tlog-tiles says.
    for (const path of [
      "tile/0/000",
      "tile/0/001",
      "tile/0/002.p/88",
      "tile/1/000.p/2",
      "tile/entries/000",
      "tile/entries/002.p/88",
    ]) {
      const r = await mirrored(goOrigin, path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("cache-control"), path).toMatch(/immutable/);
      expect(Buffer.from(await r.arrayBuffer()), path).toEqual(readFileSync(join(go.dir, path)));
    }
    const copy = copyReader(goOrigin, goKey.vkey);
    const cp = await copy.checkpoint();
    expect(new TextDecoder().decode(await copy.entry(599, cp.size))).toBe("entry 599");
    await copy.verifyInclusion(await copy.entry(300, cp.size), 300, cp);
    // The edgelog CLI reads the mirror as any tlog-tiles log: the log's key, the mirror's cosignature.
    const shown = await cli([
      "checkpoint",
      "--url",
      `${mirror.url}/mirror/${hashOf(goOrigin)}`,
      "--log-key",
      goKey.vkey,
      "--witness-key",
      mirrorKey.vkey,
      "--witness-quorum",
      "1",
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("cosigned by mirror.example/m1");
    const list = await (await fetch(`${mirror.url}/mirror`)).json();
    expect(list.logs.map((l: { origin: string; originHash: string }) => [l.origin, l.originHash])).toEqual([
      [goOrigin, hashOf(goOrigin)],
      [upstreamOrigin, hashOf(upstreamOrigin)],
    ]);
    expect((await fetch(`${mirror.url}/mirror/${"ab".repeat(32)}/checkpoint`)).status).toBe(404);
    expect((await mirrored(goOrigin, "tile/0/0001")).status).toBe(400);
  });

  it("follows it as it grows, proving the new tree consistent with the mirrored one", async () => {
    go.dir = writeGoTileLog(1000, goOrigin, goKey.skey);
    const status = await catchUp(goOrigin);
    expect(status).toMatchObject({ size: 1000 });
    expect(status.error).toBeUndefined();
    const copy = copyReader(goOrigin, goKey.vkey);
    const cp = await copy.checkpoint();
    expect(cp.size).toBe(1000);
    expect(new TextDecoder().decode(await copy.entry(999, cp.size))).toBe("entry 999");
  });

  it("refuses a wrong tile and a checkpoint that does not extend the mirrored one; republishes nothing of them", async () => {
    const before = await mirrorCheckpoint(goOrigin);
    // Grown honestly, but one served tile is wrong.
    go.dir = writeGoTileLog(1300, goOrigin, goKey.skey);
    go.tamper = (path, body) => {
      if (path === "tile/0/004") body[8] ^= 1;
      return body;
    };
    const tampered = await catchUp(goOrigin);
    expect(tampered).toMatchObject({ size: 1000, refused: true });
    expect(tampered.error).toMatch(/tile\/0\/004 does not hash to its hash in the tile above/);
    expect(await mirrorCheckpoint(goOrigin)).toBe(before);
    expect((await mirrored(goOrigin, "tile/0/004")).status).toBe(404);
    go.tamper = null;
    // A log signed by the same key that rewrote its history.
    go.dir = writeGoTileLog(1400, goOrigin, goKey.skey, "rewritten");
    const forked = await catchUp(goOrigin);
    expect(forked).toMatchObject({ size: 1000, refused: true });
    expect(forked.error).toMatch(
      /the log's checkpoint of size 1400 is not consistent with the mirrored one of size 1000/,
    );
    expect(await mirrorCheckpoint(goOrigin)).toBe(before);
  });
});

describe("mirroring another edgelog", () => {
  it("follows an edgelog log from its public tile paths, the same bytes under the mirror's cosignature", async () => {
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => fetch(`${upstream.url}/add`, { method: "POST", body: `upstream ${i}` })),
    );
    const status = await catchUp(upstreamOrigin);
    expect(status.error).toBeUndefined();
    expect(status.size).toBeGreaterThanOrEqual(300);
    // The log's checkpoint as it served it (its signature), then the mirror's cosignature.
    const note = await mirrorCheckpoint(upstreamOrigin);
    const sigs = parseNote(note).sigs.map((s) => s.name);
    expect(sigs).toEqual([upstreamOrigin, "mirror.example/m1"]);
    for (const path of ["tile/0/000", "tile/entries/000"]) {
      expect(Buffer.from(await (await mirrored(upstreamOrigin, path)).arrayBuffer())).toEqual(
        Buffer.from(await (await fetch(`${upstream.url}/${path}`)).arrayBuffer()),
      );
    }
    const verify = await cli([
      "checkpoint",
      "--url",
      `${mirror.url}/mirror/${hashOf(upstreamOrigin)}`,
      "--log-key",
      upstream.vkey,
      "--witness-key",
      mirrorKey.vkey,
      "--witness-quorum",
      "1",
    ]);
    expect(verify.code, verify.stderr).toBe(0);
    const copy = copyReader(upstreamOrigin, upstream.vkey);
    const cp = await copy.checkpoint();
    expect(new TextDecoder().decode(await copy.entry(0, cp.size))).toMatch(/^upstream \d+$/);
  });

  it("a mirror written with Go's x/mod follows edgelog from what the README lists: origin, key, tile paths", async () => {
    const copied = followWithGo(upstream.url, upstream.vkey);
    expect(copied.code, copied.output).toBe(0);
    const size = Number((await (await fetch(`${upstream.url}/checkpoint`)).text()).split("\n")[1]);
    expect(copied.output).toMatch(new RegExp(`^verified ${upstreamOrigin} (\\d+)\\n$`));
    expect(Number(/ (\d+)\n$/.exec(copied.output)![1])).toBeLessThanOrEqual(size);
    // Go's copy is a tlog-tiles log the edgelog CLI verifies (a local directory as --url).
    const shown = await cli(["checkpoint", "--url", copied.dir, "--log-key", upstream.vkey]);
    expect(shown.code, shown.stderr).toBe(0);
    // With another key, Go's follower refuses the log.
    expect(followWithGo(upstream.url, generateKey(upstreamOrigin).vkey).code).not.toBe(0);
  });
});
