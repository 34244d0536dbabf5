// A tile's inner nodes, hashed only past what it shares with another copy (a right-edge tile grows each round):
// every level must be what RFC 6962 §2.1 makes of the tile's hashes, computed here with node:crypto, whatever the
// other copy holds (narrower, wider, or differing from some hash on).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/tlog/encoding.ts";
import { innerLevels, tileHashReader, type TileLevelsCache } from "../../src/tlog/proof.ts";
import { tilePath, type Tile } from "../../src/tlog/tile.ts";
import type { Hash } from "../../src/tlog/hash.ts";

/** RFC 6962 interior node, independently of src/tlog. */
const node = (l: Uint8Array, r: Uint8Array) =>
  new Uint8Array(
    createHash("sha256")
      .update(Uint8Array.from([1, ...l, ...r]))
      .digest(),
  );

/** Levels 0..7 of a tile by the RFC's definition: level r holds the roots of the complete aligned runs of 2^r. */
function rfcLevels(data: Uint8Array): string[][] {
  const levels: Uint8Array[][] = [[]];
  for (let o = 0; o < data.length; o += 32) levels[0]!.push(data.subarray(o, o + 32));
  for (let r = 1; r < 8; r++) {
    const below = levels[r - 1]!;
    levels.push(Array.from({ length: Math.floor(below.length / 2) }, (_, i) => node(below[2 * i]!, below[2 * i + 1]!)));
  }
  return levels.map((l) => l.map(toHex));
}

const hex = (levels: Hash[][]) => levels.map((l) => l.map(toHex));

describe("innerLevels", () => {
  const wide = crypto.getRandomValues(new Uint8Array(256 * 32));

  it("with no other copy: the RFC's nodes", () => {
    for (const w of [1, 2, 3, 7, 64, 200, 255, 256])
      expect(hex(innerLevels(wide.subarray(0, 32 * w)))).toEqual(rfcLevels(wide.subarray(0, 32 * w)));
  });

  it("grown from a narrower copy: the RFC's nodes, the shared ones taken from that copy", () => {
    for (const [w1, w2] of [
      [1, 2],
      [3, 4],
      [5, 6],
      [127, 128],
      [128, 129],
      [200, 256],
      [255, 256],
      [17, 233],
    ] as const) {
      const prior = innerLevels(wide.subarray(0, 32 * w1));
      const grown = innerLevels(wide.subarray(0, 32 * w2), prior);
      expect(hex(grown), `${w1} → ${w2}`).toEqual(rfcLevels(wide.subarray(0, 32 * w2)));
      // The node over the first pair, when both copies have it, is the prior's object: it was not hashed again.
      if (w1 >= 2) expect(grown[1]![0]).toBe(prior[1]![0]);
    }
  });

  it("a copy that differs from some hash on (or is wider) lends only the nodes wholly before the difference", () => {
    for (const k of [0, 1, 2, 3, 4, 5, 8, 100, 129, 200, 254]) {
      const other = new Uint8Array(wide);
      other[32 * k + 7]! ^= 1;
      const prior = innerLevels(other.subarray(0, 32 * 255));
      for (const w of [k + 1, 200, 256].filter((w) => w > k)) {
        expect(hex(innerLevels(wide.subarray(0, 32 * w), prior)), `differs at ${k}, width ${w}`).toEqual(
          rfcLevels(wide.subarray(0, 32 * w)),
        );
      }
    }
  });

  it("a tile hash reader asks its cache for a narrower copy and proves against the grown one", async () => {
    const stored = new Map<string, Hash[][]>();
    const asked: Tile[] = [];
    let widest: Hash[][] | undefined;
    const cache: TileLevelsCache = {
      get: (path) => stored.get(path),
      set: (path, levels) => {
        stored.set(path, levels);
        widest = levels;
      },
      narrower: (tile) => {
        asked.push(tile);
        return widest;
      },
    };
    const read = (size: number) =>
      tileHashReader(size, async (tiles) => tiles.map((t) => wide.subarray(0, 32 * t.width)), cache);
    const [a] = await read(100)([{ level: 1, index: 49 }]); // hashes 98, 99 of the tile of width 100
    const [b] = await read(101)([{ level: 1, index: 49 }]);
    expect(asked.map(tilePath)).toEqual(["tile/0/000.p/100", "tile/0/000.p/101"]);
    expect(b).toBe(a); // taken from the width-100 copy
    expect(toHex(b!)).toBe(rfcLevels(wide.subarray(0, 32 * 101))[1]![49]);
  });
});
