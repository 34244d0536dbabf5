/**
 * Rekor v1 rekord 0.0.1 (sigstore/rekor pkg/types/rekord/v0.0.1): a detached signature over data sent inline
 * (`spec.data.content`, base64), with the signature's format naming the PKI: `pgp`, `minisign`, `x509` or `ssh`
 * (src/pki/pgp.ts, minisign.ts, ssh.ts; x509 keys and certificates go through src/rekor/v1/pem.ts).
 *
 * The data is verified and hashed, never stored: the canonical spec is
 * `{data: {hash: {algorithm: "sha256", value}}, signature: {content, format, publicKey: {content}}}`, with the
 * signature and key in Rekor's canonical forms (each PKI module says which). A `spec.data.hash` sent along must
 * be the data's SHA-256 in lowercase hex (Rekor compares the strings). Data by URL is not fetched: Rekor itself
 * dropped `url` from the schema.
 *
 * x509 follows Rekor's `LoadVerifier(key, SHA-256)`: ECDSA (any curve) and RSA PKCS#1 v1.5 over SHA-256 of the
 * data, pure Ed25519 over the data.
 * @module
 */
import { DEFAULT_REKORD_MAX_DATA_BYTES } from "../../../config.ts";
import { digestBytes } from "../../../pki/algorithms.ts";
import { SignatureError } from "../../../pki/errors.ts";
import { parseMinisignPublicKey, parseMinisignSignature, verifyMinisignSignature } from "../../../pki/minisign.ts";
import { parsePgpPublicKey, parsePgpSignature, verifyPgpSignature } from "../../../pki/pgp.ts";
import { parseSshPublicKey, parseSshSignature, verifySshSignature } from "../../../pki/ssh.ts";
import { verifyMessageSignature } from "../../../pki/verify.ts";
import { toBase64, toHex, utf8Encode } from "../../../tlog/encoding.ts";
import { RequestError, TooLargeError } from "../../errors.ts";
import { b64, obj, str } from "../json.ts";
import { parsePemKey } from "../pem.ts";
import type { ValidityCheck } from "../../validity-check.ts";
import type { VerificationBudget } from "../../verification-budget.ts";

export const REKORD_FORMATS = ["pgp", "minisign", "x509", "ssh"] as const;
export type RekordFormat = (typeof REKORD_FORMATS)[number];

export { DEFAULT_REKORD_MAX_DATA_BYTES };

export interface RekordOptions {
  /** Largest inline data accepted, in bytes (decoded); beyond it 413. */
  maxDataBytes: number;
  /** When an x509 signing certificate must be valid (src/rekor/validity-check.ts); refused at once by default. */
  validity?: ValidityCheck;
  /** The request's verification budget: one verification over the data. */
  budget?: VerificationBudget;
}

/** The signature and key in Rekor's canonical forms, once the signature has verified over the data. */
async function verifyAndCanonicalize(
  format: RekordFormat,
  sig: Uint8Array,
  key: Uint8Array,
  data: Uint8Array,
  charge: (units: number) => void,
  validity?: ValidityCheck,
): Promise<{ signature: Uint8Array; publicKey: Uint8Array }> {
  switch (format) {
    case "pgp": {
      const k = await parsePgpPublicKey(key);
      // openpgp.js also verifies the key's own signatures (pgp.ts bounds them): a unit for every four.
      charge(Math.ceil(k.selfSignatures / 4));
      const s = await parsePgpSignature(sig);
      await verifyPgpSignature(s, k, data);
      return { signature: s.canonical, publicKey: k.canonical };
    }
    case "minisign": {
      const k = parseMinisignPublicKey(key);
      const s = parseMinisignSignature(sig);
      await verifyMinisignSignature(s, k, data);
      return { signature: s.canonical, publicKey: k.canonical };
    }
    case "ssh": {
      const k = parseSshPublicKey(key);
      const s = parseSshSignature(sig);
      await verifySshSignature(s, k, data);
      return { signature: s.canonical, publicKey: k.canonical };
    }
    case "x509": {
      const pem = parsePemKey(key, "spec.signature.publicKey.content", validity);
      await verifyMessageSignature(pem.key, pem.key.kind === "ed25519" ? null : "sha256", data, sig);
      return { signature: sig, publicKey: utf8Encode(pem.canonicalPem) };
    }
  }
}

export async function canonicalizeRekord(
  spec: unknown,
  options: RekordOptions = { maxDataBytes: DEFAULT_REKORD_MAX_DATA_BYTES },
): Promise<Record<string, unknown>> {
  const s = obj(spec, ["data", "signature"], "spec");
  const data = obj(s.data, ["content", "hash", "url"], "spec.data");
  const sig = obj(s.signature, ["content", "format", "publicKey", "url"], "spec.signature");
  if (data.url !== undefined || sig.url !== undefined)
    throw new RequestError("url fields are not supported: send the data and signature inline (content)");
  const format = str(sig, "format", "spec.signature") as RekordFormat;
  if (!REKORD_FORMATS.includes(format))
    throw new RequestError(`spec.signature.format must be one of ${REKORD_FORMATS.join(", ")}`);
  const publicKey = obj(sig.publicKey, ["content", "url"], "spec.signature.publicKey");
  if (publicKey.url !== undefined)
    throw new RequestError("spec.signature.publicKey.url is not supported: send the key inline (content)");

  // Size first, from the base64 length, before decoding anything large.
  const content = str(data, "content", "spec.data");
  const max = options.maxDataBytes;
  if (Math.floor((content.length * 3) / 4) - 2 > max)
    throw new TooLargeError(`spec.data.content is larger than the ${max}-byte limit for rekord data`);
  const bytes = b64(data, "content", "spec.data");
  if (bytes.length > max)
    throw new TooLargeError(`spec.data.content is larger than the ${max}-byte limit for rekord data`);
  const digest = toHex(await digestBytes("sha256", bytes));
  if (data.hash !== undefined) {
    const hash = obj(data.hash, ["algorithm", "value"], "spec.data.hash");
    if (hash.algorithm !== "sha256") throw new RequestError("spec.data.hash.algorithm must be sha256");
    const value = str(hash, "value", "spec.data.hash");
    if (value !== digest)
      throw new RequestError(
        `spec.data.hash.value ${JSON.stringify(value.slice(0, 64))} is not the SHA-256 of spec.data.content (${digest})`,
      );
  }

  const signatureBytes = b64(sig, "content", "spec.signature");
  const keyBytes = b64(publicKey, "content", "spec.signature.publicKey");
  options.budget?.spend(1, bytes.length, "spec.signature");
  let canonical: { signature: Uint8Array; publicKey: Uint8Array };
  try {
    canonical = await verifyAndCanonicalize(
      format,
      signatureBytes,
      keyBytes,
      bytes,
      (units) => options.budget?.spend(units, 0, "spec.signature.publicKey"),
      options.validity,
    );
  } catch (e) {
    if (e instanceof SignatureError) {
      const where =
        e.field === "publicKey" || e.field === "certificate"
          ? "spec.signature.publicKey.content"
          : "spec.signature.content";
      throw new RequestError(
        `${where} (${format}): ${e.message.replace(/^(publicKey|certificate|signature|hash|message): /, "")}`,
      );
    }
    throw e;
  }
  return {
    data: { hash: { algorithm: "sha256", value: digest } },
    signature: {
      content: toBase64(canonical.signature),
      format,
      publicKey: { content: toBase64(canonical.publicKey) },
    },
  };
}
