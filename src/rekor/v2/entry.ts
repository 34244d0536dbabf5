/**
 * Rekor v2 CreateEntryRequest → the canonical leaf (rekor-tiles internal/server/service.go):
 * validate, verify the signature, build the `Entry` proto as protojson, then RFC 8785 JCS.
 * Two kinds: hashedrekord 0.0.2 (pkg/types/hashedrekord) and dsse 0.0.2, which rekor-tiles accepted
 * in v2.0–v2.2 and sigstore-js 5 still sends for DSSE bundles.
 * @module
 */
import { hashAlgorithmName, digestBytes, type HashName } from "../../pki/algorithms.ts";
import { SignatureError } from "../../pki/errors.ts";
import { verifyDigestSignature } from "../../pki/verify.ts";
import { bytesEqual, toBase64, utf8Encode } from "../../tlog/encoding.ts";
import { RequestError } from "../errors.ts";
import { matchEnvelopeSignatures } from "../envelope-signatures.ts";
import { canonicalize } from "../jcs.ts";
import { readArray, readBytes, readMessage, readString, requireField } from "../protojson.ts";
import { VerificationBudget } from "../verification-budget.ts";
import { parseVerifier, type ParsedVerifier, type VerifierPolicy } from "./verifier.ts";

export interface CanonicalEntry {
  kind: "hashedrekord" | "dsse";
  apiVersion: "0.0.2";
  /** JCS(protojson(Entry)): the leaf bytes. */
  body: Uint8Array;
}

/** Bounds from rekor-tiles' DSSE type (pkg/types/dsse, before its removal in v2.3.0). */
const MAX_DSSE_SIGNATURES = 10;
const MAX_DSSE_VERIFIERS = 10;

function asRequestError(e: unknown, where: string): never {
  if (e instanceof SignatureError) throw new RequestError(`${where}.${e.message}`);
  throw e;
}

/** Parses a CreateEntryRequest body (one of hashedRekordRequestV002 | dsseRequestV002) and builds the leaf. */
export async function canonicalizeCreateEntryRequest(
  json: unknown,
  policy: VerifierPolicy = {},
): Promise<CanonicalEntry> {
  const req = readMessage(
    json,
    { hashedRekordRequestV002: "hashed_rekord_request_v002", dsseRequestV002: "dsse_request_v002" },
    "request",
  );
  const set = Object.keys(req);
  if (set.length !== 1)
    throw new RequestError(
      "invalid type, must be hashedrekord (set exactly one of hashedRekordRequestV002, dsseRequestV002)",
    );
  return req.hashedRekordRequestV002 !== undefined
    ? hashedRekord(req.hashedRekordRequestV002, policy)
    : dsse(req.dsseRequestV002, policy);
}

function entryBody(kind: CanonicalEntry["kind"], spec: Record<string, unknown>): CanonicalEntry {
  return { kind, apiVersion: "0.0.2", body: utf8Encode(canonicalize({ apiVersion: "0.0.2", kind, spec })) };
}

async function hashedRekord(value: unknown, policy: VerifierPolicy): Promise<CanonicalEntry> {
  const where = "hashedRekordRequestV002";
  const r = readMessage(value, { digest: "digest", signature: "signature" }, where);
  const digest = readBytes(requireField(r, "digest", where), `${where}.digest`);
  if (digest.length === 0) throw new RequestError(`${where}.digest is empty`);
  const s = readMessage(
    requireField(r, "signature", where),
    { content: "content", verifier: "verifier" },
    `${where}.signature`,
  );
  const content = readBytes(requireField(s, "content", `${where}.signature`), `${where}.signature.content`);
  if (content.length === 0) throw new RequestError(`${where}.signature.content is empty`);
  const verifier = parseVerifier(
    requireField(s, "verifier", `${where}.signature`),
    `${where}.signature.verifier`,
    policy,
  );
  const details = await verifyDigestSignature({
    key: verifier.key,
    keyDetails: verifier.keyDetails,
    digest,
    signature: content,
  }).catch((e) => asRequestError(e, `${where}.signature.verifier`));
  return entryBody("hashedrekord", {
    hashedRekordV002: {
      data: { algorithm: hashAlgorithmName(details.hash as HashName), digest: toBase64(digest) },
      signature: { content: toBase64(content), verifier: recordedVerifier(verifier) },
    },
  });
}

function recordedVerifier(v: ParsedVerifier): Record<string, unknown> {
  return { ...v.recorded, keyDetails: v.keyDetails };
}

/** DSSE pre-authentication encoding (DSSE v1 protocol): "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8Encode(payloadType);
  const head = utf8Encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

async function dsse(value: unknown, policy: VerifierPolicy): Promise<CanonicalEntry> {
  const where = "dsseRequestV002";
  const r = readMessage(value, { envelope: "envelope", verifiers: "verifiers" }, where);
  const env = readMessage(
    requireField(r, "envelope", where),
    { payload: "payload", payloadType: "payload_type", signatures: "signatures" },
    `${where}.envelope`,
  );
  const payload = readBytes(requireField(env, "payload", `${where}.envelope`), `${where}.envelope.payload`);
  const payloadType = readString(
    requireField(env, "payloadType", `${where}.envelope`),
    `${where}.envelope.payloadType`,
  );
  const sigs = readArray(
    requireField(env, "signatures", `${where}.envelope`),
    `${where}.envelope.signatures`,
    MAX_DSSE_SIGNATURES,
  ).map((s, i) => {
    const sig = readMessage(s, { sig: "sig", keyid: "keyid" }, `${where}.envelope.signatures[${i}]`);
    const bytes = readBytes(
      requireField(sig, "sig", `${where}.envelope.signatures[${i}]`),
      `${where}.envelope.signatures[${i}].sig`,
    );
    if (bytes.length === 0) throw new RequestError(`${where}.envelope.signatures[${i}].sig is empty`);
    return bytes;
  });
  if (sigs.length === 0) throw new RequestError(`${where}.envelope.signatures: at least one signature is required`);
  const verifiers = readArray(requireField(r, "verifiers", where), `${where}.verifiers`, MAX_DSSE_VERIFIERS).map(
    (v, i) => parseVerifier(v, `${where}.verifiers[${i}]`, policy),
  );
  if (verifiers.length === 0) throw new RequestError(`${where}.verifiers: at least one verifier is required`);
  for (let i = 0; i < verifiers.length; i++) {
    for (let j = 0; j < i; j++) {
      if (
        bytesEqual(verifiers[i]!.key.spki, verifiers[j]!.key.spki) &&
        JSON.stringify(verifiers[i]!.recorded) === JSON.stringify(verifiers[j]!.recorded)
      ) {
        throw new RequestError(`${where}.verifiers[${i}] duplicates verifiers[${j}]`);
      }
    }
  }
  // Every envelope signature must be verified by some verifier (rekor-tiles dsse.go), at a bounded cost.
  const matched = await matchEnvelopeSignatures(
    pae(payloadType, payload),
    sigs,
    verifiers.map((v) => ({ key: v.key, hash: hashForMessage(v) })),
    new VerificationBudget(),
    `${where}.envelope.signatures`,
  );
  const signatures: { content: string; verifier: Record<string, unknown>; raw: Uint8Array }[] = [];
  for (const [i, sig] of sigs.entries()) {
    const j = matched[i] ?? -1;
    if (j < 0) throw new RequestError(`${where}.envelope.signatures[${i}]: not verified by any verifier`);
    signatures.push({ content: toBase64(sig), verifier: recordedVerifier(verifiers[j]!), raw: sig });
  }
  signatures.sort((a, b) => compareBytes(a.raw, b.raw));
  return entryBody("dsse", {
    dsseV002: {
      payloadHash: { algorithm: "SHA2_256", digest: toBase64(await digestBytes("sha256", payload)) },
      signatures: signatures.map(({ content, verifier }) => ({ content, verifier })),
    },
  });
}

/** DSSE signs the PAE itself: ECDSA/RSA hash it with the key details' hash; Ed25519ph keys sign it as pure Ed25519 is refused. */
function hashForMessage(v: ParsedVerifier): HashName | null {
  if (v.key.kind === "ed25519") return null;
  const map: Record<string, HashName> = { PKIX_ECDSA_P384_SHA_384: "sha384", PKIX_ECDSA_P521_SHA_512: "sha512" };
  return map[v.keyDetails] ?? "sha256";
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
