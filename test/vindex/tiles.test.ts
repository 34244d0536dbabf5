// The index's published objects (map tiles, value chunks and value tiles): built step by step as the
// Indexer publishes them, every name is written once, and the proofs assembled from them are the map's
// own, for every key, present or absent, and every chunk of a long list. A changed object fails the
// client's check.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/tlog/encoding.ts";
import { MalformedError, ProofError } from "../../src/tlog/errors.ts";
import { CHUNK_SIZE, EMPTY, keyPath } from "../../src/vindex/hash.ts";
import {
  allMapTiles,
  decodeMapTile,
  encodeMapTile,
  mapTilePath,
  mapTileRoot,
  proveFromTiles,
} from "../../src/vindex/map-tiles.ts";
import { VerifiableMap } from "../../src/vindex/map.ts";
import { verifyChunk, verifyKey } from "../../src/vindex/proof.ts";
import { publicationObjects } from "../../src/vindex/publication.ts";
import { MemoryMapStore } from "../../src/vindex/store.ts";
import { chunkPath, proveChunksFromObjects } from "../../src/vindex/value-tiles.ts";
import { chunkCount } from "../../src/vindex/value-tree.ts";

const KEYS = Array.from({ length: 40 }, (_, i) => `k${i}`);

/** A map built batch by batch, publishing after each batch as the Indexer does; fails on a name rewritten with other bytes. */
function publishedMap(
  entries: readonly string[][],
  batch: number,
): { map: VerifiableMap; store: MemoryMapStore; objects: Map<string, Uint8Array> } {
  const store = new MemoryMapStore();
  const map = new VerifiableMap(store);
  const objects = new Map<string, Uint8Array>();
  for (let at = 0; at < entries.length; at += batch) {
    const slice = entries.slice(at, at + batch);
    const changed = [...new Set(slice.flat())].map((k) => ({
      path: toHex(keyPath(k)),
      publishedCount: map.value(k)?.count ?? 0,
    }));
    map.append(slice);
    for (const [name, body] of publicationObjects(store, changed)) {
      const before = objects.get(name);
      if (before && toHex(before) !== toHex(body)) throw new Error(`${name} written twice with different bytes`);
      objects.set(name, body);
    }
  }
  return { map, store, objects };
}

const fetcher = (objects: Map<string, Uint8Array>) => async (path: string) => objects.get(path) ?? null;

async function expectSameProofs(
  map: VerifiableMap,
  objects: Map<string, Uint8Array>,
  keys: readonly string[],
): Promise<void> {
  for (const key of keys) {
    const fromTiles = await proveFromTiles(fetcher(objects), map.root, key);
    expect(fromTiles).toEqual(map.prove(key));
    const value = verifyKey(map.root, key, fromTiles);
    if (!value.present) continue;
    const all = Array.from({ length: chunkCount(value.count) }, (_, c) => c);
    const chunks = await proveChunksFromObjects(fetcher(objects), toHex(keyPath(key)), value.count, all);
    expect(chunks).toEqual(map.proveChunks(key, all));
    for (const c of chunks) verifyChunk(value, map.size, c.chunk, c.indices, c.proof);
  }
}

describe("published map tiles and value objects", () => {
  it("give the map's proofs for every key, published step by step with write-once names", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.subarray(KEYS, { maxLength: 6 }), { maxLength: 400 }),
        fc.integer({ min: 1, max: 150 }),
        async (entries, batch) => {
          const { map, store, objects } = publishedMap(entries, batch);
          await expectSameProofs(map, objects, [...KEYS, "never"]);
          // Everything the final map needs was published along the way (an auditor's view).
          for (const tile of allMapTiles(store))
            expect(objects.get(mapTilePath(tile.stratum, tile.root))).toEqual(encodeMapTile(tile.terminals));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("a map of one key is one tile with the key's leaf at its top; the empty map has none", async () => {
    const { map, objects } = publishedMap([["only"], ["only"]], 1);
    // One tile per map root: the older root's tile stays for the older checkpoint.
    expect([...objects.keys()].filter((n) => n.startsWith("index/tile/"))).toEqual([
      expect.stringMatching(/^index\/tile\/0\//),
      mapTilePath(0, map.root),
    ]);
    await expectSameProofs(map, objects, ["only", "other"]);
    const empty = new VerifiableMap(new MemoryMapStore());
    expect(await proveFromTiles(fetcher(new Map()), empty.root, "any")).toEqual({
      siblings: [],
      terminal: { kind: "empty" },
    });
    expect(empty.root).toEqual(EMPTY);
  });

  it("pages of a list longer than one value tile come from a few objects each", async () => {
    // 300 full chunks and a partial one: level 0 has a full tile and a partial one, level 1 one hash.
    const n = 300 * CHUNK_SIZE + 17;
    const entries = Array.from({ length: n }, (_, i) => (i % 1000 === 0 ? ["hot", `x${i}`] : ["hot"]));
    const { map, objects } = publishedMap(entries, 4096);
    expect(objects.has(`index/value/${toHex(keyPath("hot"))}/tile/1/0.p/1`)).toBe(true);
    const reads: string[] = [];
    const counting = async (p: string) => (reads.push(p), objects.get(p) ?? null);
    const value = verifyKey(map.root, "hot", await proveFromTiles(counting, map.root, "hot"));
    if (!value.present) throw new Error("hot must be present");
    for (const c of [0, 1, 255, 256, 257, 299, 300]) {
      reads.length = 0;
      const [page] = await proveChunksFromObjects(counting, toHex(keyPath("hot")), value.count, [c]);
      expect(page).toEqual(map.proveChunk("hot", c));
      verifyChunk(value, map.size, c, page!.indices, page!.proof);
      expect(reads.length).toBeLessThanOrEqual(5);
    }
  });
});

describe("a changed published object fails verification", () => {
  const entries = Array.from({ length: 900 }, (_, i) => [`k${i % 97}`, ...(i % 3 === 0 ? ["hot"] : [])]);
  const { map, store, objects } = publishedMap(entries, 128);
  const hex = toHex(keyPath("hot"));
  /** The current map's tiles (older roots' tiles are published too, but no longer on any path). */
  const current = [...allMapTiles(store)].map(
    (t) => [mapTilePath(t.stratum, t.root), objects.get(mapTilePath(t.stratum, t.root))!] as const,
  );

  it("a leaf's count or value root changed in its tile", async () => {
    const [name, body] = current.find(([, b]) =>
      decodeMapTile(b).some((t) => t.kind === "leaf" && toHex(t.path) === hex),
    )!;
    const terminals = decodeMapTile(body).map((t) =>
      t.kind === "leaf" && toHex(t.path) === hex ? { ...t, count: t.count - 1 } : t,
    );
    const tampered = new Map(objects).set(name, encodeMapTile(terminals));
    expect(toHex(mapTileRoot(terminals))).not.toBe(name.split("/").pop());
    await expect(
      proveFromTiles(fetcher(tampered), map.root, "hot").then((p) => verifyKey(map.root, "hot", p)),
    ).rejects.toThrow(ProofError);
  });

  it("any byte of any tile changed (or a tile missing) fails every key whose path it is on, or is refused", async () => {
    for (const [name, body] of current) {
      const keysBelow = decodeMapTile(body).flatMap((t) => (t.kind === "leaf" ? [t] : []));
      const flipped = new Uint8Array(body);
      flipped[body.length - 1]! ^= 1; // the last terminal's last byte: a subtree hash or a value root
      for (const bad of [flipped, null]) {
        const tampered = new Map(objects);
        if (bad) tampered.set(name, bad);
        else tampered.delete(name);
        for (const k of ["hot", ...Array.from({ length: 97 }, (_, i) => `k${i}`)]) {
          const onPath =
            keysBelow.some((t) => toHex(t.path) === toHex(keyPath(k))) || name === mapTilePath(0, map.root);
          if (!onPath) continue;
          await expect(
            proveFromTiles(fetcher(tampered), map.root, k).then((p) => verifyKey(map.root, k, p)),
          ).rejects.toThrow(bad ? ProofError : MalformedError);
        }
      }
    }
  });

  it("an index dropped from a value chunk", async () => {
    const name = chunkPath(hex, 300, 0);
    const tampered = new Map(objects).set(name, objects.get(name)!.slice(8));
    const value = verifyKey(map.root, "hot", map.prove("hot"));
    if (!value.present) throw new Error("hot must be present");
    const [page] = await proveChunksFromObjects(fetcher(tampered), hex, value.count, [0]);
    expect(() => verifyChunk(value, map.size, 0, page!.indices, page!.proof)).toThrow(ProofError);
  });

  it("malformed tiles are refused", () => {
    const good = encodeMapTile([{ depth: 8, position: 3, kind: "node", hash: new Uint8Array(32).fill(7) }]);
    expect(decodeMapTile(good)).toHaveLength(1);
    const overlapping = encodeMapTile([
      { depth: 1, position: 0, kind: "leaf", path: new Uint8Array(32), count: 1, valueRoot: new Uint8Array(32) },
      { depth: 8, position: 3, kind: "node", hash: new Uint8Array(32) },
    ]);
    expect(() => decodeMapTile(overlapping)).toThrow(MalformedError);
    expect(() => decodeMapTile(good.slice(0, -1))).toThrow(MalformedError);
    expect(() => decodeMapTile(new Uint8Array(0))).toThrow(MalformedError);
    expect(() => decodeMapTile(Uint8Array.of(3, 8, 0))).toThrow(MalformedError); // position beyond its depth
    expect(() =>
      decodeMapTile(encodeMapTile([{ depth: 4, position: 3, kind: "node", hash: new Uint8Array(32) }])),
    ).toThrow(MalformedError); // a subtree above the bottom
  });
});
