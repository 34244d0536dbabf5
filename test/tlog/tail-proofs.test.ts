// proveTailInclusion (all audit paths of a tree's last leaves in one pass) against the independent
// RFC 6962 reference (test/fixtures/reference/rfc6962.ts), and read from the tiles of one round as the
// sequencer does, over a tree past the first level-1 tile (every proof checked against the root).
import { describe, expect, it } from "vitest";
import { toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { MalformedError } from "../../src/tlog/errors.ts";
import { hashLeaf, HASH_SIZE } from "../../src/tlog/hash.ts";
import { checkInclusion, memoryHashReader, tileHashReader, type StoredHash } from "../../src/tlog/proof.ts";
import { proveTailInclusion } from "../../src/tlog/tail-proofs.ts";
import { tilePath, type Tile } from "../../src/tlog/tile.ts";
import { appendLeaves, edgeRoot, edgeTiles, emptyEdge } from "../../src/tlog/tree.ts";
import { refInclusionProof } from "../fixtures/reference/rfc6962.ts";

const leafHashes = Array.from({ length: 65536 + 72 }, (_, i) => hashLeaf(utf8Encode(`leaf ${i}`)));

describe("proveTailInclusion", () => {
  it("matches the RFC 6962 reference for every tail of every tree up to 40 leaves", async () => {
    for (let size = 1; size <= 40; size++) {
      const tree = leafHashes.slice(0, size);
      const want = tree.map((_, m) => refInclusionProof(m, tree).map(toHex));
      for (let first = 0; first < size; first++) {
        const proofs = await proveTailInclusion(first, tree.slice(first), memoryHashReader(tree));
        expect(
          proofs.map((p) => p.map(toHex)),
          `leaves ${first}.. of ${size}`,
        ).toEqual(want.slice(first));
      }
    }
  });

  it("matches the reference across tile boundaries, reading the tiles a round built", async () => {
    // Rounds of uneven sizes, as a sequencer makes them; proofs from the round's tiles and right edge only.
    let edge = emptyEdge();
    for (const roundSize of [1, 255, 3, 300, 7, 1, 533, 65536 - 1105, 2, 70]) {
      const first = edge.size;
      const tail = leafHashes.slice(first, first + roundSize);
      const r = appendLeaves(edge, tail);
      edge = r.edge;
      const store = new Map<string, Uint8Array>();
      for (const t of [...r.tiles, ...edgeTiles(edge)]) store.set(tilePath(t.tile), t.data);
      const reader = tileHashReader(edge.size, async (tiles: Tile[]) => tiles.map((t) => store.get(tilePath(t))!));
      const proofs = await proveTailInclusion(first, tail, reader);
      const root = edgeRoot(edge);
      proofs.forEach((p, i) => {
        if (i % 61 === 0 || i >= roundSize - 300) checkInclusion(p, first + i, edge.size, tail[i]!, root); // a sample: hashing is slow here
      });
      if (edge.size > 1200) continue; // the reference recomputes the tree for every proof
      const tree = leafHashes.slice(0, edge.size);
      for (const i of [0, 1, Math.floor(roundSize / 2), roundSize - 1]) {
        if (i >= roundSize) continue;
        expect(proofs[i]!.map(toHex), `leaf ${first + i} of ${edge.size}`).toEqual(
          refInclusionProof(first + i, tree).map(toHex),
        );
      }
    }
  });

  it("asks the reader once, for at most one stored hash per level, and returns compact hashes", async () => {
    const tree = leafHashes.slice(0, 1000);
    const calls: StoredHash[][] = [];
    const inner = memoryHashReader(tree);
    // Hand out views into a larger buffer, as a tile reader does.
    const reader = async (coords: StoredHash[]) => {
      calls.push(coords);
      return (await inner(coords)).map((h) => {
        const big = new Uint8Array(1024);
        big.set(h, 64);
        return big.subarray(64, 64 + HASH_SIZE);
      });
    };
    const proofs = await proveTailInclusion(777, tree.slice(777), reader);
    expect(calls.length).toBe(1);
    expect(calls[0]!.length).toBeLessThanOrEqual(10);
    for (const p of proofs) for (const h of p) expect(h.buffer.byteLength).toBe(HASH_SIZE);
  });

  it("answers nothing for an empty tail and rejects malformed input", async () => {
    expect(await proveTailInclusion(5, [], memoryHashReader(leafHashes))).toEqual([]);
    await expect(proveTailInclusion(-1, leafHashes.slice(0, 2), memoryHashReader(leafHashes))).rejects.toBeInstanceOf(
      MalformedError,
    );
    await expect(proveTailInclusion(0, [new Uint8Array(31)], memoryHashReader(leafHashes))).rejects.toBeInstanceOf(
      MalformedError,
    );
  });
});
