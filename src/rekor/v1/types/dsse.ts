/**
 * Rekor v1 dsse 0.0.1 (sigstore/rekor pkg/types/dsse/v0.0.1): the envelope is verified and hashed,
 * never stored. Canonical spec: envelopeHash (SHA-256 of the envelope JSON as sent), payloadHash,
 * and the signatures, sorted by signature string, each with its verifier's canonical PEM.
 * @module
 */
import { digestBytes } from "../../../pki/algorithms.ts";
import { fromBase64, toBase64, toHex, utf8Encode } from "../../../tlog/encoding.ts";
import { MalformedError } from "../../../tlog/errors.ts";
import { RequestError } from "../../errors.ts";
import { arr, b64, obj, str } from "../json.ts";
import { parsePemKey } from "../pem.ts";
import type { ValidityCheck } from "../../validity-check.ts";
import { VerificationBudget } from "../../verification-budget.ts";
import { verifyEnvelopeSignatures } from "./dsse-envelope.ts";

const MAX_SIGNATURES = 10;

function strictB64(s: string, where: string): Uint8Array {
  try {
    return fromBase64(s);
  } catch (e) {
    if (e instanceof MalformedError) throw new RequestError(`${where}: invalid base64`);
    throw e;
  }
}

export async function canonicalizeDsse(
  spec: unknown,
  options: { validity?: ValidityCheck; budget?: VerificationBudget } = {},
): Promise<Record<string, unknown>> {
  const s = obj(spec, ["proposedContent"], "spec");
  const proposed = obj(s.proposedContent, ["envelope", "verifiers"], "spec.proposedContent");
  const envelopeText = str(proposed, "envelope", "spec.proposedContent");
  const keys = arr(proposed, "verifiers", "spec.proposedContent", MAX_SIGNATURES).map((v, i) => {
    if (typeof v !== "string") throw new RequestError(`spec.proposedContent.verifiers[${i}]: expected base64 PEM`);
    return parsePemKey(
      strictB64(v, `spec.proposedContent.verifiers[${i}]`),
      `spec.proposedContent.verifiers[${i}]`,
      options.validity,
    );
  });
  let envelope: unknown;
  try {
    envelope = JSON.parse(envelopeText);
  } catch {
    throw new RequestError("spec.proposedContent.envelope: not a JSON DSSE envelope");
  }
  const env = obj(envelope, ["payload", "payloadType", "signatures"], "envelope");
  const payload = b64(env, "payload", "envelope");
  const payloadType = str(env, "payloadType", "envelope");
  const sigs = arr(env, "signatures", "envelope", MAX_SIGNATURES).map((x, i) => {
    const o = obj(x, ["keyid", "sig"], `envelope.signatures[${i}]`);
    return { text: str(o, "sig", `envelope.signatures[${i}]`), raw: b64(o, "sig", `envelope.signatures[${i}]`) };
  });
  const verifiedBy = await verifyEnvelopeSignatures(
    payloadType,
    payload,
    sigs.map((x) => x.raw),
    keys,
    options.budget ?? new VerificationBudget(),
    "envelope.signatures",
  );
  const signatures = sigs
    .map((x, i) => ({ signature: x.text, verifier: toBase64(utf8Encode(verifiedBy[i]!.canonicalPem)) }))
    .sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  return {
    envelopeHash: { algorithm: "sha256", value: toHex(await digestBytes("sha256", utf8Encode(envelopeText))) },
    payloadHash: { algorithm: "sha256", value: toHex(await digestBytes("sha256", payload)) },
    signatures,
  };
}
