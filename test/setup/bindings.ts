// Runs in Node when vitest loads its config: makes throwaway keys for this test run.
import { randomBytes } from "node:crypto";

export function testBindings(): Record<string, string> {
  return {
    TEST_SEED_HEX: randomBytes(32).toString("hex"),
  };
}
