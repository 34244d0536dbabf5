// The Indexer follows the log from R2 off the write path, signs map checkpoints with the log's key and
// publishes the map as write-once objects; complete search answers, assembled from those objects, verify
// with nothing but that key: every page, an absent key, and the lag. A changed map tile or value chunk in
// R2 is caught by the client and by the audit; so is a map the Indexer built on a damaged list.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Indexer } from "../../durable-objects/indexer.ts";
import { toHex } from "../../src/tlog/encoding.ts";
import { ProofError } from "../../src/tlog/errors.ts";
import { newVerifier } from "../../src/tlog/note.ts";
import { openMapCheckpoint } from "../../src/vindex/checkpoint.ts";
import { verifyCompleteSearch, type CompleteSearchJson } from "../../src/vindex/complete-search.ts";
import { keyPath } from "../../src/vindex/hash.ts";
import { decodeMapTile, encodeMapTile, mapTilePath, proveFromTiles } from "../../src/vindex/map-tiles.ts";
import { chunkPath } from "../../src/vindex/value-tiles.ts";
import { indexKeysOf } from "../../src/search/index-keys.ts";
import { auditIndex, loadAuditState, saveAuditState } from "../../src/vindex/audit.ts";
import { http, logVerifierKey } from "../helpers/log.ts";

const indexer = () => env.INDEXER.get(env.INDEXER.idFromName("default")) as DurableObjectStub<Indexer>;
const digest = (n: number) => n.toString(16).padStart(64, "0");
/** A raw leaf the index reads as a Rekor v1 hashedrekord with one artifact digest. */
const leaf = (i: number, d: string) =>
  JSON.stringify({
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: { data: { hash: { algorithm: "sha256", value: d } } },
    n: i,
  });

const HOT = digest(0xabc);
const COLD = digest(0xdef);

/** The log index each leaf n got: concurrent appends (through batchers) are sequenced in any order. */
const indexOf = new Map<number, number>();
const indicesOf = (keep: (n: number) => boolean): number[] =>
  [...indexOf]
    .filter(([n]) => keep(n))
    .map(([, i]) => i)
    .sort((a, b) => a - b);

async function append(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, to - i) }, async (_, j) => {
        const n = i + j;
        const r = await http("/add", {
          method: "POST",
          body: leaf(n, n % 3 === 0 ? HOT : n === 7 ? COLD : digest(n + 1_000_000)),
        });
        expect(r.status).toBe(200);
        indexOf.set(n, Number((await r.text()).trim()));
      }),
    );
  }
}

async function searchPage(d: string, limit: number, cursor?: string): Promise<CompleteSearchJson> {
  const r = await http(`/api/v2/search?digest=${d}&complete=true&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.json()) as CompleteSearchJson;
}

/** Every page of a complete search, each verified as a client does; the log indices found, in order. */
async function searchAll(d: string, limit: number): Promise<{ indices: number[]; size: number; count: number }> {
  const indices: number[] = [];
  let cursor: string | undefined;
  let size = 0;
  let count = 0;
  for (let page = 0; page < 100; page++) {
    const a = await searchPage(d, limit, cursor);
    const v = verifyCompleteSearch(a, `sha256:${d}`, limit, [newVerifier(logVerifierKey())], indexKeysOf);
    expect(v.start).toBe(indices.length);
    indices.push(...v.indices);
    size = v.checkpoint.size;
    count = v.count;
    if (a.nextCursor === undefined) return { indices, size, count };
    cursor = a.nextCursor;
  }
  throw new Error("too many pages");
}

/** The log's public objects over the Worker, as a monitor fetches them. */
const fetchPath = async (path: string) => {
  const r = await http(`/${path}`);
  if (r.status === 404) return null;
  expect(r.status).toBe(200);
  return new Uint8Array(await r.arrayBuffer());
};
const audit = (state?: Parameters<typeof auditIndex>[0]["state"], onProgress?: (n: number) => void) =>
  auditIndex({
    fetch: fetchPath,
    verifiers: [newVerifier(logVerifierKey())],
    batch: 100,
    ...(state ? { state } : {}),
    ...(onProgress ? { onProgress } : {}),
  });

/** Appends over HTTP, catch-ups and full replays: generous on a loaded machine (nothing here waits on time). */
const SLOW = 180_000;

describe("indexer and complete search", () => {
  it("before the first map checkpoint a complete search answers 503", async () => {
    const r = await http(`/api/v2/search?digest=${HOT}&complete=true`);
    expect(r.status).toBe(503);
  });

  it(
    "follows the log, signs the map checkpoint and proves every key's entries page by page",
    async () => {
      await append(0, 320);
      const before = await (await http("/api/v2/index/status")).json<{ lag: number; logSize: number }>();
      expect(before.logSize).toBe(320);
      const status = await indexer().catchUp();
      expect(status).toMatchObject({ indexedSize: 320, logSize: 320, lag: 0 });

      const note = await (await http("/index/checkpoint")).text();
      const cp = openMapCheckpoint(note, [newVerifier(logVerifierKey())], "localhost:8787");
      expect(cp.size).toBe(320);

      const hot = await searchAll(HOT, 20);
      const expected = indicesOf((n) => n % 3 === 0);
      expect(hot).toEqual({ indices: expected, size: 320, count: expected.length });
      expect((await searchAll(HOT, 7)).indices).toEqual(expected); // pages that straddle chunks
      expect((await searchAll(COLD, 20)).indices).toEqual([indexOf.get(7)]);
      expect(await searchAll(digest(0x1234567), 20)).toEqual({ indices: [], size: 320, count: 0 });
    },
    SLOW,
  );

  it(
    "reports its lag, and its alarm catches up with new entries",
    async () => {
      await append(320, 330);
      const lagging = await (await http("/api/v2/index/status")).json<{ lag: number; indexedSize: number }>();
      expect(lagging).toMatchObject({ indexedSize: 320, lag: 10 });
      await indexer().wake(); // what the cron heartbeat does
      expect(await runDurableObjectAlarm(indexer())).toBe(true);
      expect(await (await http("/api/v2/index/status")).json()).toMatchObject({ indexedSize: 330, lag: 0 });
      await runInDurableObject(indexer(), (_i: Indexer, state) => state.storage.deleteAlarm()); // no background steps in later tests
      expect((await searchAll(HOT, 20)).count).toBe(
        Array.from({ length: 330 }, (_, i) => i).filter((i) => i % 3 === 0).length,
      );
    },
    SLOW,
  );

  it(
    "the audit rebuilds the map from the log and matches the map checkpoint, resuming where it stopped",
    async () => {
      const first = await audit();
      expect(first.report).toMatchObject({ replayedSize: 330, matched: [330] });
      expect(first.report.divergence).toBeUndefined();
      await append(330, 336);
      await indexer().catchUp();
      const progress: number[] = [];
      const resumed = await audit(loadAuditState(saveAuditState(first.state)), (n) => progress.push(n));
      expect(resumed.report).toMatchObject({ replayedSize: 336, matched: [336] });
      expect(progress).toEqual([336]); // only the new entries were replayed
    },
    SLOW,
  );

  it(
    "a map stored before the map was published to R2 is dropped and rebuilt from the log",
    async () => {
      const keyRows = () =>
        runInDurableObject(indexer(), (_i: Indexer, state) =>
          Number(state.storage.sql.exec("SELECT count(*) AS n FROM vindex_keys").one().n),
        );
      const before = await keyRows();
      await runInDurableObject(indexer(), (_i: Indexer, state) => {
        state.storage.sql.exec("DELETE FROM vindex_meta WHERE name = 'format'");
        state.storage.sql.exec("DELETE FROM vindex_keys"); // what a rebuild restores, and nothing else would
      });
      expect(await indexer().catchUp()).toMatchObject({ indexedSize: 336, lag: 0 });
      expect(await keyRows()).toBe(before);
      expect((await searchAll(HOT, 20)).count).toBe(
        Array.from({ length: 336 }, (_, i) => i).filter((i) => i % 3 === 0).length,
      );
    },
    SLOW,
  );

  it("refuses a bad complete parameter or cursor", async () => {
    expect((await http(`/api/v2/search?digest=${HOT}&complete=yes`)).status).toBe(400);
    expect((await http(`/api/v2/search?digest=${HOT}&complete=true&cursor=abc`)).status).toBe(400);
    // the fast search is unchanged
    expect((await http(`/api/v2/search?digest=${HOT}`)).status).toBe(200);
  });

  it(
    "a map tile or a value chunk changed in R2 fails the client's check and the audit",
    async () => {
      const client = async () =>
        verifyCompleteSearch(
          await searchPage(HOT, 20),
          `sha256:${HOT}`,
          20,
          [newVerifier(logVerifierKey())],
          indexKeysOf,
        );
      await client();
      const hot = toHex(keyPath(`sha256:${HOT}`));
      // The tile of the current map that holds the key's leaf: down the key's path from the signed root.
      const note = await (await http("/index/checkpoint")).text();
      const mapRoot = openMapCheckpoint(note, [newVerifier(logVerifierKey())], "localhost:8787").mapRoot;
      const proof = await proveFromTiles(fetchPath, mapRoot, `sha256:${HOT}`);
      let tileName = `default/${mapTilePath(0, mapRoot)}`;
      for (let stratum = 0; stratum < Math.floor((proof.siblings.length - 1) / 8); stratum++) {
        const down = decodeMapTile(new Uint8Array(await (await env.TILES.get(tileName))!.arrayBuffer())).find(
          (t) => t.kind === "node" && t.position === keyPath(`sha256:${HOT}`)[stratum],
        );
        tileName = `default/${mapTilePath(stratum + 1, down!.kind === "node" ? down!.hash : new Uint8Array())}`;
      }
      const original = new Uint8Array(await (await env.TILES.get(tileName))!.arrayBuffer());
      const terminals = decodeMapTile(original).map((t) =>
        t.kind === "leaf" && toHex(t.path) === hot ? { ...t, valueRoot: t.valueRoot.map((b) => b ^ 1) } : t,
      );
      await env.TILES.put(tileName, encodeMapTile(terminals));
      await expect(client()).rejects.toThrow(ProofError);
      const tileAudit = (await audit()).report;
      expect(tileAudit.divergence?.reason).toBe(
        `the published object ${tileName.slice("default/".length)} is not the one the map rebuilt from the log has`,
      );
      await env.TILES.put(tileName, original);
      await client();

      const chunk = `default/${chunkPath(hot, proof.terminal.kind === "leaf" ? proof.terminal.count : 0, 0)}`;
      const indices = new Uint8Array(await (await env.TILES.get(chunk))!.arrayBuffer());
      await env.TILES.put(chunk, indices.slice(8)); // the key's first index, gone
      await expect(client()).rejects.toThrow(ProofError);
      expect((await audit()).report.divergence?.reason).toMatch(
        new RegExp(`published object ${chunk.slice("default/".length).replace(/\./g, "\\.")} is not`),
      );
      await env.TILES.put(chunk, indices);
      await client();
      const clean = (await audit()).report;
      expect(clean.divergence).toBeUndefined();
      expect(clean.objectsChecked).toBeGreaterThan(100);
    },
    SLOW,
  );

  it(
    "a map the Indexer built on a list that lost one index fails the audit and the client's check",
    async () => {
      const page = await searchPage(HOT, 20);
      verifyCompleteSearch(page, `sha256:${HOT}`, 20, [newVerifier(logVerifierKey())], indexKeysOf);
      await runInDurableObject(indexer(), (_instance: Indexer, state) => {
        const path = toHex(keyPath(`sha256:${HOT}`));
        const row = state.storage.sql
          .exec<{ indices: ArrayBuffer }>("SELECT indices FROM vindex_chunks WHERE path = ? AND i = 0", path)
          .one();
        const dropped = new Uint8Array(row.indices).slice(8); // the key's first index, gone
        state.storage.sql.exec("UPDATE vindex_chunks SET indices = ? WHERE path = ? AND i = 0", dropped, path);
      });
      // Reads come from the published objects, not from the Indexer's store: the answer still verifies.
      verifyCompleteSearch(
        await searchPage(HOT, 20),
        `sha256:${HOT}`,
        20,
        [newVerifier(logVerifierKey())],
        indexKeysOf,
      );
      // The indexer then signs and publishes maps built on the tampered list: the audit finds the first
      // such checkpoint, and the client refuses the answers.
      expect((await audit()).report.divergence).toBeUndefined(); // the signed root is still the honest one
      await append(336, 342);
      await indexer().catchUp();
      const report = (await audit()).report;
      expect(report.divergence?.size).toBe(342);
      expect(report.divergence?.reason).toMatch(/not the root of the map rebuilt/);
      const after = await searchPage(HOT, 20);
      expect(() =>
        verifyCompleteSearch(after, `sha256:${HOT}`, 20, [newVerifier(logVerifierKey())], indexKeysOf),
      ).toThrow(ProofError);
    },
    SLOW,
  );
});
