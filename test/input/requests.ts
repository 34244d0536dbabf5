// Valid requests of every kind both write APIs accept, signed with throwaway P-256 keys: the starting points that
// the bad-input battery breaks one field at a time and the fuzzers mutate at random.
import { sha256 } from "@noble/hashes/sha2.js";
import { encodePem } from "../../src/pki/keys.ts";
import { pae } from "../../src/rekor/v2/entry.ts";
import { toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { hashedRekordV2, type TestEcKey } from "../helpers/keys.ts";

export const IN_TOTO = "application/vnd.in-toto+json";

const b64 = (bytes: Uint8Array) => toBase64(bytes);
const b64text = (text: string) => toBase64(utf8Encode(text));
const pemOf = (key: TestEcKey) => encodePem("PUBLIC KEY", key.spki);
/** DSSE signatures are over PAE(type, payload); ECDSA P-256 hashes it with SHA-256. */
const dsseSig = (key: TestEcKey, payloadType: string, payload: Uint8Array) =>
  key.signDigest(sha256(pae(payloadType, payload)));

/** Rekor v2 hashedRekordRequestV002. */
export function v2HashedRekord(key: TestEcKey, artifact: Uint8Array) {
  return hashedRekordV2(key, artifact);
}

/** Rekor v2 dsseRequestV002 (rekor-tiles before v2.3; sigstore-js 5 still sends it). */
export function v2Dsse(key: TestEcKey, payload: Uint8Array, payloadType = IN_TOTO) {
  return {
    dsseRequestV002: {
      envelope: {
        payload: b64(payload),
        payloadType,
        signatures: [{ sig: b64(dsseSig(key, payloadType, payload)), keyid: "" }],
      },
      verifiers: [{ publicKey: { rawBytes: b64(key.spki) }, keyDetails: "PKIX_ECDSA_P256_SHA_256" }],
    },
  };
}

/** Rekor v1 hashedrekord 0.0.1. */
export function v1HashedRekord(key: TestEcKey, artifact: Uint8Array) {
  const digest = sha256(artifact);
  return {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: {
      data: { hash: { algorithm: "sha256", value: toHex(digest) } },
      signature: { content: b64(key.signDigest(digest)), publicKey: { content: b64text(pemOf(key)) } },
    },
  };
}

/** Rekor v1 dsse 0.0.1: the envelope travels as a JSON string. */
export function v1Dsse(key: TestEcKey, payload: Uint8Array, payloadType = IN_TOTO) {
  const envelope = {
    payload: b64(payload),
    payloadType,
    signatures: [{ keyid: "", sig: b64(dsseSig(key, payloadType, payload)) }],
  };
  return {
    apiVersion: "0.0.1",
    kind: "dsse",
    spec: { proposedContent: { envelope: JSON.stringify(envelope), verifiers: [b64text(pemOf(key))] } },
  };
}

/** Rekor v1 intoto 0.0.2: payload, sig and publicKey are base64 of the envelope's (base64 or PEM) strings. */
export function v1Intoto(key: TestEcKey, payload: Uint8Array, payloadType = IN_TOTO) {
  const envelope = {
    payload: b64(payload),
    payloadType,
    signatures: [{ keyid: "", sig: b64(dsseSig(key, payloadType, payload)) }],
  };
  return {
    apiVersion: "0.0.2",
    kind: "intoto",
    spec: {
      content: {
        envelope: {
          payloadType,
          payload: b64text(envelope.payload),
          signatures: [{ keyid: "key-1", sig: b64text(envelope.signatures[0]!.sig), publicKey: b64text(pemOf(key)) }],
        },
        hash: { algorithm: "sha256", value: toHex(sha256(utf8Encode(JSON.stringify(envelope)))) },
      },
    },
  };
}
