// RFC 6962 inclusion and consistency proofs over the classic 8-leaf tree, with the corruption recipe of
// transparency-dev/merkle cmd/proofgen/main.go ported to TypeScript (snapshot 417fb0c; the recipe only, no
// data copied): every valid proof verifies and every corrupted one is rejected with a typed error.
//
// Port notes. proofgen numbers leaves from 1 and uses uint64, so "leafIdx - 1" on leaf 0 wraps to
// 2^64 - 1; we try both -1 and 2^64 - 1. Its fixed "some hash" filler is replaced by our own 32-byte
// constant. As upstream, checkConsistency rejects every old size 0 (a proof from the empty tree is
// meaningless; callers such as a witness handle "old 0" themselves).
import { describe, expect, it } from "vitest";
import { fromHex, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { MalformedError, ProofError } from "../../src/tlog/errors.ts";
import { EMPTY_ROOT, hashLeaf, type Hash } from "../../src/tlog/hash.ts";
import {
  checkConsistency,
  checkInclusion,
  memoryHashReader,
  proveConsistency,
  proveInclusion,
  tileHashReader,
} from "../../src/tlog/proof.ts";
import { tilePath, type Tile } from "../../src/tlog/tile.ts";
import { appendLeaves, emptyEdge } from "../../src/tlog/tree.ts";
import { refConsistencyProof, refInclusionProof, refSha256 } from "../fixtures/reference/rfc6962.ts";
import { LEAVES_HEX, ROOTS_HEX } from "../fixtures/transparency-dev-merkle/index.ts";
import { CONSISTENCY_PROOFS, INCLUSION_PROOFS } from "../fixtures/transparency-dev-merkle/proofs.generated.ts";

const leaves = LEAVES_HEX.map((h) => hashLeaf(fromHex(h)));
const roots = ROOTS_HEX.map((h) => fromHex(h));
const rootOf = (n: number): Hash => (n === 0 ? EMPTY_ROOT : roots[n - 1]!);
/** Stands in for proofgen's sha256SomeHash: some 32-byte value that is no node of the tree. */
const SOME_HASH = refSha256(utf8Encode("edgelog: some hash"));
const NOTHING = new Uint8Array(0);
const ascii = (s: string) => utf8Encode(s);

/** Runs fn and classifies the result: ok, a typed rejection, or anything else (a bug: untyped throw). */
function outcome(fn: () => void): string {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (e instanceof ProofError || e instanceof MalformedError) return "rejected";
    return `untyped ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
}

// ------------------------------------------------------------------------------------------------
// The proofgen corruption recipe, ported.

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: Uint8Array;
  leafHash: Uint8Array;
  proof: Uint8Array[];
  desc: string;
  wantErr: boolean;
}

interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Uint8Array[];
  desc: string;
  wantErr: boolean;
}

const flipped = (proof: readonly Uint8Array[], i: number, mask: number): Uint8Array[] =>
  proof.map((h, j) => {
    if (j !== i) return h;
    const c = h.slice();
    c[0]! ^= mask;
    return c;
  });

/** proofgen invalidInclusionProof. */
function invalidInclusionProbes(
  leafIdx: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  leafHash: Uint8Array,
): InclusionProbe[] {
  const p = (
    leafIdx: number,
    treeSize: number,
    root: Uint8Array,
    leafHash: Uint8Array,
    proof: Uint8Array[],
    desc: string,
  ) => ({
    leafIdx,
    treeSize,
    root,
    leafHash,
    proof,
    desc,
    wantErr: true,
  });
  const ret: InclusionProbe[] = [
    // Wrong leaf index (uint64 wrap-around on 0 - 1 tried both ways).
    p(leafIdx - 1, treeSize, root, leafHash, [...proof], "leafIdx sub @1"),
    ...(leafIdx === 0 ? [p(2 ** 64 - 1, treeSize, root, leafHash, [...proof], "leafIdx sub @1 (uint64 wrap)")] : []),
    p(leafIdx + 1, treeSize, root, leafHash, [...proof], "leafIdx plus @1"),
    p(leafIdx ^ 2, treeSize, root, leafHash, [...proof], "leafIdx XOR @2"),
    // Wrong tree height.
    p(leafIdx, treeSize * 2, root, leafHash, [...proof], "treeSize mul @2"),
    p(leafIdx, Math.floor(treeSize / 2), root, leafHash, [...proof], "treeSize div @2"),
    // Wrong leaf or root.
    p(leafIdx, treeSize, root, ascii("WrongLeaf"), [...proof], "wrong leaf"),
    p(leafIdx, treeSize, EMPTY_ROOT, leafHash, [...proof], "empty root"),
    p(leafIdx, treeSize, SOME_HASH, leafHash, [...proof], "random root"),
    // Garbage at the end.
    p(leafIdx, treeSize, root, leafHash, [...proof, NOTHING], "trailing garbage"),
    p(leafIdx, treeSize, root, leafHash, [...proof, root], "trailing root"),
    // Garbage at the front.
    p(leafIdx, treeSize, root, leafHash, [NOTHING, ...proof], "preceding garbage"),
    p(leafIdx, treeSize, root, leafHash, [root, ...proof], "preceding root"),
  ];
  for (let i = 0; i < proof.length; i++) {
    ret.push(p(leafIdx, treeSize, root, leafHash, flipped(proof, i, 8), `modified proof[${i}] bit @3`));
  }
  if (proof.length > 0) ret.push(p(leafIdx, treeSize, root, leafHash, proof.slice(0, -1), "removed component"));
  if (proof.length > 1) {
    ret.push(p(leafIdx, treeSize, root, leafHash, [proof[0]!, SOME_HASH, ...proof.slice(1)], "inserted component"));
  }
  return ret;
}

/** proofgen corruptedInclusionProbes: the happy path, then the corruptions. */
function inclusionProbes(
  leafIdx: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  leafHash: Uint8Array,
) {
  return [
    { leafIdx, treeSize, root, leafHash, proof: [...proof], desc: "happy path", wantErr: false },
    ...invalidInclusionProbes(leafIdx, treeSize, proof, root, leafHash),
  ];
}

/** proofgen singleEntryInclusionProbes. */
function singleEntryInclusionProbes(): InclusionProbe[] {
  const hash = hashLeaf(ascii("data"));
  const cases: [Uint8Array, Uint8Array, string, boolean][] = [
    [hash, hash, "matching root and leaf", false],
    [hash, NOTHING, "empty leaf", true],
    [NOTHING, hash, "empty root", true],
    [NOTHING, NOTHING, "empty root and leaf", true], // wrong hash size
  ];
  return cases.map(([root, leafHash, desc, wantErr]) => ({
    leafIdx: 0,
    treeSize: 1,
    root,
    leafHash,
    proof: [],
    desc,
    wantErr,
  }));
}

/** proofgen staticInclusionProbes: (index, size) pairs with no valid proof. */
function staticInclusionProbes(): InclusionProbe[] {
  const out: InclusionProbe[] = [];
  for (const [index, size] of [
    [0, 0],
    [0, 1],
    [1, 0],
    [2, 1],
  ] as const) {
    const base = { leafIdx: index, treeSize: size, proof: [], wantErr: true };
    out.push({ ...base, root: NOTHING, leafHash: SOME_HASH, desc: `(${index}, ${size}) random leaf` });
    out.push({ ...base, root: EMPTY_ROOT, leafHash: NOTHING, desc: `(${index}, ${size}) empty root` });
    out.push({
      ...base,
      root: EMPTY_ROOT,
      leafHash: SOME_HASH,
      desc: `(${index}, ${size}) empty root and random leaf`,
    });
  }
  return out;
}

/** proofgen invalidConsistencyProof. */
function invalidConsistencyProbes(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): ConsistencyProbe[] {
  const p = (
    size1: number,
    size2: number,
    root1: Uint8Array,
    root2: Uint8Array,
    proof: Uint8Array[],
    desc: string,
  ) => ({
    size1,
    size2,
    root1,
    root2,
    proof,
    desc,
    wantErr: true,
  });
  const ret: ConsistencyProbe[] = [
    // Wrong size1.
    p(size1 - 1, size2, root1, root2, [...proof], "size1 sub @1"),
    p(size1 + 1, size2, root1, root2, [...proof], "size1 plus @1"),
    p(size1 ^ 2, size2, root1, root2, [...proof], "size1 XOR @2"),
    // Wrong tree height.
    p(size1, size2 * 2, root1, root2, [...proof], "size2 mul @2"),
    p(size1, Math.floor(size2 / 2), root1, root2, [...proof], "size2 div @2"),
    // Wrong root.
    p(size1, size2, ascii("WrongRoot"), root2, [...proof], "wrong root1"),
    p(size1, size2, root1, ascii("WrongRoot"), [...proof], "wrong root2"),
    p(size1, size2, root2, root1, [...proof], "swapped roots"),
    // Empty proof.
    p(size1, size2, root1, root2, [], "empty proof"),
    // Garbage at the end.
    p(size1, size2, root1, root2, [...proof, NOTHING], "trailing garbage"),
    p(size1, size2, root1, root2, [...proof, root1], "trailing root1"),
    p(size1, size2, root1, root2, [...proof, root2], "trailing root2"),
    // Garbage at the front.
    p(size1, size2, root1, root2, [NOTHING, ...proof], "preceding garbage"),
    p(size1, size2, root1, root2, [root1, ...proof], "preceding root1"),
    p(size1, size2, root1, root2, [root2, ...proof], "preceding root2"),
    p(size1, size2, root1, root2, [proof[0]!, ...proof], "preceding proof @0"),
  ];
  if (proof.length > 0) ret.push(p(size1, size2, root1, root2, proof.slice(0, -1), "truncated proof"));
  for (let i = 0; i < proof.length; i++)
    ret.push(p(size1, size2, root1, root2, flipped(proof, i, 16), `modified proof@${i} bit @4`));
  return ret;
}

/** proofgen corruptedConsistencyProbes: corruptions only for non-trivial proofs. */
function consistencyProbes(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
) {
  const happy: ConsistencyProbe = { size1, size2, root1, root2, proof: [...proof], desc: "happy path", wantErr: false };
  return proof.length === 0 ? [happy] : [happy, ...invalidConsistencyProbes(size1, size2, root1, root2, proof)];
}

/** proofgen staticConsistencyProbes, with its placeholder roots ("don't care 1/2", 12 bytes). */
function staticConsistencyProbes(): ConsistencyProbe[] {
  const root1 = ascii("don't care 1");
  const root2 = ascii("don't care 2");
  const c = (
    size1: number,
    size2: number,
    r1: Uint8Array,
    r2: Uint8Array,
    proof: Uint8Array[],
    desc: string,
    wantErr: boolean,
  ) => ({
    size1,
    size2,
    root1: r1,
    root2: r2,
    proof,
    desc,
    wantErr,
  });
  return [
    c(0, 0, root1, root2, [], "sizes are equal (zero) but roots are not", true),
    c(1, 1, root1, root2, [], "sizes are equal (one) but roots are not", true),
    c(0, 0, root1, root1, [], "sizes are equal (zero) and proof is empty", true),
    c(0, 1, root1, root2, [], "size1 is zero and does not equal size2", true),
    c(1, 1, root2, root2, [], "sizes are equal (one) and proof is empty", false),
    c(1, 0, root1, root2, [], "size1 is greater than size2", true),
    c(2, 1, root1, root2, [], "size1 is greater than size2 again", true),
    c(1, 2, root1, root2, [], "sizes do not match and proof is empty", true),
    c(0, 0, EMPTY_ROOT, root2, [], "roots do not match and sizes are zero", true),
    c(1, 1, EMPTY_ROOT, root2, [], "roots do not match and sizes are one", true),
    c(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], "sizes match but proof is not empty and sizes are zero", true),
    c(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], "sizes match but proof is not empty and sizes are one", true),
    c(0, 1, EMPTY_ROOT, root2, [], "size1 is zero and size2 is not zero", true),
    c(0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], "consistency check on empty tree (size1 is zero) is useless", true),
  ];
}

const runInclusion = (p: InclusionProbe) =>
  outcome(() => checkInclusion(p.proof, p.leafIdx, p.treeSize, p.leafHash, p.root));
const runConsistency = (p: ConsistencyProbe) =>
  outcome(() => checkConsistency(p.proof, p.size1, p.size2, p.root1, p.root2));
const want = (wantErr: boolean) => (wantErr ? "rejected" : "ok");

// ------------------------------------------------------------------------------------------------

describe("hand-written RFC 6962 proofs (cmd/proofgen, reference §1.1)", () => {
  const leavesRead = memoryHashReader(leaves);
  const tileStore = new Map<string, Uint8Array>();
  // Build the tree one leaf per round so that every size 1..8 has its partial tile.
  let edge = emptyEdge();
  for (const leaf of leaves) {
    const r = appendLeaves(edge, [leaf]);
    edge = r.edge;
    for (const t of r.tiles) tileStore.set(tilePath(t.tile), t.data);
  }
  const tilesAt = (size: number) =>
    tileHashReader(size, async (tiles: Tile[]) => tiles.map((t) => tileStore.get(tilePath(t))!));

  it.each(INCLUSION_PROOFS)(
    "inclusion of leaf $leafIdx1 (1-based) in size $size",
    async ({ leafIdx1, size, proof }) => {
      const index = leafIdx1 - 1;
      expect(refInclusionProof(index, leaves.slice(0, size)).map(toHex)).toEqual(proof);
      expect((await proveInclusion(index, size, memoryHashReader(leaves.slice(0, size)))).map(toHex)).toEqual(proof);
      expect((await proveInclusion(index, size, leavesRead)).map(toHex)).toEqual(proof);
      expect((await proveInclusion(index, size, tilesAt(size))).map(toHex)).toEqual(proof);
      checkInclusion(
        proof.map((h) => fromHex(h)),
        index,
        size,
        leaves[index]!,
        rootOf(size),
      );
    },
  );

  it.each(CONSISTENCY_PROOFS)("consistency $size1 → $size2", async ({ size1, size2, proof }) => {
    expect(refConsistencyProof(size1, leaves.slice(0, size2)).map(toHex)).toEqual(proof);
    expect((await proveConsistency(size1, size2, memoryHashReader(leaves.slice(0, size2)))).map(toHex)).toEqual(proof);
    expect((await proveConsistency(size1, size2, tilesAt(size2))).map(toHex)).toEqual(proof);
    checkConsistency(
      proof.map((h) => fromHex(h)),
      size1,
      size2,
      rootOf(size1),
      rootOf(size2),
    );
  });
});

describe("proofgen probes: inclusion", () => {
  INCLUSION_PROOFS.forEach(({ leafIdx1, size, proof }, i) => {
    const probes = inclusionProbes(
      leafIdx1 - 1,
      size,
      proof.map((h) => fromHex(h)),
      rootOf(size),
      leaves[leafIdx1 - 1]!,
    );
    it.each(probes)(`${i}: $desc`, (p) => expect(runInclusion(p)).toBe(want(p.wantErr)));
  });
  it.each(staticInclusionProbes())("additional: $desc", (p) => expect(runInclusion(p)).toBe(want(p.wantErr)));
  it.each(singleEntryInclusionProbes())("single-entry: $desc", (p) => expect(runInclusion(p)).toBe(want(p.wantErr)));
});

describe("proofgen probes: consistency", () => {
  CONSISTENCY_PROOFS.forEach(({ size1, size2, proof }, i) => {
    const probes = consistencyProbes(
      size1,
      size2,
      proof.map((h) => fromHex(h)),
      rootOf(size1),
      rootOf(size2),
    );
    it.each(probes)(`${i}: $desc`, (p) => expect(runConsistency(p)).toBe(want(p.wantErr)));
  });
  it.each(staticConsistencyProbes())("additional: $desc", (p) => expect(runConsistency(p)).toBe(want(p.wantErr)));
});

describe("the recipe applied to every proof in the 8-leaf tree", () => {
  it("every inclusion proof (index < size ≤ 8) verifies and every corruption is rejected", async () => {
    const bad: string[] = [];
    let n = 0;
    for (let size = 1; size <= 8; size++) {
      for (let index = 0; index < size; index++) {
        const proof = await proveInclusion(index, size, memoryHashReader(leaves.slice(0, size)));
        expect(proof.map(toHex)).toEqual(refInclusionProof(index, leaves.slice(0, size)).map(toHex));
        for (const p of inclusionProbes(index, size, proof, rootOf(size), leaves[index]!)) {
          n++;
          const got = runInclusion(p);
          if (got !== want(p.wantErr)) bad.push(`(${index}, ${size}) ${p.desc}: ${got}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(n).toBeGreaterThan(400);
  });

  it("every consistency proof (0 < m < n ≤ 8) verifies and every corruption is rejected", async () => {
    const bad: string[] = [];
    for (let size2 = 1; size2 <= 8; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = await proveConsistency(size1, size2, memoryHashReader(leaves.slice(0, size2)));
        expect(proof.map(toHex)).toEqual(refConsistencyProof(size1, leaves.slice(0, size2)).map(toHex));
        for (const p of consistencyProbes(size1, size2, proof, rootOf(size1), rootOf(size2))) {
          const got = runConsistency(p);
          if (got !== want(p.wantErr)) bad.push(`(${size1} → ${size2}) ${p.desc}: ${got}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("edgelog semantics beyond proofgen", () => {
  it("old size 0: proveConsistency gives the empty proof, checkConsistency always rejects (as upstream)", async () => {
    for (let n = 0; n <= 8; n++) {
      expect(await proveConsistency(0, n, memoryHashReader(leaves.slice(0, n)))).toEqual([]);
      expect(
        outcome(() => checkConsistency([], 0, n, EMPTY_ROOT, rootOf(n))),
        `0 → ${n}`,
      ).toBe("rejected");
      expect(outcome(() => checkConsistency([EMPTY_ROOT], 0, n, EMPTY_ROOT, rootOf(n)))).toBe("rejected");
    }
  });

  it("equal sizes need equal roots and an empty proof", () => {
    for (let n = 1; n <= 8; n++) {
      expect(outcome(() => checkConsistency([], n, n, rootOf(n), rootOf(n)))).toBe("ok");
      expect(outcome(() => checkConsistency([], n, n, rootOf(n), SOME_HASH))).toBe("rejected");
      expect(outcome(() => checkConsistency([rootOf(n)], n, n, rootOf(n), rootOf(n)))).toBe("rejected");
    }
  });

  it("proving rejects impossible coordinates with MalformedError", async () => {
    const r = memoryHashReader(leaves);
    for (const [index, size] of [
      [0, 0],
      [8, 8],
      [9, 8],
      [-1, 8],
      [0.5, 8],
      [0, Number.NaN],
      [2 ** 53, 2 ** 53 + 2],
    ] as const) {
      await expect(proveInclusion(index, size, r), `proveInclusion(${index}, ${size})`).rejects.toBeInstanceOf(
        MalformedError,
      );
    }
    for (const [m, n] of [
      [5, 4],
      [-1, 4],
      [1, 1.5],
    ] as const) {
      await expect(proveConsistency(m, n, r), `proveConsistency(${m}, ${n})`).rejects.toBeInstanceOf(MalformedError);
    }
  });

  it("hashes of the wrong length are rejected with a typed error, never a RangeError", () => {
    const proof = refInclusionProof(5, leaves);
    const long = new Uint8Array(33);
    long.set(leaves[5]!);
    const short = leaves[5]!.slice(0, 31);
    expect(
      outcome(() => checkInclusion(proof, 5, 8, long, rootOf(8))),
      "33-byte leaf hash",
    ).toBe("rejected");
    expect(
      outcome(() => checkInclusion(proof, 5, 8, short, rootOf(8))),
      "31-byte leaf hash",
    ).toBe("rejected");
    expect(
      outcome(() => checkInclusion(proof, 5, 8, leaves[5]!, rootOf(8).slice(0, 31))),
      "31-byte root",
    ).toBe("rejected");
    const p2 = proof.slice();
    p2[1] = new Uint8Array(64);
    expect(
      outcome(() => checkInclusion(p2, 5, 8, leaves[5]!, rootOf(8))),
      "64-byte proof element",
    ).toBe("rejected");
    const cproof = refConsistencyProof(6, leaves);
    expect(
      outcome(() => checkConsistency(cproof, 6, 8, long, rootOf(8))),
      "33-byte old root",
    ).toBe("rejected");
    expect(
      outcome(() => checkConsistency(cproof, 6, 8, rootOf(6), long)),
      "33-byte new root",
    ).toBe("rejected");
    // Power-of-two old size: the old root is the first node of the path (RFC 9162 §2.1.4.2 step 2).
    const pow = refConsistencyProof(4, leaves);
    expect(
      outcome(() => checkConsistency(pow, 4, 8, long, rootOf(8))),
      "33-byte old root, size 4",
    ).toBe("rejected");
  });

  it("a 1-leaf tree: the root is the leaf hash, and both must be 32 bytes", () => {
    const h = hashLeaf(ascii("data"));
    expect(outcome(() => checkInclusion([], 0, 1, h, h))).toBe("ok");
    expect(outcome(() => checkInclusion([], 0, 1, h.slice(0, 16), h.slice(0, 16)))).toBe("rejected");
  });
});
