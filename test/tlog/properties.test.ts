// Properties of the tlog core over many tree sizes, checked against the from-first-principles oracle in
// test/fixtures/reference/rfc6962.ts (which shares no code with src/tlog). Randomness is a seeded PRNG:
// a failure names its seed and tree size, so it reproduces exactly.
//
// For every size 0..300 and a few random sizes up to ~3,000:
//  - appendLeaves in random round splits gives the oracle root after every round;
//  - each round writes exactly the tiles tilesForSize(new, old) names, with the oracle's bytes;
//  - a tile path is written once (a rewrite carries the same bytes), and every partial tile is a prefix
//    of the same tile at any later size (tiles are write-once and only grow);
//  - proofs through tileHashReader over the written tiles equal those from memoryHashReader and the
//    RFC 6962 definitions, read only tiles that were published, and verify.
//
// Budget: SHA-256 (noble) runs at roughly 20k hashes/s in the workerd test pool, about 10x slower than
// in Node, so the checks that cost hashes (edgeRoot, proofs through tile readers, memoryHashReader) are
// sampled; the checks that cost no hashes (tile sets and tile bytes against the oracle) run on every
// round. Level-2 tiles need 65,536 leaves, too many here: tile math for them is covered below and the
// local cross-check against Tessera/merkle builds a 70,000-leaf log in Node.
import { describe, expect, it } from "vitest";
import { encodeBundle, parseBundle } from "../../src/tlog/bundle.ts";
import { bytesEqual, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { MalformedError } from "../../src/tlog/errors.ts";
import { hashLeaf, type Hash } from "../../src/tlog/hash.ts";
import {
  checkConsistency,
  checkInclusion,
  memoryHashReader,
  proveConsistency,
  proveInclusion,
  tileHashReader,
  treeHash,
} from "../../src/tlog/proof.ts";
import {
  entryBundlesForSize,
  parseTilePath,
  tilePath,
  tilesForSize,
  tileWidth,
  type Tile,
} from "../../src/tlog/tile.ts";
import { appendLeaves, edgeRoot, emptyEdge, naiveRoot, type RightEdge } from "../../src/tlog/tree.ts";
import { mulberry32, type Rng } from "../fixtures/reference/prng.ts";
import { RefTree, refChangedTiles, refTileData, refTilesForSize } from "../fixtures/reference/rfc6962.ts";

const SEED = 0x5eed_2026;

/** Leaf i is hashLeaf(big-endian uint32 i). Shared by every test; the oracle's tile levels are computed once. */
const MAX_LEAVES = 3000;
const LEAVES: Hash[] = Array.from({ length: MAX_LEAVES }, (_, i) =>
  hashLeaf(new Uint8Array([i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255])),
);
const ORACLE = new RefTree(LEAVES);
const LEVELS = ORACLE.tileLevels();
const oracleRoot = (n: number): Hash => ORACLE.root(n);

const key = (t: Tile) => `${t.level}/${t.index}`;
/** Byte equality, formatting hex only on failure (hex of every 8 KiB tile would dominate the runtime). */
function sameBytes(got: Uint8Array, want: Uint8Array, what: string): void {
  if (!bytesEqual(got, want)) expect(toHex(got), what).toBe(toHex(want));
}
/** Hash lists, compared the same way. */
function sameHashes(got: readonly Uint8Array[], want: readonly Uint8Array[], what: string): void {
  if (got.length !== want.length || got.some((h, i) => !bytesEqual(h, want[i]!))) {
    expect(got.map(toHex), what).toEqual(want.map(toHex));
  }
}
const startsWith = (data: Uint8Array, prefix: Uint8Array) =>
  prefix.length <= data.length && bytesEqual(data.subarray(0, prefix.length), prefix);
const sortedPaths = (tiles: readonly Tile[]) => tiles.map(tilePath).sort();

/** Splits n into random round sizes: mostly small, some empty rounds, some that cross tile boundaries. */
function splitRounds(rng: Rng, n: number, maxRound: number): number[] {
  const rounds: number[] = [];
  let left = n;
  while (left > 0) {
    const r = rng.next();
    const k = r < 0.1 ? 0 : r < 0.7 ? rng.int(1, 16) : r < 0.9 ? rng.int(1, 300) : rng.int(1, maxRound);
    rounds.push(Math.min(k, left));
    left -= Math.min(k, left);
  }
  if (rounds.length === 0 || rng.next() < 0.2) rounds.push(0);
  return rounds;
}

interface Log {
  edge: RightEdge;
  /** Every tile written, by path (including the `.p/<W>` suffix). */
  store: Map<string, Uint8Array>;
  /** Tree sizes at the end of each round, i.e. the sizes a checkpoint could have been published for. */
  published: number[];
}

/**
 * Builds a log in the given rounds, checking every round's tiles against the oracle, and the root after
 * the last round and after the rounds `checkRoot` picks.
 */
function build(rounds: readonly number[], where: string, checkRoot: (round: number) => boolean = () => true): Log {
  const log: Log = { edge: emptyEdge(), store: new Map(), published: [0] };
  const latest = new Map<string, Uint8Array>(); // level/index → newest data
  for (const [round, k] of rounds.entries()) {
    const oldSize = log.edge.size;
    const newSize = oldSize + k;
    const before = edgeSnapshot(log.edge);
    const { edge, tiles } = appendLeaves(log.edge, LEAVES.slice(oldSize, newSize));
    const at = `${where}, round ${oldSize} → ${newSize}`;
    if (!sameEdge(log.edge, before)) expect.fail(`${at}: appendLeaves modified its input edge`);
    expect(edge.size, at).toBe(newSize);
    if (round === rounds.length - 1 || checkRoot(round)) sameBytes(edgeRoot(edge), oracleRoot(newSize), `${at}: root`);
    // The tiles written are exactly the ones that changed, by definition and by tilesForSize.
    const written = sortedPaths(tiles.map((t) => t.tile));
    expect(written, `${at}: tiles written vs definition`).toEqual(sortedPaths(refTilesForSize(newSize, oldSize)));
    expect(sortedPaths(tilesForSize(newSize, oldSize)), `${at}: tilesForSize`).toEqual(written);
    expect(new Set(written).size, `${at}: a tile written twice in one round`).toBe(written.length);
    expect(sortedPaths(entryBundlesForSize(newSize, oldSize)), `${at}: entryBundlesForSize`).toEqual(
      sortedPaths(refChangedTiles(newSize, oldSize, -1)),
    );
    for (const { tile, data } of tiles) {
      const path = tilePath(tile);
      expect(tileWidth(tile.level, tile.index, newSize), `${at}: tileWidth ${path}`).toBe(tile.width);
      sameBytes(data, refTileData(LEVELS, tile.level, tile.index, tile.width), `${at}: bytes of ${path}`);
      const previous = log.store.get(path);
      if (previous && !bytesEqual(previous, data)) expect.fail(`${at}: ${path} rewritten with other bytes`);
      const older = latest.get(key(tile));
      if (older && !startsWith(data, older)) expect.fail(`${at}: ${path} does not extend the previous version`);
      log.store.set(path, data);
      latest.set(key(tile), data);
    }
    log.edge = edge;
    log.published.push(newSize);
  }
  // Write-once content: every version ever written is a prefix of the newest version of that tile.
  for (const [path, data] of log.store) {
    const newest = latest.get(key(parseTilePath(path)))!;
    if (!startsWith(newest, data)) expect.fail(`${where}: ${path} is not a prefix of the newest version`);
  }
  return log;
}

/** A copy of an edge's shape and hash bytes, to detect mutation of an input edge. */
function edgeSnapshot(e: RightEdge): { size: number; levels: Uint8Array[][] } {
  return { size: e.size, levels: e.levels.map((l) => l.map((h) => h.slice())) };
}
function sameEdge(e: RightEdge, snap: { size: number; levels: Uint8Array[][] }): boolean {
  return (
    e.size === snap.size &&
    e.levels.length === snap.levels.length &&
    e.levels.every(
      (l, i) => l.length === snap.levels[i]!.length && l.every((h, j) => bytesEqual(h, snap.levels[i]![j]!)),
    )
  );
}

/**
 * A tile reader for tree `size` over the log's store. It fails the test if the core asks for a tile that
 * was never published (a width the log had at no round end), or for the same tile twice in one request.
 */
function tileReader(log: Log, size: number, counter: { calls: number; tiles: number }) {
  return tileHashReader(size, async (tiles: Tile[]) => {
    counter.calls++;
    counter.tiles += tiles.length;
    const paths = tiles.map(tilePath);
    expect(new Set(paths).size, `duplicate tiles in one read: ${paths}`).toBe(paths.length);
    return tiles.map((t) => {
      expect(t.width, `${tilePath(t)} read at the wrong width for size ${size}`).toBe(
        tileWidth(t.level, t.index, size),
      );
      const data = log.store.get(tilePath(t));
      if (!data) throw new Error(`read ${tilePath(t)}, which was never written`);
      return data;
    });
  });
}

/** memoryHashReader recomputes every subtree from its leaves; keep it to trees where that is cheap. */
const MEMORY_READER_MAX = 300;

/** Random proofs between published sizes, from tiles (and from memory), checked against the definitions. */
async function checkProofs(rng: Rng, log: Log, count: number, where: string): Promise<void> {
  const sizes = log.published.filter((s) => s > 0);
  if (sizes.length === 0) return;
  for (let i = 0; i < count; i++) {
    const size = sizes[rng.int(0, sizes.length - 1)]!;
    const index = rng.int(0, size - 1);
    const at = `${where}: inclusion ${index} in ${size}`;
    const counter = { calls: 0, tiles: 0 };
    const reader = tileReader(log, size, counter);
    const fromTiles = await proveInclusion(index, size, reader);
    // One read per proof (none when the proof is empty and the tree is one leaf).
    expect(counter.calls, `${at}: tile reads`).toBe(size === 1 ? 0 : 1);
    if (size <= MEMORY_READER_MAX) {
      const fromMemory = await proveInclusion(index, size, memoryHashReader(LEAVES.slice(0, size)));
      sameHashes(fromTiles, fromMemory, `${at}: tiles vs memory`);
    }
    sameHashes(fromTiles, ORACLE.inclusionProof(index, size), `${at}: vs RFC 6962 PATH`);
    checkInclusion(fromTiles, index, size, LEAVES[index]!, oracleRoot(size));
    sameBytes(await treeHash(size, reader), oracleRoot(size), `${at}: treeHash over tiles`);

    const a = sizes[rng.int(0, sizes.length - 1)]!;
    const b = sizes[rng.int(0, sizes.length - 1)]!;
    const [m, n] = a <= b ? [a, b] : [b, a];
    const cat = `${where}: consistency ${m} → ${n}`;
    const c2 = { calls: 0, tiles: 0 };
    const cFromTiles = await proveConsistency(m, n, tileReader(log, n, c2));
    expect(c2.calls, `${cat}: tile reads`).toBeLessThanOrEqual(1);
    if (n <= MEMORY_READER_MAX) {
      const cFromMemory = await proveConsistency(m, n, memoryHashReader(LEAVES.slice(0, n)));
      sameHashes(cFromTiles, cFromMemory, `${cat}: tiles vs memory`);
    }
    sameHashes(cFromTiles, m === 0 || m === n ? [] : ORACLE.consistencyProof(m, n), `${cat}: vs RFC 6962 PROOF`);
    // A proof from the empty tree is meaningless: checkConsistency rejects old size 0 (transparency-dev/merkle).
    if (m > 0) checkConsistency(cFromTiles, m, n, oracleRoot(m), oracleRoot(n));
  }
}

describe("tree building, tiles and proofs", () => {
  it("every size 0..300 in random round splits", async () => {
    const rng = mulberry32(SEED);
    for (let n = 0; n <= 300; n++) {
      const rounds = splitRounds(rng, n, 300);
      const where = `seed ${SEED}, n ${n}, rounds [${rounds}]`;
      const log = build(rounds, where, () => n <= 40 || rng.next() < 0.15);
      expect(log.edge.size).toBe(n);
      if (n % 5 === 0) sameBytes(naiveRoot(LEAVES.slice(0, n)), oracleRoot(n), `naiveRoot ${n}`);
      if (n % 6 === 0) await checkProofs(rng, log, 1, where);
    }
  });

  it("one leaf per round up to 300, then every inclusion and consistency proof at size 300 from tiles", async () => {
    const log = build(
      Array.from({ length: 300 }, () => 1),
      "one per round",
      (round) => round < 40 || round % 37 === 0,
    );
    const counter = { calls: 0, tiles: 0 };
    const reader = tileReader(log, 300, counter);
    for (let i = 0; i < 300; i++) {
      const p = await proveInclusion(i, 300, reader);
      checkInclusion(p, i, 300, LEAVES[i]!, oracleRoot(300));
    }
    // The reader keeps what it read: tile/0/000, tile/0/001.p/44 and tile/1/000.p/1 (the root of leaves
    // 0..255, a sibling for leaves 256..299) are fetched once for all 300 proofs.
    expect(counter.tiles).toBe(3);
    for (let m = 1; m <= 300; m++) {
      const p = await proveConsistency(m, 300, reader);
      checkConsistency(p, m, 300, oracleRoot(m), oracleRoot(300));
    }
    expect(await proveConsistency(0, 300, reader)).toEqual([]);
    sameBytes(await treeHash(300, reader), oracleRoot(300), "treeHash(300)");
    expect(counter.tiles).toBe(3);
  });

  it("random sizes up to ~3,000", async () => {
    const rng = mulberry32(SEED + 1);
    for (let run = 0; run < 6; run++) {
      const n = rng.int(301, MAX_LEAVES);
      const rounds = splitRounds(rng, n, 700);
      const where = `seed ${SEED + 1}, run ${run}, n ${n}, rounds [${rounds}]`;
      const log = build(rounds, where, () => rng.next() < 0.1);
      expect(log.edge.size).toBe(n);
      await checkProofs(rng, log, 3, where);
    }
  });

  it("appendLeaves does not modify the edge it is given (a failed round can be retried)", () => {
    const base = appendLeaves(emptyEdge(), LEAVES.slice(0, 700)).edge;
    const snapshot = edgeSnapshot(base);
    const a = appendLeaves(base, LEAVES.slice(700, 1000));
    appendLeaves(base, [hashLeaf(utf8Encode("a different future"))]);
    expect(sameEdge(base, snapshot)).toBe(true);
    const b = appendLeaves(base, LEAVES.slice(700, 1000));
    expect(sameEdge(b.edge, edgeSnapshot(a.edge))).toBe(true);
    sameBytes(edgeRoot(b.edge), oracleRoot(1000), "root after retry");
  });
});

describe("tile coordinates", () => {
  it("parseTilePath(tilePath(t)) round-trips for random tiles", () => {
    const rng = mulberry32(SEED + 3);
    for (let i = 0; i < 5000; i++) {
      const digits = rng.int(1, 16);
      let index = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(rng.next() * 10 ** digits));
      if (rng.next() < 0.05) index = Number.MAX_SAFE_INTEGER - rng.int(0, 3);
      const tile = { level: rng.int(-1, 63), index, width: rng.next() < 0.3 ? 256 : rng.int(1, 256) };
      const path = tilePath(tile);
      expect(parseTilePath(path), path).toEqual(tile);
    }
  });

  it("tileWidth agrees with tilesForSize, and tiles past the edge are empty", () => {
    const rng = mulberry32(SEED + 4);
    const sizes = [0, 1, 255, 256, 257, 65535, 65536, 65537, 70000, 16777216, 2 ** 40 + 12345, 2 ** 53 - 1];
    for (let i = 0; i < 200; i++) sizes.push(rng.int(0, 2 ** 31));
    for (const size of sizes) {
      // From 0 when that is small; for big trees, from a nearby size (2^40 leaves would be 2^32 tiles).
      const from = size <= 70000 ? 0 : size - (size % 256) - 256 * rng.int(1, 3);
      const tiles = tilesForSize(size, Math.max(0, from));
      for (const t of tiles) expect(tileWidth(t.level, t.index, size), `${size} ${tilePath(t)}`).toBe(t.width);
      for (let level = 0; level <= 6; level++) {
        const mine = tiles.filter((t) => t.level === level);
        if (mine.length === 0) continue;
        const last = mine[mine.length - 1]!;
        expect(tileWidth(level, last.index + 1, size), `${size}: tile ${level}/${last.index + 1} past the edge`).toBe(
          0,
        );
        // Contiguous indexes; full tiles, then at most one partial at the end.
        mine.forEach((t, k) => expect(t.index).toBe(mine[0]!.index + k));
        mine.slice(0, -1).forEach((t) => expect(t.width).toBe(256));
        expect(last.width).toBe(Math.min(256, Math.floor(size / 256 ** level) - last.index * 256));
      }
      if (from === 0) expect(sortedPaths(tiles)).toEqual(sortedPaths(refTilesForSize(size)));
      else expect(sortedPaths(tiles)).toEqual(sortedPaths(refTilesForSize(size, from)));
      expect(tilesForSize(size, size)).toEqual([]);
      expect(entryBundlesForSize(size, size)).toEqual([]);
    }
  });

  it("tilesForSize(new, old) matches the definition for random pairs, including large trees", () => {
    const rng = mulberry32(SEED + 5);
    for (let i = 0; i < 300; i++) {
      const old = rng.next() < 0.5 ? rng.int(0, 70000) : rng.int(0, 2 ** 31);
      const size = old + (rng.next() < 0.5 ? rng.int(0, 600) : rng.int(0, 70000));
      expect(sortedPaths(tilesForSize(size, old)), `${old} → ${size}`).toEqual(sortedPaths(refTilesForSize(size, old)));
      expect(sortedPaths(entryBundlesForSize(size, old)), `${old} → ${size}`).toEqual(
        sortedPaths(refChangedTiles(size, old, -1)),
      );
    }
  });
});

describe("entry bundles", () => {
  it("parseBundle(encodeBundle(x)) round-trips", () => {
    const rng = mulberry32(SEED + 6);
    for (let i = 0; i < 300; i++) {
      const count = rng.next() < 0.1 ? 256 : rng.int(0, 256);
      const entries = Array.from({ length: count }, () => {
        const r = rng.next();
        return rng.bytes(r < 0.1 ? 0 : r < 0.95 ? rng.int(1, 64) : rng.int(64, 4000));
      });
      if (i === 0 && entries.length > 0) entries[0] = rng.bytes(65535);
      const bundle = encodeBundle(entries);
      expect(bundle.length).toBe(entries.reduce((n, e) => n + 2 + e.length, 0));
      const back = parseBundle(bundle);
      expect(back.length).toBe(entries.length);
      back.forEach((e, k) => expect(bytesEqual(e, entries[k]!)).toBe(true));
      // Any truncation is malformed.
      if (bundle.length > 0) {
        const cut = rng.int(1, Math.min(bundle.length, 40));
        const truncated = bundle.slice(0, bundle.length - cut);
        const stillWhole = parseWhole(truncated);
        if (stillWhole !== undefined) {
          // Cutting exactly at an entry boundary leaves a valid shorter bundle; it must be a prefix.
          stillWhole.forEach((e, k) => expect(bytesEqual(e, entries[k]!)).toBe(true));
          expect(stillWhole.length).toBeLessThan(entries.length);
        }
      }
    }
  });

  it("rejects truncated entries, more than 256 entries and entries over 65,535 bytes", () => {
    expect(() => parseBundle(new Uint8Array([0]))).toThrow(MalformedError);
    expect(() => parseBundle(new Uint8Array([0, 3, 1, 2]))).toThrow(MalformedError);
    expect(() => parseBundle(new Uint8Array([0, 0, 0]))).toThrow(MalformedError);
    const many = encodeBundle(Array.from({ length: 256 }, () => new Uint8Array(0)));
    expect(parseBundle(many).length).toBe(256);
    expect(() => parseBundle(new Uint8Array([...many, 0, 0]))).toThrow(MalformedError);
    expect(() => encodeBundle([new Uint8Array(65536)])).toThrow(MalformedError);
    expect(parseBundle(new Uint8Array(0))).toEqual([]);
  });
});

/** parseBundle, or undefined if it throws MalformedError. */
function parseWhole(data: Uint8Array): Uint8Array[] | undefined {
  try {
    return parseBundle(data);
  } catch (e) {
    if (e instanceof MalformedError) return undefined;
    throw e;
  }
}
