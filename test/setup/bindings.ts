// Runs in Node when vitest loads its config: throwaway keys and test-friendly settings for this run.
import { generateKeyPairSync } from "node:crypto";
import { generateCosignatureKey } from "../../src/tlog/cosignature.ts";
import { generateKey, newSigner } from "../../src/tlog/note.ts";

export const TEST_ORIGIN = "localhost:8787";

export function testBindings(): Record<string, string> {
  return {
    LOG_SIGNING_KEY: generateKey(TEST_ORIGIN).skey,
    LOG_V1_SIGNING_KEY: v1TestKey(),
    // Short rounds keep the suite fast; no edge caching of /checkpoint so reads see each round.
    TICK_MS: "20",
    // Every round's checkpoint public before its submitters are answered, so tests can read it at once;
    // test/faults/checkpoint-rate.test.ts runs the defaults against a store that enforces R2's write limit.
    CHECKPOINT_WRITE_GAP_MS: "0",
    CHECKPOINT_MAX_AGE: "0",
    ENABLE_TEST_APPEND: "true",
    // Operator routes (POST /admin/reindex): a throwaway bearer token.
    ADMIN_TOKEN: `test-admin-${crypto.randomUUID()}`,
    // Two extra shards for test/shards/ (inert unless a test lists them in SHARDS): keys per shard.
    ...shardBindings("shardtest-a", "SHARDTEST_A"),
    ...shardBindings("shardtest-b", "SHARDTEST_B"),
    ...witnessBindings(),
  };
}

/**
 * test/witness/log-witnessing.test.ts: this deployment's own witness (a throwaway key) witnesses five
 * extra shards (inert unless a test addresses their sequencers), each with its own witness policy.
 */
export const WITNESS_TEST_SHARDS = {
  /** quorum 0: cosignatures collected after publishing and attached by a republish */
  async: "witnesstest-async",
  /** quorum 1 of the own witness (a test fails it with the fault switch) */
  quorum: "witnesstest-quorum",
  /** quorum 1 of two: the own witness and one that is down */
  two: "witnesstest-two",
  /** quorum 1 of the own witness, configured with a key that is not the witness's */
  wrongKey: "witnesstest-wrongkey",
  /** quorum 1 of the own witness, for 409 size discovery */
  conflict: "witnesstest-conflict",
} as const;

function witnessBindings(): Record<string, string> {
  const witness = generateCosignatureKey("witness.test/self");
  const down = generateCosignatureKey("witness.test/down");
  const impostor = generateCosignatureKey("witness.test/self"); // same name, another key
  const self = `${witness.vkey} binding:WITNESS`;
  const policies: Record<keyof typeof WITNESS_TEST_SHARDS, [string, string]> = {
    async: [self, "0"],
    quorum: [self, "1"],
    // Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    two: [`${self}, ${down.vkey} http://127.0.0.1:9/witness`, "1"],
    wrongKey: [`${impostor.vkey} binding:WITNESS`, "1"],
    conflict: [self, "1"],
  };
  const out: Record<string, string> = { WITNESS_SIGNING_KEY: witness.skey, TEST_WITNESS_VKEY: witness.vkey };
  const logs: string[] = [];
  for (const [k, shard] of Object.entries(WITNESS_TEST_SHARDS)) {
    const suffix = shard.toUpperCase().replace(/-/g, "_");
    const b = shardBindings(shard, suffix);
    Object.assign(out, b);
    logs.push(newSigner(b[`LOG_SIGNING_KEY_${suffix}`]!).vkey);
    const [list, quorum] = policies[k as keyof typeof WITNESS_TEST_SHARDS];
    out[`WITNESSES_${suffix}`] = list;
    out[`WITNESS_QUORUM_${suffix}`] = quorum;
    out[`WITNESS_TIMEOUT_MS_${suffix}`] = "2000";
  }
  out.WITNESSED_LOGS = logs.join(",");
  return out;
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
  return generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
}
