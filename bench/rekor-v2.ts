/**
 * Issue 4's throughput mode: real, signed Rekor v2 hashedrekord entries, pre-signed by the load
 * generator (Node's native ECDSA P-256) so that signing costs the server nothing and the generator
 * little. Each request is a distinct artifact digest signed by one of a few keys; the server parses,
 * verifies the signature, canonicalizes and appends, and answers 201 with a TransparencyLogEntry.
 * @module
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import type { AppendScenario } from "./http.ts";

const KEYS = 8;

/** Pre-signs `count` requests (about 60 µs each), then serves them in order, then wraps around. */
export function rekorV2Scenario(count: number): AppendScenario {
  const keys = Array.from({ length: KEYS }, () => generateKeyPairSync("ec", { namedCurve: "P-256" }));
  const spkis = keys.map((k) => k.publicKey.export({ format: "der", type: "spki" }).toString("base64"));
  const run = `${process.pid}-${Date.now()}`;
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const artifact = `edgelog bench artifact ${run} #${i}`;
    const digest = createHash("sha256").update(artifact).digest();
    const k = i % KEYS;
    const signature = sign("sha256", Buffer.from(artifact), keys[k]!.privateKey); // DER, over SHA-256(artifact) = digest
    bodies.push(
      JSON.stringify({
        hashedRekordRequestV002: {
          digest: digest.toString("base64"),
          signature: { content: signature.toString("base64"), verifier: { publicKey: { rawBytes: spkis[k] }, keyDetails: "PKIX_ECDSA_P256_SHA_256" } },
        },
      }),
    );
  }
  let next = 0;
  return {
    name: `Rekor v2 POST /api/v2/log/entries, pre-signed hashedrekord (ECDSA P-256), ${count} distinct entries`,
    next() {
      const body = bodies[next++ % bodies.length]!;
      return { method: "POST", path: "/api/v2/log/entries", headers: { "content-type": "application/json" }, body };
    },
    parseIndex(status, body) {
      if (status !== 201) return null;
      const m = /"logIndex":"(0|[1-9][0-9]*)"/.exec(body);
      return m ? Number(m[1]) : null;
    },
  };
}
