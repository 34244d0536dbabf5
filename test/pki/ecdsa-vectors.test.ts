// verifyEcdsaDigest against Wycheproof-style vectors whose verdicts are OpenSSL's, cross-checked with @noble/curves
// and node:crypto (test/fixtures/ecdsa-vectors/generate.ts): valid and high-S signatures, r or s zero or >= n, R at
// infinity, the doubling case, u1 = 0, another key, another curve's signature, truncated, long and short digests.
import { describe, expect, it } from "vitest";
import { verifyEcdsaDigest } from "../../src/pki/ecdsa.ts";
import { parseSpki } from "../../src/pki/keys.ts";
import { VECTORS } from "../fixtures/ecdsa-vectors/vectors.generated.ts";
import { hexToBytes } from "../fixtures/pki/index.ts";
import { refusal } from "../helpers/refusal.ts";

describe.each(["P-256", "P-384", "P-521"] as const)("ECDSA over a digest, %s vectors", (curve) => {
  const vectors = VECTORS.filter((v) => v.curve === curve);

  it("covers valid and invalid signatures, high S, out-of-range r/s, infinity, doubling and u1 = 0", () => {
    const comments = vectors.map((v) => v.comment).join("\n");
    for (const topic of [
      "high S",
      "r = 0",
      "s = n",
      "r + n",
      "R at infinity",
      "doubling",
      "u1 = 0",
      "another key",
      "truncated",
    ]) {
      expect(comments).toContain(topic);
    }
    expect(vectors.filter((v) => v.valid).length).toBeGreaterThan(4);
    expect(vectors.filter((v) => !v.valid).length).toBeGreaterThan(10);
  });

  it.each(vectors.map((v) => [v.comment, v] as const))("%s", (_, v) => {
    const key = parseSpki(hexToBytes(v.spki));
    const verify = () => verifyEcdsaDigest(key, hexToBytes(v.digest), hexToBytes(v.signature));
    if (v.valid) verify();
    else expect(refusal(verify).field).toBe("signature");
  });
});
