// Proofs for many entries of one tree through one TileReader (a search page of hits) share the tiles' inner
// hashes: the SHA-256 calls are counted (through useSha256) and must not grow with the number of proofs.
import { sha256 } from "@noble/hashes/sha2.js";
import { afterEach, describe, expect, it } from "vitest";
import { TileReader } from "../../src/client/tile-reader.ts";
import { hashLeaf, useSha256 } from "../../src/tlog/hash.ts";
import { checkInclusion, proveInclusion, tileHashReader } from "../../src/tlog/proof.ts";
import type { Hash } from "../../src/tlog/hash.ts";
import { tilePath, type Tile } from "../../src/tlog/tile.ts";
import { appendLeaves, edgeRoot, edgeTiles, emptyEdge } from "../../src/tlog/tree.ts";

afterEach(() => useSha256(sha256));

describe("TileReader proof cost", () => {
  it("100 inclusion proofs in a tree of 600 entries hash each tile's inner levels once", async () => {
    const leaves = Array.from({ length: 600 }, (_, i) => hashLeaf(new TextEncoder().encode(`entry ${i}`)));
    const { edge, tiles } = appendLeaves(emptyEdge(), leaves);
    const store = new Map<string, Uint8Array>();
    for (const t of [...tiles, ...edgeTiles(edge)]) store.set(tilePath(t.tile), t.data);
    const reader = new TileReader(async (path) => store.get(path) ?? null, []);
    let hashes = 0;
    useSha256((d) => {
      hashes++;
      return sha256(d);
    });
    const proofs = [];
    for (let i = 0; i < 100; i++) proofs.push(await reader.proveInclusion(i * 6, edge.size));
    // Three level-0 tiles (256, 256, 88 hashes) and one level-1 tile (2 hashes): at most 255 + 255 + 87 + 1 inner
    // hashes, whatever the number of proofs (recomputed for each proof, they were over 10,000).
    expect(hashes).toBeLessThanOrEqual(255 + 255 + 87 + 1 + 4 * 100); // and a few right-edge hashes per proof
    useSha256(sha256);
    proofs.forEach((p, i) => checkInclusion(p, i * 6, edge.size, leaves[i * 6]!, edgeRoot(edge)));
  });

  it("a reader that keeps one tile's inner levels still proves across tiles (the tiles a call uses are kept)", async () => {
    const leaves = Array.from({ length: 600 }, (_, i) => hashLeaf(new TextEncoder().encode(`entry ${i}`)));
    const { edge, tiles } = appendLeaves(emptyEdge(), leaves);
    const store = new Map<string, Uint8Array>();
    for (const t of [...tiles, ...edgeTiles(edge)]) store.set(tilePath(t.tile), t.data);
    let reads = 0;
    const one = new Map<string, Hash[][]>(); // a shared cache that keeps one tile's inner levels
    const cache = { get: (p: string) => one.get(p), set: (p: string, l: Hash[][]) => (one.clear(), one.set(p, l)) };
    const reader = tileHashReader(
      edge.size,
      async (ts: Tile[]) => ts.map((t) => (reads++, store.get(tilePath(t))!)),
      cache,
    );
    for (const i of [0, 599, 300, 1, 598, 256])
      checkInclusion(await proveInclusion(i, edge.size, reader), i, edge.size, leaves[i]!, edgeRoot(edge));
    expect(reads).toBeGreaterThan(4); // tiles were evicted and read again
  });
});
