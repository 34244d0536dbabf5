/**
 * Where an entry UUID lives, learnt once: an entry never moves, so after a D1 lookup whose entry was read
 * and proven to hold that UUID, later lookups of it skip D1. The position is only a hint: the caller reads
 * the entry there and checks its UUID again on every use (a wrong hint costs one D1 lookup, never a wrong
 * answer). Only a final answer is kept: one that no shard the lookup prefers can change later (a UUID found
 * in a frozen shard may still be logged by the active one, which a 64-hex lookup prefers).
 * @module
 */
import { LruCache } from "../lru-cache.ts";
import type { Deployment } from "./deployment.ts";
import { findByUuid, uuidCandidates, type ShardIndex } from "./v1-shards.ts";

/** UUID lookups by deployment and UUID: ~200 bytes each, 64k of them about 13 MB at most. */
const positions = new LruCache<string, ShardIndex>(65_536);

/**
 * The entry with UUID `id` as `read` makes it from its position (null: that position does not hold `id`),
 * or null if no shard holds it. @throws V1LookupError for a malformed UUID
 */
export async function readByUuid<T>(
  d: Deployment,
  id: string,
  read: (at: ShardIndex) => Promise<T | null>,
): Promise<T | null> {
  const candidates = await uuidCandidates(d, id);
  // Each candidate shard's name, state and checkpoint key: another deployment (or shard list) has its own entries.
  const key = `${candidates.map((s) => `${s.name} ${s.state} ${s.checkpointKey().vkey}`).join("\n")}\n${id.toLowerCase()}`;
  const known = positions.get(key);
  if (known) {
    const found = await read(known);
    if (found !== null) return found;
    positions.delete(key);
  }
  const at = await findByUuid(d, id, candidates);
  if (at === null) return null;
  const found = await read(at);
  // Final when every shard preferred to the one found takes no more entries.
  const i = candidates.findIndex((s) => s.name === at.shard);
  if (found !== null && i >= 0 && candidates.slice(0, i).every((s) => s.state === "frozen")) positions.set(key, at);
  return found;
}
