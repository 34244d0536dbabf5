/**
 * Rekor v1 hashedrekord 0.0.1 (sigstore/rekor pkg/types/hashedrekord/v0.0.1): a signature over a
 * digest. The key or certificate is PEM; the canonical entry re-encodes it as Go does, keeps the
 * digest as given and the signature as standard base64.
 * @module
 */
import { digestLength, keyDetailsForHash, type HashName } from "../../../pki/algorithms.ts";
import { SignatureError } from "../../../pki/errors.ts";
import { verifyDigestSignature } from "../../../pki/verify.ts";
import { fromHex, toBase64, utf8Encode } from "../../../tlog/encoding.ts";
import { RequestError } from "../../errors.ts";
import { b64, obj, str } from "../json.ts";
import { verificationUnits, type VerificationBudget } from "../../verification-budget.ts";
import { parsePemKey } from "../pem.ts";
import type { ValidityCheck } from "../../validity-check.ts";

const HASHES: readonly HashName[] = ["sha256", "sha384", "sha512"];

export async function canonicalizeHashedRekord(
  spec: unknown,
  options: { validity?: ValidityCheck; budget?: VerificationBudget } = {},
): Promise<Record<string, unknown>> {
  const s = obj(spec, ["data", "signature"], "spec");
  const data = obj(s.data, ["hash"], "spec.data");
  const hash = obj(data.hash, ["algorithm", "value"], "spec.data.hash");
  const algorithm = (hash.algorithm ?? "sha256") as HashName;
  if (!HASHES.includes(algorithm))
    throw new RequestError(`spec.data.hash.algorithm must be one of ${HASHES.join(", ")}`);
  const value = str(hash, "value", "spec.data.hash");
  if (!/^[0-9a-fA-F]+$/.test(value) || value.length !== 2 * digestLength(algorithm)) {
    throw new RequestError(`spec.data.hash.value must be ${2 * digestLength(algorithm)} hex digits for ${algorithm}`);
  }
  const sig = obj(s.signature, ["content", "publicKey"], "spec.signature");
  const content = b64(sig, "content", "spec.signature");
  const publicKey = obj(sig.publicKey, ["content"], "spec.signature.publicKey");
  const pem = parsePemKey(
    b64(publicKey, "content", "spec.signature.publicKey"),
    "spec.signature.publicKey.content",
    options.validity,
  );
  try {
    const keyDetails = keyDetailsForHash(pem.key, algorithm);
    options.budget?.spend(verificationUnits(pem.key, true), 0, "spec.signature");
    await verifyDigestSignature({ key: pem.key, keyDetails, digest: fromHex(value), signature: content });
  } catch (e) {
    if (e instanceof SignatureError) throw new RequestError(`spec.signature: ${e.message}`);
    throw e;
  }
  return {
    data: { hash: { algorithm, value } },
    signature: { content: toBase64(content), publicKey: { content: toBase64(utf8Encode(pem.canonicalPem)) } },
  };
}
