// Runs in Node when vitest loads its config: throwaway keys and test-friendly settings for this run.
import { generateKeyPairSync } from "node:crypto";
import { generateKey } from "../../src/tlog/note.ts";

export const TEST_ORIGIN = "localhost:8787";

export function testBindings(): Record<string, string> {
  return {
    LOG_SIGNING_KEY: generateKey(TEST_ORIGIN).skey,
    LOG_V1_SIGNING_KEY: v1TestKey(),
    // Short rounds keep the suite fast; no edge caching of /checkpoint so reads see each round.
    TICK_MS: "20",
    CHECKPOINT_MAX_AGE: "0",
    ENABLE_TEST_APPEND: "true",
    // Two extra shards for test/shards/ (inert unless a test lists them in SHARDS): keys per shard.
    ...shardBindings("shardtest-a", "SHARDTEST_A"),
    ...shardBindings("shardtest-b", "SHARDTEST_B"),
  };
}

/** A shard's origin (`<host>/<shard>`) and keys under its suffixed names (src/config.ts). */
export function shardBindings(shard: string, suffix: string, host = TEST_ORIGIN): Record<string, string> {
  const origin = `${host}/${shard}`;
  return {
    [`LOG_ORIGIN_${suffix}`]: origin,
    [`LOG_SIGNING_KEY_${suffix}`]: generateKey(origin).skey,
    [`LOG_V1_SIGNING_KEY_${suffix}`]: v1TestKey(),
  };
}

/** A throwaway ECDSA P-256 key for the Rekor v1 API (SET and v1 checkpoints), PKCS#8 PEM. */
export function v1TestKey(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}
