/**
 * Rekor v1 intoto 0.0.2 (sigstore/rekor pkg/types/intoto/v0.0.2): the DSSE envelope travels doubly
 * base64-encoded (payload and sig are base64 of the envelope's base64 strings; publicKey is base64 of
 * PEM). The canonical spec drops the payload, keeps the signatures and the client's envelope hash,
 * and sets payloadHash to SHA-256 of the decoded payload.
 * @module
 */
import { digestBytes } from "../../../pki/algorithms.ts";
import { fromBase64, toBase64, toHex, utf8Decode } from "../../../tlog/encoding.ts";
import { MalformedError } from "../../../tlog/errors.ts";
import { RequestError } from "../../errors.ts";
import { arr, b64, obj, str } from "../json.ts";
import { parsePemKey } from "../pem.ts";
import type { ValidityCheck } from "../../validity-check.ts";
import { VerificationBudget } from "../../verification-budget.ts";
import { verifyEnvelopeSignatures } from "./dsse-envelope.ts";

const MAX_SIGNATURES = 10;

function innerB64(bytes: Uint8Array, where: string): Uint8Array {
  try {
    return fromBase64(utf8Decode(bytes));
  } catch (e) {
    if (e instanceof MalformedError) throw new RequestError(`${where}: not base64 of a base64 string`);
    throw e;
  }
}

export async function canonicalizeIntoto(
  spec: unknown,
  options: { validity?: ValidityCheck; budget?: VerificationBudget } = {},
): Promise<Record<string, unknown>> {
  const s = obj(spec, ["content"], "spec");
  const content = obj(s.content, ["envelope", "hash", "payloadHash"], "spec.content");
  const env = obj(content.envelope, ["payload", "payloadType", "signatures"], "spec.content.envelope");
  const hash = obj(content.hash, ["algorithm", "value"], "spec.content.hash");
  if (hash.algorithm !== "sha256") throw new RequestError("spec.content.hash.algorithm must be sha256");
  const hashValue = str(hash, "value", "spec.content.hash");
  if (!/^[0-9a-fA-F]{64}$/.test(hashValue)) throw new RequestError("spec.content.hash.value must be 64 hex digits");
  const payload = innerB64(b64(env, "payload", "spec.content.envelope"), "spec.content.envelope.payload");
  const payloadType = str(env, "payloadType", "spec.content.envelope");
  const sigs = arr(env, "signatures", "spec.content.envelope", MAX_SIGNATURES).map((x, i) => {
    const where = `spec.content.envelope.signatures[${i}]`;
    const o = obj(x, ["keyid", "sig", "publicKey"], where);
    if (o.keyid !== undefined && typeof o.keyid !== "string") throw new RequestError(`${where}.keyid must be a string`);
    if (typeof o.keyid === "string" && !o.keyid.isWellFormed())
      throw new RequestError(`${where}.keyid is not valid Unicode (it contains a lone surrogate)`);
    const sigField = b64(o, "sig", where);
    const pkField = b64(o, "publicKey", where);
    return {
      keyid: (o.keyid as string | undefined) ?? "",
      sigField,
      raw: innerB64(sigField, `${where}.sig`),
      pkField,
      key: parsePemKey(pkField, `${where}.publicKey`, options.validity),
    };
  });
  // Each signature is checked against all the keys given (rekor verifyEnvelope), its own first.
  await verifyEnvelopeSignatures(
    payloadType,
    payload,
    sigs.map((x) => x.raw),
    sigs.map((x) => x.key),
    options.budget ?? new VerificationBudget(),
    "spec.content.envelope.signatures",
  );
  return {
    content: {
      envelope: {
        payloadType,
        signatures: sigs.map((x) => ({
          ...(x.keyid ? { keyid: x.keyid } : {}),
          publicKey: toBase64(x.pkField),
          sig: toBase64(x.sigField),
        })),
      },
      hash: { algorithm: "sha256", value: hashValue },
      payloadHash: { algorithm: "sha256", value: toHex(await digestBytes("sha256", payload)) },
    },
  };
}
