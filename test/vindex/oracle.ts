// An independent oracle for the verifiable index: the map rebuilt from scratch as a plain Map of lists,
// and its root computed top-down from the definition (the sparse tree over all keys at once, each list
// hashed whole), sharing no code with the incremental map but the hash primitives.
import { CHUNK_SIZE, chunkHash, EMPTY, keyPath, mapLeafHash, mapNodeHash, pathBit } from "../../src/vindex/hash.ts";
import { chunkNodeHash } from "../../src/vindex/hash.ts";
import type { Hash } from "../../src/tlog/hash.ts";

export function naiveLists(entries: readonly (readonly string[])[]): Map<string, number[]> {
  const lists = new Map<string, number[]>();
  entries.forEach((keys, i) => {
    for (const k of keys) {
      const l = lists.get(k) ?? [];
      if (l[l.length - 1] !== i) l.push(i);
      lists.set(k, l);
    }
  });
  return lists;
}

function rfc6962(hashes: Hash[]): Hash {
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return chunkNodeHash(rfc6962(hashes.slice(0, k)), rfc6962(hashes.slice(k)));
}

export function naiveValueRoot(list: readonly number[]): Hash {
  const chunks: Hash[] = [];
  for (let i = 0; i < list.length; i += CHUNK_SIZE) chunks.push(chunkHash(list.slice(i, i + CHUNK_SIZE)));
  return rfc6962(chunks);
}

export function naiveRoot(lists: Map<string, number[]>): Hash {
  const leaves = [...lists].map(([key, list]) => {
    const path = keyPath(key);
    return { path, hash: mapLeafHash(path, list.length, naiveValueRoot(list)) };
  });
  const build = (set: typeof leaves, depth: number): Hash => {
    if (set.length === 0) return EMPTY;
    if (set.length === 1) return set[0]!.hash;
    return mapNodeHash(
      build(
        set.filter((l) => pathBit(l.path, depth) === 0),
        depth + 1,
      ),
      build(
        set.filter((l) => pathBit(l.path, depth) === 1),
        depth + 1,
      ),
    );
  };
  return build(leaves, 0);
}
