// Right-edge partial tiles and bundles (/tile/<L>/<N>.p/<W>, /tile/entries/<N>.p/<W>): proven to a verified
// checkpoint once (LogReader.provenTile: each maximal aligned run of the tile's hashes is a node of the tree,
// proven by its subtree inclusion proof), then served from the isolate's memory. KV and R2 are the attacker
// (docs/SECURITY.md): bytes that do not prove are refused and kept nowhere. The expected tiles are computed here
// from the entries the log acknowledged, with node:crypto's SHA-256 as RFC 6962 §2.1 defines the hashes.
import { env } from "cloudflare:workers";
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { verifiedTiles } from "../../src/api/verified-answers.ts";
import { deploymentOf } from "../../src/log/deployment.ts";
import { toHex } from "../../src/tlog/encoding.ts";
import { enc, http, sequencer } from "../helpers/log.ts";
import {
  deleteHot,
  deleteObject,
  forgetEdge,
  getHot,
  getObject,
  putHot,
  putObject,
} from "../helpers/stored-objects.ts";

function joined(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}
const sha256 = (...parts: Uint8Array[]) => new Uint8Array(createHash("sha256").update(joined(parts)).digest());
const leafHash = (entry: Uint8Array) => sha256(Uint8Array.of(0), entry);
/** MTH of a power-of-two run of leaf hashes. */
function subtreeHash(hashes: Uint8Array[]): Uint8Array {
  while (hashes.length > 1)
    hashes = Array.from({ length: hashes.length / 2 }, (_, i) =>
      sha256(Uint8Array.of(1), hashes[2 * i]!, hashes[2 * i + 1]!),
    );
  return hashes[0]!;
}
const concat = (parts: Uint8Array[]) => toHex(joined(parts));
/** C2SP tlog-tiles bundle: each entry as uint16 big-endian length, then its bytes. */
const bundleBytes = (entries: Uint8Array[]) =>
  joined(entries.flatMap((e) => [Uint8Array.of(e.length >> 8, e.length & 255), e]));

const bytes = async (r: Response) => toHex(new Uint8Array(await r.arrayBuffer()));

/** 3·256 + 45 entries: level 1 holds a partial tile of 3 hashes (runs of 2 and 1), level 0 one of 45 (32, 8, 4, 1). */
const SIZE = 3 * 256 + 45;
const L0 = "tile/0/003.p/45";
const L1 = "tile/1/000.p/3";
const BUNDLE = "tile/entries/003.p/45";

describe("right-edge partial tiles and bundles", () => {
  /** The log's entries by index, as the sequencer acknowledged them. */
  const entries: Uint8Array[] = [];
  beforeAll(async () => {
    expect((await sequencer().status()).size).toBe(0);
    for (let batch = 0; batch < 3; batch++) {
      await Promise.all(
        Array.from({ length: SIZE / 3 }, async (_, i) => {
          const entry = enc(`partial ${batch}.${i} ${Math.random()}`);
          const r = await sequencer().add(entry);
          if (r.kind !== "sequenced") throw new Error(`add: ${r.kind}`);
          entries[r.index] = entry;
        }),
      );
    }
    expect((await sequencer().status()).size).toBe(SIZE);
  });

  /** What each partial must hold, from the entries alone. */
  const expected = (path: string): string => {
    const leaves = entries.map(leafHash);
    if (path === L0) return concat(leaves.slice(768, SIZE));
    if (path === L1) return concat([0, 1, 2].map((i) => subtreeHash(leaves.slice(256 * i, 256 * (i + 1)))));
    return toHex(bundleBytes(entries.slice(768, SIZE)));
  };

  it("serve the bytes the log's entries make, as KV and R2 hold them, immutable, at the root and under /api/v2", async () => {
    for (const path of [L0, L1, BUNDLE]) {
      const want = expected(path);
      expect(toHex((await getObject(path)).body), path).toBe(want);
      expect(toHex(await getHot(path)), path).toBe(want);
      const r = await http(`/${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("cache-control")).toBe("public, max-age=604800, immutable");
      expect(await bytes(r), path).toBe(want);
      expect(await bytes(await http(`/api/v2/${path}`)), path).toBe(want);
    }
  });

  it("a second read comes from the isolate's memory: neither KV nor R2 is read", async () => {
    for (const path of [L0, BUNDLE]) {
      await forgetEdge(path);
      const first = await bytes(await http(`/${path}`));
      expect(verifiedTiles.get(`${deploymentOf(env).active.reader().logId}\n${path}`), path).toBeDefined();
      const kv = await getHot(path);
      const r2 = await getObject(path);
      await deleteHot(path);
      await deleteObject(path);
      const again = await http(`/${path}`);
      expect(again.status, path).toBe(200);
      expect(await bytes(again), path).toBe(first);
      await putHot(path, kv);
      await putObject(path, r2);
    }
  });

  it("a partial tampered with in KV is refused and kept nowhere; once repaired it is served", async () => {
    // A hash in the first run (32) and the last (1) at level 0, the last (1) at level 1: each run is proven on its own.
    for (const [path, hash] of [
      [L0, 0],
      [L0, 44],
      [L1, 2],
    ] as const) {
      const good = await getHot(path);
      const bad = good.slice();
      bad[32 * hash + 5]! ^= 1;
      await putHot(path, bad);
      await forgetEdge(path);
      await forgetEdge(BUNDLE);
      expect((await http(`/${path}`)).status, `${path} #${hash}`).toBe(500);
      expect((await http(`/${path}`)).status, `${path} #${hash}`).toBe(500);
      // A bundle rests on its level-0 tile of the same width: refused too.
      if (path === L0) expect((await http(`/${BUNDLE}`)).status).toBe(500);
      expect(verifiedTiles.size).toBe(0);
      await putHot(path, good);
      const again = await http(`/${path}`);
      expect(again.status, path).toBe(200);
      expect(await bytes(again)).toBe(expected(path));
      verifiedTiles.clear();
    }
  });

  it("a partial bundle tampered with in KV (one entry replaced) is refused, alone or with its tile hash", async () => {
    const good = await getHot(BUNDLE);
    const tile = await getHot(L0);
    const forged = entries.slice(768, SIZE);
    forged[40] = enc("an entry the log never accepted");
    await putHot(BUNDLE, bundleBytes(forged));
    await forgetEdge(BUNDLE);
    await forgetEdge(L0);
    expect((await http(`/${BUNDLE}`)).status).toBe(500);
    const hashes = tile.slice();
    hashes.set(leafHash(forged[40]!), 32 * 40);
    await putHot(L0, hashes);
    expect((await http(`/${BUNDLE}`)).status).toBe(500);
    expect(verifiedTiles.size).toBe(0);
    await putHot(BUNDLE, good);
    await putHot(L0, tile);
    expect(await bytes(await http(`/${BUNDLE}`))).toBe(expected(BUNDLE));
  });

  it("a partial no checkpoint covers gets the answer of a full tile no checkpoint covers (404), even when stored", async () => {
    const beyond = "tile/0/003.p/46";
    const stored = joined([await getHot(L0), new Uint8Array(32)]);
    await putHot(beyond, stored);
    await putObject(beyond, { body: stored, metadata: {} });
    await putObject("tile/0/004", { body: new Uint8Array(32 * 256), metadata: {} });
    const partial = await http(`/${beyond}`);
    const full = await http("/tile/0/004");
    expect(partial.status).toBe(404);
    expect(full.status).toBe(404);
    expect((await partial.json()) as { message: string }).toEqual({
      code: 404,
      message: `${beyond} has not been published`,
    });
    expect((await full.json()) as { message: string }).toEqual({
      code: 404,
      message: "tile/0/004 has not been published",
    });
    expect(verifiedTiles.size).toBe(0);
  });

  it("a partial of a tree grown since the checkpoint was last read is served at once (the view is read again)", async () => {
    // A checkpoint kept for 10 s (the suite keeps none): the grown tree's partial must not wait for it to age.
    const withAge = { ...env, CHECKPOINT_MAX_AGE: "10" };
    const reader = () => deploymentOf(withAge).active.reader();
    expect(toHex(await reader().provenTile({ level: 0, index: 3, width: 45 }))).toBe(expected(L0));
    const more = Array.from({ length: 10 }, (_, i) => enc(`grown ${i} ${Math.random()}`));
    for (const e of more) {
      const r = await sequencer().add(e);
      if (r.kind !== "sequenced") throw new Error(`add: ${r.kind}`);
      entries[r.index] = e;
    }
    const want = concat(entries.slice(768, SIZE + 10).map(leafHash));
    expect(toHex(await reader().provenTile({ level: 0, index: 3, width: 55 }))).toBe(want);
    const r = await http("/tile/0/003.p/55");
    expect(r.status).toBe(200);
    expect(await bytes(r)).toBe(want);
  });
});
