// Runs in Node when vitest loads its config: throwaway keys and test-friendly settings for this run.
import { generateKey } from "../../src/tlog/note.ts";

export const TEST_ORIGIN = "localhost:8787";

export function testBindings(): Record<string, string> {
  return {
    LOG_SIGNING_KEY: generateKey(TEST_ORIGIN).skey,
    // Short rounds keep the suite fast; no edge caching of /checkpoint so reads see each round.
    TICK_MS: "20",
    CHECKPOINT_MAX_AGE: "0",
    ENABLE_TEST_APPEND: "true",
  };
}
