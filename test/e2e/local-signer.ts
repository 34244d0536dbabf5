// A sigstore-js Signer over a fresh P-256 key, as `cosign sign-blob --key` would sign: the bundle
// names the key by `hint`, under which a verifier's trust material must list it.
import type { Signer } from "@sigstore/sign";
import { generateKeyPairSync, sign as nodeSign } from "node:crypto";

export function localSigner(hint: string): { signer: Signer; spki: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signer: Signer = {
    async sign(data: Buffer) {
      return {
        signature: nodeSign("sha256", data, privateKey),
        key: { $case: "publicKey", publicKey: publicKey.export({ format: "pem", type: "spki" }).toString(), hint },
      };
    },
  };
  return { signer, spki: new Uint8Array(publicKey.export({ format: "der", type: "spki" })) };
}
