/**
 * Reading a run of the log's entries the way a monitor does: entry bundles and level-0 tiles, each entry
 * checked against its leaf hash. Shared by the indexer (from R2) and `edgelog audit-index` (over HTTP).
 * @module
 */
import type { PathFetcher } from "../client/tile-reader.ts";
import { parseBundle } from "../tlog/bundle.ts";
import { bytesEqual } from "../tlog/encoding.ts";
import { MalformedError, ProofError } from "../tlog/errors.ts";
import { HASH_SIZE, hashLeaf } from "../tlog/hash.ts";
import { ENTRIES_LEVEL, TILE_WIDTH, tilePath, tileWidth } from "../tlog/tile.ts";

/** Entries a follower (the Indexer) takes in per step at most: 16 bundles, bounded CPU per alarm. */
export const MAX_ENTRIES_PER_STEP = 4096;

/**
 * Entries [from, to) of a log whose tiles are read at tree size `size` (≥ to), in order. Each entry's
 * leaf hash must be the level-0 tile's; the caller authenticates the tiles (a checkpoint's root).
 */
export async function readLeaves(fetch: PathFetcher, size: number, from: number, to: number): Promise<Uint8Array[]> {
  if (!(0 <= from && from <= to && to <= size))
    throw new RangeError(`cannot read entries ${from}..${to} of a log of size ${size}`);
  const out: Uint8Array[] = [];
  for (let n = Math.floor(from / TILE_WIDTH); n * TILE_WIDTH < to; n++) {
    const width = tileWidth(ENTRIES_LEVEL, n, size);
    const bundlePath = tilePath({ level: ENTRIES_LEVEL, index: n, width });
    const tileP = tilePath({ level: 0, index: n, width });
    const [bundle, tile] = await Promise.all([fetch(bundlePath), fetch(tileP)]);
    if (!bundle || !tile) throw new MalformedError(`${bundle ? tileP : bundlePath} is not available`);
    const entries = parseBundle(bundle);
    if (entries.length !== width || tile.length !== width * HASH_SIZE)
      throw new MalformedError(`${bundlePath} or ${tileP} has the wrong width`);
    const lo = Math.max(from, n * TILE_WIDTH) - n * TILE_WIDTH;
    const hi = Math.min(to, (n + 1) * TILE_WIDTH) - n * TILE_WIDTH;
    for (let i = lo; i < hi; i++) {
      if (!bytesEqual(hashLeaf(entries[i]!), tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))) {
        throw new ProofError(`entry ${n * TILE_WIDTH + i} does not match its leaf hash`);
      }
      out.push(entries[i]!);
    }
  }
  return out;
}
