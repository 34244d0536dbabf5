// The tlog core's SHA-256 can be swapped for a native one (the CLI and benchmarks use Node's): the
// tree must come out byte-identical. workerd's node:crypto (nodejs_compat) stands in for Node's here
// (types: test/node-crypto.d.ts).
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../../src/tlog/encoding.ts";
import { hashChildren, hashLeaf, sha256Bytes, useSha256 } from "../../src/tlog/hash.ts";
import { appendLeaves, edgeRoot, emptyEdge } from "../../src/tlog/tree.ts";

const native = (d: Uint8Array) => new Uint8Array(createHash("sha256").update(d).digest());

function buildTree(n: number) {
  const leaves = Array.from({ length: n }, (_, i) => hashLeaf(new TextEncoder().encode(`entry ${i}`)));
  const { edge, tiles } = appendLeaves(emptyEdge(), leaves);
  return { root: edgeRoot(edge), tiles: tiles.map((t) => [JSON.stringify(t.tile), toHex(t.data)]) };
}

afterEach(() => useSha256(nobleSha256));

describe("useSha256", () => {
  it("a native SHA-256 builds the same tree, tiles and root as @noble/hashes", () => {
    const pure = buildTree(1000);
    let calls = 0;
    useSha256((d) => {
      calls++;
      return native(d);
    });
    const swapped = buildTree(1000);
    expect(calls).toBeGreaterThan(1000); // the swapped hash did the work
    expect(swapped).toEqual(pure);
  });

  it("is used by every hashing entry point", () => {
    useSha256(() => new Uint8Array(32).fill(7));
    expect(hashLeaf(new Uint8Array(1))).toEqual(new Uint8Array(32).fill(7));
    expect(hashChildren(new Uint8Array(32), new Uint8Array(32))).toEqual(new Uint8Array(32).fill(7));
    expect(sha256Bytes(new Uint8Array(1))).toEqual(new Uint8Array(32).fill(7));
  });
});
