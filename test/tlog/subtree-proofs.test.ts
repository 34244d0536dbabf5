// A complete subtree (a full tile's root) proven to the tree's root at once: proveSubtreeInclusion and
// checkSubtreeInclusion against the RFC 6962 oracle (test/fixtures/reference/rfc6962.ts), which shares no code
// with src/tlog: the subtree's hash is the oracle's MTH of its leaves, and its path is the oracle's path of its
// first leaf above the subtree.
import { describe, expect, it } from "vitest";
import { ProofError } from "../../src/tlog/errors.ts";
import { checkSubtreeInclusion, memoryHashReader, proveSubtreeInclusion } from "../../src/tlog/proof.ts";
import { refInclusionProof, refLeafHash, refRoot, refSha256 } from "../fixtures/reference/rfc6962.ts";

const leaves = Array.from({ length: 34 }, (_, i) => refLeafHash(new TextEncoder().encode(`leaf ${i}`)));

describe("subtree inclusion", () => {
  it("every complete subtree of every tree up to 34 leaves proves to the root, with the oracle's path", async () => {
    for (let size = 1; size <= leaves.length; size++) {
      const tree = leaves.slice(0, size);
      const root = refRoot(tree);
      for (let level = 0; 2 ** level <= size; level++) {
        for (let index = 0; (index + 1) * 2 ** level <= size; index++) {
          const node = refRoot(tree.slice(index * 2 ** level, (index + 1) * 2 ** level));
          const proof = await proveSubtreeInclusion(level, index, size, memoryHashReader(tree));
          expect(proof).toEqual(refInclusionProof(index * 2 ** level, tree).slice(level));
          checkSubtreeInclusion(proof, level, index, size, node, root);
          // Another node, the same node claimed at a neighbouring position or level, or a shortened path: refused.
          expect(() => checkSubtreeInclusion(proof, level, index, size, refSha256(node), root)).toThrow(ProofError);
          if ((index + 2) * 2 ** level <= size)
            expect(() => checkSubtreeInclusion(proof, level, index + 1, size, node, root)).toThrow(ProofError);
          if (level > 0) expect(() => checkSubtreeInclusion(proof, level - 1, 2 * index, size, node, root)).toThrow();
          if (proof.length > 0)
            expect(() => checkSubtreeInclusion(proof.slice(1), level, index, size, node, root)).toThrow(ProofError);
        }
      }
    }
  });

  it("a subtree not complete in the tree has no proof", async () => {
    await expect(proveSubtreeInclusion(3, 0, 7, memoryHashReader(leaves.slice(0, 7)))).rejects.toThrow(/not complete/);
    expect(() => checkSubtreeInclusion([], 3, 0, 7, leaves[0]!, leaves[0]!)).toThrow(ProofError);
  });
});
