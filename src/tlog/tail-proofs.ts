/**
 * Inclusion proofs for every leaf at the tail of a tree in one pass: what a sequencer answers after a
 * round, whose new leaves are always the last ones. Proving each leaf on its own (proof.ts) folds the
 * right edge again for every leaf; here each node of the tail is hashed once, level by level.
 *
 * RFC 6962's tree is the one built by pairing each level's nodes from the left and promoting a lone
 * last node (the fold RFC 9162 §2.1.3.2 verifies), so at level k node j is MTH of leaves
 * [j·2^k, min((j+1)·2^k, size)), and a leaf's audit path is its ancestors' siblings, where they exist.
 * @module
 */
import { MalformedError } from "./errors.ts";
import { HASH_SIZE, hashChildren, type Hash } from "./hash.ts";
import type { HashReader, StoredHash } from "./proof.ts";

/**
 * The audit paths of leaves first..size-1 in the tree of size = first + tail.length, where `tail`
 * are those leaves' hashes. `reader` is asked once, for at most one perfect subtree per level: the
 * left sibling of the tail's first node at that level. Stored hashes are copied: a reader's hash may
 * be a view into a whole tile, which structured clone (a Durable Object's RPC answer) would copy whole.
 */
export async function proveTailInclusion(first: number, tail: readonly Hash[], reader: HashReader): Promise<Hash[][]> {
  if (!Number.isSafeInteger(first) || first < 0) throw new MalformedError("first must be a non-negative integer");
  const size = first + tail.length;
  if (tail.length === 0) return [];
  if (tail.some((h) => h.length !== HASH_SIZE)) throw new MalformedError("leaf hashes must be 32 bytes");

  // Level k of the tail covers nodes [first >> k, ceil(size / 2^k)); the pairing at level k needs
  // node (first >> k) - 1 too when (first >> k) is odd: a perfect subtree left of the tail, stored.
  const missing: StoredHash[] = [];
  for (let k = 0, lo = first, count = size; count > 1; k++, lo = Math.floor(lo / 2), count = Math.ceil(count / 2)) {
    if (lo % 2 === 1) missing.push({ level: k, index: lo - 1 });
  }
  const stored = await reader(missing);
  if (stored.length !== missing.length)
    throw new Error(`hash reader returned ${stored.length} hashes for ${missing.length}`);

  // levels[k] = { lo, nodes }: nodes[i] is node lo + i at level k.
  const levels: { lo: number; nodes: Hash[] }[] = [];
  let lo = first;
  let nodes: Hash[] = tail.slice();
  let next = 0;
  while (lo + nodes.length > 1) {
    if (lo % 2 === 1) {
      nodes.unshift(stored[next++]!.slice());
      lo--;
    }
    levels.push({ lo, nodes });
    const up: Hash[] = [];
    for (let i = 0; i < nodes.length; i += 2)
      up.push(i + 1 < nodes.length ? hashChildren(nodes[i]!, nodes[i + 1]!) : nodes[i]!);
    lo /= 2;
    nodes = up;
  }

  return tail.map((_, i) => {
    const proof: Hash[] = [];
    let node = first + i;
    for (const level of levels) {
      const sibling = node ^ 1;
      const at = sibling - level.lo;
      if (at < level.nodes.length) proof.push(level.nodes[at]!); // else: the lone last node, promoted
      node = Math.floor(node / 2);
    }
    return proof;
  });
}
