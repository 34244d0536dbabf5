/**
 * Bench only (never deployed): verifies one ECDSA signature over a digest `n` times inside workerd, by the path the
 * Worker uses (src/pki/ecdsa.ts `verifyEcdsaDigest`, native scalar multiplications) or by pure-JS @noble/curves
 * (the previous path, for the same-run ratio). POST a JSON {spki, digest, signature (hex), path, n}; answers the
 * number that verified. Timed from outside by bench/ecdsa.ts.
 * @module
 */
import { verifyEcdsaDigest, ecdsaSignatureToP1363 } from "../src/pki/ecdsa.ts";
import { nobleCurve, parseSpki } from "../src/pki/keys.ts";

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));

export default {
  async fetch(request: Request): Promise<Response> {
    const body = (await request.json()) as {
      spki: string;
      digest: string;
      signature: string;
      path: "native" | "noble";
      n: number;
    };
    const key = parseSpki(fromHex(body.spki));
    const digest = fromHex(body.digest);
    const signature = fromHex(body.signature);
    let ok = 0;
    for (let i = 0; i < body.n; i++) {
      if (body.path === "native") {
        verifyEcdsaDigest(key, digest, signature);
        ok++;
      } else {
        const compact = ecdsaSignatureToP1363(signature, key.curve!);
        if (
          nobleCurve(key.curve!).verify(compact, digest, key.subjectPublicKey, {
            prehash: false,
            lowS: false,
            format: "compact",
          })
        )
          ok++;
      }
    }
    return Response.json({ ok });
  },
};
