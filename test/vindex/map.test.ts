// The verifiable index against an oracle rebuilt from scratch, and every proof it gives against tampering.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/tlog/encoding.ts";
import { ProofError } from "../../src/tlog/errors.ts";
import { CHUNK_SIZE, EMPTY } from "../../src/vindex/hash.ts";
import { VerifiableMap } from "../../src/vindex/map.ts";
import { chunksFor, verifyChunk, verifyKey, type MapProof } from "../../src/vindex/proof.ts";
import { MemoryMapStore } from "../../src/vindex/store.ts";
import { naiveLists, naiveRoot } from "./oracle.ts";

const KEYS = [
  "sha256:aa",
  "email:a@example.com",
  "issuer:https://x",
  "subject:s",
  "repository:r",
  "key:sha256:bb",
  "sha256:cc",
  "email:b@example.com",
];

/** Entries (each a set of keys) split into batches the map takes in one at a time. */
const logs = fc
  .array(fc.subarray(KEYS), { maxLength: 700 })
  .chain((entries) =>
    fc.tuple(fc.constant(entries), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 })),
  );

function build(entries: readonly string[][], batches: readonly number[] = [entries.length]): VerifiableMap {
  const map = new VerifiableMap(new MemoryMapStore());
  let at = 0;
  for (let i = 0; at < entries.length; i++) {
    const n = batches[i % batches.length]!;
    map.append(entries.slice(at, at + n));
    at += n;
  }
  return map;
}

/** A key's whole list read back through verified proofs, chunk by chunk. */
function verifiedList(map: VerifiableMap, key: string): number[] | null {
  const value = verifyKey(map.root, key, map.prove(key));
  if (!value.present) return null;
  const out: number[] = [];
  for (let c = 0; c * CHUNK_SIZE < value.count; c++) {
    const { indices, proof } = map.proveChunk(key, c);
    verifyChunk(value, map.size, c, indices, proof);
    out.push(...indices);
  }
  return out;
}

describe("verifiable index", () => {
  it("has the oracle's root and lists, whatever the batches, and proves every key's value or absence", () => {
    fc.assert(
      fc.property(logs, ([entries, batches]) => {
        const map = build(entries, batches);
        const lists = naiveLists(entries);
        expect(map.size).toBe(entries.length);
        expect(toHex(map.root)).toBe(toHex(lists.size === 0 ? EMPTY : naiveRoot(lists)));
        for (const key of [...KEYS, "sha256:never"]) expect(verifiedList(map, key)).toEqual(lists.get(key) ?? null);
      }),
      { numRuns: 40 },
    );
  });

  it("keeps a list of many chunks in order across batches of every size", () => {
    const entries = Array.from({ length: 3 * CHUNK_SIZE + 17 }, (_, i) =>
      i % 3 === 0 ? ["hot"] : ["hot", `k${i % 5}`],
    );
    for (const batches of [[1], [255], [256], [257], [1000]]) {
      const map = build(entries, batches);
      expect(verifiedList(map, "hot")).toEqual(entries.map((_, i) => i));
      expect(toHex(map.root)).toBe(toHex(naiveRoot(naiveLists(entries))));
    }
  });

  it("the empty map proves every key absent", () => {
    const map = new VerifiableMap(new MemoryMapStore());
    expect(map.root).toEqual(EMPTY);
    expect(verifyKey(map.root, "email:a@example.com", map.prove("email:a@example.com"))).toEqual({ present: false });
  });

  it("pages: chunksFor covers exactly the chunks of a range", () => {
    expect(chunksFor(0, 20)).toEqual([0]);
    expect(chunksFor(250, 20)).toEqual([0, 1]);
    expect(chunksFor(256, 256)).toEqual([1]);
  });
});

describe("tampering fails verification", () => {
  const entries = Array.from({ length: 600 }, (_, i) => [
    ...(i % 2 ? ["email:a@example.com"] : []),
    ...(i % 7 === 0 ? ["sha256:aa"] : []),
    `subject:${i % 40}`,
  ]);
  const map = build(entries, [97]);
  const key = "email:a@example.com";
  const proof = map.prove(key);
  const value = verifyKey(map.root, key, proof);
  if (!value.present) throw new Error("key must be present");
  const chunk0 = map.proveChunk(key, 0);
  const last = map.proveChunk(key, 1);

  const rejectsChunk = (indices: number[], p = chunk0.proof, c = 0, v = value) =>
    expect(() => verifyChunk(v, map.size, c, indices, p)).toThrow(ProofError);

  it("the untampered answer verifies", () => {
    verifyChunk(value, map.size, 0, chunk0.indices, chunk0.proof);
    verifyChunk(value, map.size, 1, last.indices, last.proof);
    expect(value.count).toBe(300);
  });
  it("a dropped index", () => {
    rejectsChunk(chunk0.indices.slice(1));
    rejectsChunk(last.indices.slice(0, -1), last.proof, 1);
    // ...even with the count lowered to match: the leaf no longer hashes to the root
    const fewer: MapProof = {
      ...proof,
      terminal: { ...(proof.terminal as Extract<MapProof["terminal"], { kind: "leaf" }>), count: 299 },
    };
    expect(() => verifyKey(map.root, key, fewer)).toThrow(ProofError);
  });
  it("a dropped index replaced by another", () => {
    rejectsChunk([...chunk0.indices.slice(0, 10), chunk0.indices[10]! + 1, ...chunk0.indices.slice(11)]);
  });
  it("reordered indices", () => {
    const swapped = [...chunk0.indices];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    rejectsChunk(swapped);
  });
  it("a chunk passed off as another chunk", () => {
    rejectsChunk(last.indices, last.proof, 0);
    rejectsChunk(chunk0.indices, chunk0.proof, 1);
  });
  it("an index beyond the map's log size", () => {
    expect(() => verifyChunk(value, 5, 0, chunk0.indices, chunk0.proof)).toThrow(ProofError);
  });
  it("the proof of another key", () => {
    expect(() => verifyKey(map.root, "sha256:aa", proof)).toThrow(ProofError);
    expect(() => verifyKey(map.root, key, map.prove("sha256:aa"))).toThrow(ProofError);
  });
  it("a forged sibling, a dropped sibling, an added sibling", () => {
    for (let d = 0; d < proof.siblings.length; d++) {
      const forged = [...proof.siblings];
      forged[d] = forged[d] === null ? new Uint8Array(32).fill(1) : null;
      expect(() => verifyKey(map.root, key, { ...proof, siblings: forged })).toThrow(ProofError);
    }
    expect(() => verifyKey(map.root, key, { ...proof, siblings: proof.siblings.slice(1) })).toThrow(ProofError);
    expect(() => verifyKey(map.root, key, { ...proof, siblings: [...proof.siblings, null] })).toThrow(ProofError);
  });
  it("a forged chunk-proof hash", () => {
    const p = chunk0.proof.map((h, i) => (i === 0 ? h.map((b) => b ^ 1) : h));
    rejectsChunk(chunk0.indices, p);
  });
  it("a present key claimed absent", () => {
    const absent: MapProof = { siblings: proof.siblings, terminal: { kind: "empty" } };
    expect(() => verifyKey(map.root, key, absent)).toThrow(ProofError);
    // ...or by pointing at a leaf of another key
    const other = map.prove("sha256:aa");
    expect(() => verifyKey(map.root, key, { siblings: proof.siblings, terminal: other.terminal })).toThrow(ProofError);
  });
  it("an absent key's proof is also bound to the root", () => {
    const p = map.prove("sha256:never");
    expect(verifyKey(map.root, "sha256:never", p)).toEqual({ present: false });
    const mutated = map.root.map((b, i) => (i === 0 ? b ^ 1 : b));
    expect(() => verifyKey(mutated, "sha256:never", p)).toThrow(ProofError);
  });
  it("a map from a log that lost one index for the key has another root", () => {
    const dropped = entries.map((keys, i) => (i === 301 ? keys.filter((k) => k !== key) : keys));
    expect(toHex(build(dropped).root)).not.toBe(toHex(map.root));
  });
});

describe("with a SHA-256 that returns Node Buffers (the CLI's native hash)", () => {
  it("builds the same map: no path is a view another node id can mutate", async () => {
    const { useSha256 } = await import("../../src/tlog/hash.ts");
    const { sha256 } = await import("@noble/hashes/sha2.js");
    const { createHash } = await import("node:crypto"); // returns a Buffer, as the CLI's native hash does
    const entries = Array.from({ length: 300 }, (_, i) => [`k${i % 37}`, `j${i % 11}`]);
    const expected = toHex(build(entries).root);
    useSha256((d) => createHash("sha256").update(d).digest());
    try {
      expect(toHex(build(entries).root)).toBe(expected);
    } finally {
      useSha256(sha256);
    }
  });
});
