/**
 * The isolate's memory of immutable read answers, in front of the edge cache, KV and R2: hash tiles and
 * entry bundles, full and right-edge partial (write-once per name, a partial's carrying its width), and Rekor v1
 * consistency proofs between two sizes no larger than a verified checkpoint. Only what was proven to a verified
 * checkpoint goes in (LogReader.provenTile, the proof route's own checks), keyed by the log (shard and
 * checkpoint key) and everything the answer depends on, so a hit is served as it is: no KV, R2 or Cache API
 * round trip, no hashing. Bounded by bytes (README, Limits); the least recently used goes first.
 * @module
 */
import { LruCache } from "../lru-cache.ts";

/**
 * At most 8 MiB of tiles and bundles (a full bundle of 256 hashedrekord entries is about 200 KiB); a tile the reader's
 * object cache (src/log/reader.ts) holds too is the same bytes, not a copy.
 */
export const MAX_TILE_BYTES = 8 << 20;
/** At most 1 MiB of v1 consistency proofs (about 2 KiB each for a tree of a billion entries). */
export const MAX_PROOF_BYTES = 1 << 20;

/** A few hundred bytes of map entry and key per cached answer, counted against the bound. */
const OVERHEAD = 256;

export const verifiedTiles = new LruCache<string, Uint8Array>(8192, MAX_TILE_BYTES, (b) => b.length + OVERHEAD);
export const provenConsistencyAnswers = new LruCache<string, string>(
  8192,
  MAX_PROOF_BYTES,
  (json) => json.length * 2 + OVERHEAD,
);
