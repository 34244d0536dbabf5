// Fuzzing parseTilePath (C2SP tlog-tiles paths, which every GET /tile/... hands it): every tile's path round-trips,
// and any string either parses to a tile whose path is that exact string, or throws MalformedError — never anything
// else. A failure prints fast-check's seed and path; replay with fc.assert(property, { seed, path }).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MalformedError } from "../../src/tlog/errors.ts";
import { ENTRIES_LEVEL, MAX_TILE_LEVEL, parseTilePath, tilePath, TILE_WIDTH, type Tile } from "../../src/tlog/tile.ts";
import { describeError, mutatedString, nastyString } from "./mutate.ts";

const tile: fc.Arbitrary<Tile> = fc.record({
  level: fc.integer({ min: ENTRIES_LEVEL, max: MAX_TILE_LEVEL }),
  // Small indexes (one or two groups) are where most paths live; the whole safe range checks the grouping.
  index: fc.oneof(fc.nat({ max: 999 }), fc.nat({ max: 999_999_999 }), fc.maxSafeNat()),
  width: fc.oneof(fc.constant(TILE_WIDTH), fc.integer({ min: 1, max: TILE_WIDTH })),
});

/** Strings made of the tokens tile paths are made of, so random ones are often nearly valid. */
const tokens = fc
  .array(
    fc.constantFrom(
      "tile",
      "entries",
      "/",
      "x",
      ".p",
      ".",
      "p",
      "0",
      "00",
      "000",
      "001",
      "999",
      "x000",
      "x001",
      "1",
      "63",
      "64",
      "255",
      "256",
      "-1",
      "+1",
      " ",
      "%2F",
      "\u0660",
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(""));

function parsesToItselfOrIsMalformed(path: string): void {
  let parsed: Tile;
  try {
    parsed = parseTilePath(path);
  } catch (e) {
    if (e instanceof MalformedError) return;
    throw new Error(`parseTilePath(${JSON.stringify(path)}) threw ${describeError(e)}`);
  }
  expect(tilePath(parsed), JSON.stringify(path)).toBe(path);
  expect(Number.isSafeInteger(parsed.index) && parsed.index >= 0).toBe(true);
  expect(parsed.level >= ENTRIES_LEVEL && parsed.level <= MAX_TILE_LEVEL).toBe(true);
  expect(parsed.width >= 1 && parsed.width <= TILE_WIDTH).toBe(true);
}

describe("fuzz: parseTilePath", () => {
  it("every tile's path parses back to the tile", () => {
    fc.assert(
      fc.property(tile, (t) => {
        expect(parseTilePath(tilePath(t))).toEqual(t);
      }),
      { numRuns: 1000 },
    );
  });

  it("random strings: parse to themselves or throw MalformedError", () => {
    fc.assert(
      fc.property(
        fc.oneof(tokens, nastyString, fc.string({ unit: "binary", maxLength: 40 })),
        parsesToItselfOrIsMalformed,
      ),
      { numRuns: 1500 },
    );
  });

  it("valid paths with a few edits: parse to themselves or throw MalformedError", () => {
    fc.assert(
      fc.property(
        tile.chain((t) => mutatedString(tilePath(t))),
        parsesToItselfOrIsMalformed,
      ),
      { numRuns: 1500 },
    );
  });
});
