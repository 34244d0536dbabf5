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
  };
}

/** A throwaway ECDSA P-256 key for the Rekor v1 API (SET and v1 checkpoints), PKCS#8 PEM. */
export function v1TestKey(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}
