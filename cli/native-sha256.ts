/**
 * Node's native SHA-256 for the tlog core. The core hashes with @noble/hashes (pure JS, the same in
 * every runtime); in Node, OpenSSL's one-shot `crypto.hash` (SHA-NI where the CPU has it) is about 3x
 * faster on the small inputs tree hashing is made of, which is most of what appending and verifying
 * cost. Same bytes either way (test/tlog/native-sha256.test.ts).
 * @module
 */
import { hash } from "node:crypto";
import { useSha256 } from "../src/tlog/hash.ts";

export function nodeSha256(data: Uint8Array): Uint8Array {
  return hash("sha256", data, "buffer");
}

export function useNodeSha256(): void {
  useSha256(nodeSha256);
}
