// The bad-input battery: hostile or broken requests to every endpoint, one table row each. Every row
// asserts the status and a JSON error whose message names the problem; none may be a 5xx, and after the whole
// battery the log must be exactly as before (the checkpoint served, and the sequencer's size and SQLite rows).
import { beforeAll, describe, expect, it } from "vitest";
import { OPENAPI } from "../../src/api/openapi.ts";
import { encodePem } from "../../src/pki/keys.ts";
import { MAX_JSON_DEPTH } from "../../src/api/json-body.ts";
import { toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { fixture, fixtureText, type FixtureName } from "../fixtures/pki/index.ts";
import { validityFixture } from "../fixtures/pki-validity/index.ts";
import { enc, http, sequencer } from "../helpers/log.ts";
import { p256Key } from "../helpers/keys.ts";
import { fixture as rekordFixture } from "../fixtures/rekord/index.ts";
import {
  elgamalSubkeyKey,
  hugeDsaKey,
  keyWithSelfSignatures,
  rsaHugeExponentKey,
  signatureWithAlgorithm,
  unknownAlgorithmKey,
} from "../helpers/pgp-packets.ts";
import { IN_TOTO, v1Dsse, v1HashedRekord, v1Intoto, v2Dsse, v2HashedRekord } from "./requests.ts";

const LIMIT = 1 << 20; // MAX_BODY_BYTES default (src/config.ts)
const JSON_TYPE = { "content-type": "application/json" };

interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A JSON value (serialized), raw text, or a factory for a fresh body (streams can be read once). */
  json?: unknown;
  text?: string;
  body?: () => BodyInit;
}

interface Case {
  endpoint: string;
  what: string;
  request: Req;
  status: number;
  message: RegExp;
  /** Extra assertions on the response (headers), or on the request's side effects (a body left unread). */
  check?: (r: Response) => void;
}

/** HTTP status → gRPC code, as Rekor v2 (grpc-gateway) answers; the other APIs put the HTTP status in `code`. */
const GRPC: Record<number, number> = { 400: 3, 404: 5, 405: 12, 409: 6, 413: 8, 415: 3, 503: 14 };

// ---- request builders ------------------------------------------------------------------------------------------

const clone = <T>(v: T): T => structuredClone(v);

/** A copy of `value` with the field at `path` (dot-separated; numbers index arrays) set, or deleted if undefined. */
function set(value: unknown, path: string, to: unknown): any {
  const out = clone(value) as any;
  const keys = path.split(".");
  let o = out;
  for (const k of keys.slice(0, -1)) o = o[k];
  const last = keys[keys.length - 1]!;
  if (to === undefined) delete o[last];
  else o[last] = to;
  return out;
}

const post = (path: string, json: unknown, headers: Record<string, string> = JSON_TYPE): Req => ({
  method: "POST",
  path,
  headers,
  ...(typeof json === "string" ? { text: json } : { json }),
});
const v2 = (json: unknown, headers?: Record<string, string>) => post("/api/v2/log/entries", json, headers);
const v1 = (json: unknown, headers?: Record<string, string>) => post("/api/v1/log/entries", json, headers);
const retrieve = (json: unknown, headers?: Record<string, string>) =>
  post("/api/v1/log/entries/retrieve", json, headers);
const get = (path: string): Req => ({ path });

/** A v2 hashedrekord request from the OpenSSL fixtures. */
function v2Fixture(verifier: FixtureName, keyDetails: string | number, digest: FixtureName, sig: FixtureName) {
  const field = verifier.includes(".cert.") ? "x509Certificate" : "publicKey";
  return {
    hashedRekordRequestV002: {
      digest: toBase64(fixture(digest)),
      signature: {
        content: toBase64(fixture(sig)),
        verifier: { [field]: { rawBytes: toBase64(fixture(verifier)) }, keyDetails },
      },
    },
  };
}

/** A v1 hashedrekord request from the OpenSSL fixtures (PEM key or certificate). */
function v1Fixture(pem: string, hash: string, digest: FixtureName, sig: FixtureName) {
  return {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: {
      data: { hash: { algorithm: hash, value: toHex(fixture(digest)) } },
      signature: { content: toBase64(fixture(sig)), publicKey: { content: toBase64(utf8Encode(pem)) } },
    },
  };
}

/** A body of `total` bytes streamed in 64 KiB chunks, with no Content-Length, counting how much was pulled. */
function countingStream(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20); // JSON whitespace: valid to the last byte
  const seen = { pulled: 0 };
  const body = () =>
    new ReadableStream<Uint8Array>({
      pull(c) {
        if (seen.pulled >= total) return c.close();
        seen.pulled += chunk.length;
        c.enqueue(chunk);
      },
    });
  return { seen, body };
}

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

// ---- the table -------------------------------------------------------------------------------------------------

function battery(size: number): Case[] {
  const key = p256Key();
  const other = p256Key();
  const hr = v2HashedRekord(key, enc("bad input battery v2"));
  const h = hr.hashedRekordRequestV002;
  const V = "hashedRekordRequestV002.signature.verifier";
  const dsse = v2Dsse(key, enc('{"battery":2}'));
  const v1hr = v1HashedRekord(key, enc("bad input battery v1"));
  const v1dsse = v1Dsse(key, enc('{"battery":1}'));
  const v1intoto = v1Intoto(key, enc('{"battery":1}'));
  const otherSig = v2HashedRekord(other, enc("bad input battery v2")).hashedRekordRequestV002.signature.content;
  const v1OtherSig = v1HashedRekord(other, enc("bad input battery v1")).spec.signature.content;
  const sha256Hex = v1hr.spec.data.hash.value;
  const pem = (text: string) => set(v1hr, "spec.signature.publicKey.content", toBase64(utf8Encode(text)));
  const huge = countingStream(64 << 20);
  const hugeV1 = countingStream(64 << 20);
  const bounded = (seen: { pulled: number }) => () => {
    // Answered after reading at most a chunk or two past the limit: the 64 MiB body was never read, let alone parsed.
    expect(seen.pulled).toBeGreaterThan(0);
    expect(seen.pulled).toBeLessThanOrEqual(LIMIT + 2 * 64 * 1024);
  };
  const uuid64 = "ab".repeat(32);
  const foreignTree = "0123456789abcdef";

  // OpenPGP keys and signatures built packet by packet (test/helpers/pgp-packets.ts), each refused by the pre-checks.
  const rekord = (key: Uint8Array, sig: Uint8Array) => ({
    apiVersion: "0.0.1",
    kind: "rekord",
    spec: {
      data: { content: toBase64(rekordFixture("artifact.txt")) },
      signature: { format: "pgp", content: toBase64(sig), publicKey: { content: toBase64(key) } },
    },
  });
  const gpgSig = rekordFixture("pgp-ed25519.sig");
  const hostilePgp: [string, unknown, RegExp][] = [
    [
      "rekord pgp: 16,384-bit DSA key",
      rekord(hugeDsaKey(), gpgSig),
      /^spec\.signature\.publicKey\.content \(pgp\): OpenPGP primary key: DSA \(algorithm 17\) keys are refused/,
    ],
    [
      "rekord pgp: RSA key with a 4,096-bit exponent",
      rekord(rsaHugeExponentKey(), gpgSig),
      /^spec\.signature\.publicKey\.content \(pgp\): OpenPGP primary key: RSA public exponent of 4096 bits refused/,
    ],
    [
      "rekord pgp: ElGamal subkey",
      rekord(elgamalSubkeyKey(), gpgSig),
      /^spec\.signature\.publicKey\.content \(pgp\): OpenPGP subkey 1: ElGamal \(algorithm 16\) keys are refused/,
    ],
    [
      "rekord pgp: key of unknown algorithm 99",
      rekord(unknownAlgorithmKey(), gpgSig),
      /^spec\.signature\.publicKey\.content \(pgp\): OpenPGP primary key: unknown algorithm 99 keys are refused/,
    ],
    [
      "rekord pgp: 33 self-signatures",
      rekord(keyWithSelfSignatures(33), gpgSig),
      /^spec\.signature\.publicKey\.content \(pgp\): 33 self-signatures .* is more than the 32 accepted/,
    ],
    [
      "rekord pgp: DSA signature",
      rekord(rekordFixture("pgp-ed25519.pub.gpg"), signatureWithAlgorithm(17)),
      /^spec\.signature\.content \(pgp\): OpenPGP signatures made with DSA \(algorithm 17\) are refused/,
    ],
  ];

  // Requests that need more signature verification than one request may spend (src/rekor/verification-budget.ts):
  // ten signatures all made by the last of ten verifiers, each tried against the verifiers in order.
  const tenKeys = Array.from({ length: 10 }, () => p256Key());
  const lastSigned = v2Dsse(tenKeys[9]!, enc('{"battery":"budget"}'));
  const overBudgetV2 = set(
    set(
      lastSigned,
      "dsseRequestV002.verifiers",
      tenKeys.map((k) => ({ publicKey: { rawBytes: toBase64(k.spki) }, keyDetails: "PKIX_ECDSA_P256_SHA_256" })),
    ),
    "dsseRequestV002.envelope.signatures",
    Array(10).fill(lastSigned.dsseRequestV002.envelope.signatures[0]),
  );
  const lastSignedV1 = v1Dsse(tenKeys[9]!, enc('{"battery":"budget"}'));
  const lastEnvelope = JSON.parse(lastSignedV1.spec.proposedContent.envelope) as { signatures: unknown[] };
  const overBudgetV1 = set(
    set(
      lastSignedV1,
      "spec.proposedContent.verifiers",
      tenKeys.map((k) => toBase64(utf8Encode(encodePem("PUBLIC KEY", k.spki)))),
    ),
    "spec.proposedContent.envelope",
    JSON.stringify({ ...lastEnvelope, signatures: Array(10).fill(lastEnvelope.signatures[0]) }),
  );
  const BUDGET = /this request needs more signature verifications than the 24 units one request may spend/;

  const rows: Case[] = [];
  const add = (endpoint: string, what: string, request: Req, status: number, message: RegExp, check?: Case["check"]) =>
    rows.push({ endpoint, what, request, status, message, ...(check ? { check } : {}) });

  // ---- POST /api/v2/log/entries ---------------------------------------------------------------------------------
  const E2 = "POST /api/v2/log/entries";
  add(E2, "malformed JSON", v2("{"), 400, /^malformed JSON: /);
  add(E2, "trailing garbage after the JSON", v2(JSON.stringify(hr) + " x"), 400, /^malformed JSON: /);
  add(E2, "empty body", v2(""), 400, /^malformed JSON: /);
  add(E2, "top level is an array", v2([hr]), 400, /^request: expected an object$/);
  add(E2, "top level is null", v2("null"), 400, /^request: expected an object$/);
  add(E2, "top level is a string", v2('"hashedrekord"'), 400, /^request: expected an object$/);
  add(E2, "unknown top-level field", v2({ ...hr, extra: 1 }), 400, /^request: unknown field "extra"$/);
  add(E2, "no entry kind", v2({}), 400, /set exactly one of hashedRekordRequestV002, dsseRequestV002/);
  add(
    E2,
    "two entry kinds",
    v2({ ...hr, ...dsse }),
    400,
    /set exactly one of hashedRekordRequestV002, dsseRequestV002/,
  );
  add(
    E2,
    "the same field in camelCase and proto spelling",
    v2({ hashedRekordRequestV002: h, hashed_rekord_request_v002: h }),
    400,
    /field hashedRekordRequestV002 given twice/,
  );
  add(
    E2,
    "entry of the wrong type (string)",
    v2({ hashedRekordRequestV002: "x" }),
    400,
    /^hashedRekordRequestV002: expected an object$/,
  );
  add(
    E2,
    "unknown nested field",
    v2(set(hr, "hashedRekordRequestV002.artifact", "x")),
    400,
    /^hashedRekordRequestV002: unknown field "artifact"$/,
  );
  add(
    E2,
    "missing digest",
    v2(set(hr, "hashedRekordRequestV002.digest", undefined)),
    400,
    /^hashedRekordRequestV002\.digest is required$/,
  );
  add(
    E2,
    "digest of the wrong type (number)",
    v2(set(hr, "hashedRekordRequestV002.digest", 42)),
    400,
    /^hashedRekordRequestV002\.digest: expected base64 bytes$/,
  );
  add(
    E2,
    "digest is not base64",
    v2(set(hr, "hashedRekordRequestV002.digest", "%%%not base64%%%")),
    400,
    /^hashedRekordRequestV002\.digest: invalid base64$/,
  );
  add(
    E2,
    "digest with bad padding",
    v2(set(hr, "hashedRekordRequestV002.digest", "AA=A")),
    400,
    /^hashedRekordRequestV002\.digest: invalid base64/,
  );
  add(
    E2,
    "empty digest",
    v2(set(hr, "hashedRekordRequestV002.digest", "")),
    400,
    /^hashedRekordRequestV002\.digest is empty$/,
  );
  add(
    E2,
    "digest 31 bytes for SHA-256",
    v2(set(hr, "hashedRekordRequestV002.digest", toBase64(new Uint8Array(31)))),
    400,
    /needs a 32-byte sha256 digest, got 31 bytes/,
  );
  add(
    E2,
    "digest 48 bytes for SHA-256",
    v2(set(hr, "hashedRekordRequestV002.digest", toBase64(new Uint8Array(48)))),
    400,
    /needs a 32-byte sha256 digest, got 48 bytes/,
  );
  add(
    E2,
    "missing signature",
    v2(set(hr, "hashedRekordRequestV002.signature", undefined)),
    400,
    /^hashedRekordRequestV002\.signature is required$/,
  );
  add(
    E2,
    "missing verifier",
    v2(set(hr, "hashedRekordRequestV002.signature.verifier", undefined)),
    400,
    /^hashedRekordRequestV002\.signature\.verifier is required$/,
  );
  add(
    E2,
    "empty signature",
    v2(set(hr, "hashedRekordRequestV002.signature.content", "")),
    400,
    /signature\.content is empty$/,
  );
  add(
    E2,
    "signature that is not DER",
    v2(set(hr, "hashedRekordRequestV002.signature.content", toBase64(enc("not a signature")))),
    400,
    /signature: malformed DER ECDSA signature/,
  );
  add(
    E2,
    "signature by another key",
    v2(set(hr, "hashedRekordRequestV002.signature.content", otherSig)),
    400,
    /signature: ECDSA signature does not verify$/,
  );
  add(
    E2,
    "signature over another digest",
    v2(set(hr, "hashedRekordRequestV002.digest", toBase64(new Uint8Array(32)))),
    400,
    /signature: ECDSA signature does not verify$/,
  );
  add(
    E2,
    "missing keyDetails",
    v2(set(hr, `${V}.keyDetails`, undefined)),
    400,
    /signature\.verifier\.keyDetails is required$/,
  );
  add(
    E2,
    "unknown keyDetails name",
    v2(set(hr, `${V}.keyDetails`, "PKIX_ECDSA_P256_SHA_1")),
    400,
    /keyDetails: unsupported value "PKIX_ECDSA_P256_SHA_1"$/,
  );
  add(E2, "unknown keyDetails number", v2(set(hr, `${V}.keyDetails`, 99)), 400, /keyDetails: unsupported value 99$/);
  add(
    E2,
    "keyDetails of the wrong type (object)",
    v2(set(hr, `${V}.keyDetails`, { name: "PKIX_ECDSA_P256_SHA_256" })),
    400,
    /keyDetails: unsupported value/,
  );
  add(
    E2,
    "key type not allowed: pure Ed25519 for a digest",
    v2(v2Fixture("ed25519.spki.der", "PKIX_ED25519", "message.sha512", "ed25519.sig-message.bin")),
    400,
    /keyDetails: unsupported value "PKIX_ED25519"$/,
  );
  add(
    E2,
    "key details mismatch: P-256 key, P-384 details",
    v2(set(hr, `${V}.keyDetails`, "PKIX_ECDSA_P384_SHA_384")),
    400,
    /keyDetails: PKIX_ECDSA_P384_SHA_384 needs a P-384 key, got ECDSA P-256/,
  );
  add(
    E2,
    "key details mismatch: RSA 2048 key, RSA 3072 details",
    v2(v2Fixture("rsa2048.spki.der", "PKIX_RSA_PKCS1V15_3072_SHA256", "message.sha256", "rsa2048.pkcs1-digest.sig")),
    400,
    /needs a 3072-bit RSA key, got 2048-bit RSA/,
  );
  add(
    E2,
    "key details mismatch: EC key, RSA details",
    v2(set(hr, `${V}.keyDetails`, "PKIX_RSA_PKCS1V15_2048_SHA256")),
    400,
    /needs a rsa key, got ECDSA P-256/,
  );
  add(
    E2,
    "RSA key too small (1024 bits)",
    v2(v2Fixture("rsa1024.spki.der", "PKIX_RSA_PKCS1V15_2048_SHA256", "message.sha256", "rsa1024.pkcs1-digest.sig")),
    400,
    /publicKey: publicKey: RSA key of 1024 bits refused: at least 2048 bits required/,
  );
  add(
    E2,
    "RSA key too large (4160 bits)",
    v2(v2Fixture("rsa4160.spki.der", "PKIX_RSA_PKCS1V15_4096_SHA256", "message.sha256", "rsa4096.pkcs1-digest.sig")),
    400,
    /RSA key of 4160 bits refused: at most 4096 bits accepted/,
  );
  add(
    E2,
    "curve not allowed (secp256k1)",
    v2(v2Fixture("secp256k1.spki.der", "PKIX_ECDSA_P256_SHA_256", "message.sha256", "p256.sig-digest.der")),
    400,
    /unsupported EC curve 1\.3\.132\.0\.10/,
  );
  add(
    E2,
    "key type not allowed (Ed448)",
    v2(v2Fixture("ed448.spki.der", "PKIX_ED25519_PH", "message.sha512", "ed25519.ph-sig-digest.bin")),
    400,
    /unknown or unsupported public key algorithm 1\.3\.101\.113/,
  );
  add(
    E2,
    "key type not allowed (id-RSASSA-PSS SPKI)",
    v2(v2Fixture("rsapss.spki.der", "PKIX_RSA_PSS_2048_SHA256", "message.sha256", "rsa2048.pss-digest.sig")),
    400,
    /RSASSA-PSS keys \(id-RSASSA-PSS\) are not supported/,
  );
  add(
    E2,
    "compressed EC point",
    v2(v2Fixture("p256.spki-compressed.der", "PKIX_ECDSA_P256_SHA_256", "message.sha256", "p256.sig-digest.der")),
    400,
    /compressed P-256 point refused/,
  );
  add(
    E2,
    "explicit EC curve parameters",
    v2(v2Fixture("p256.spki-explicit.der", "PKIX_ECDSA_P256_SHA_256", "message.sha256", "p256.sig-digest.der")),
    400,
    /explicit curve parameters are not supported/,
  );
  add(
    E2,
    "public key that does not parse",
    v2(set(hr, `${V}.publicKey.rawBytes`, toBase64(enc("not a key at all")))),
    400,
    /signature\.verifier\.publicKey: publicKey: malformed SubjectPublicKeyInfo/,
  );
  add(
    E2,
    "public key truncated",
    v2(set(hr, `${V}.publicKey.rawBytes`, toBase64(key.spki.subarray(0, 40)))),
    400,
    /publicKey: malformed SubjectPublicKeyInfo/,
  );
  add(
    E2,
    "public key with trailing bytes",
    v2(set(hr, `${V}.publicKey.rawBytes`, toBase64(new Uint8Array([...key.spki, 0])))),
    400,
    /publicKey: malformed SubjectPublicKeyInfo: SubjectPublicKeyInfo: trailing data/,
  );
  add(
    E2,
    "missing rawBytes",
    v2(set(hr, `${V}.publicKey`, {})),
    400,
    /signature\.verifier\.publicKey\.rawBytes is required$/,
  );
  add(
    E2,
    "unknown field next to rawBytes",
    v2(set(hr, `${V}.publicKey.format`, "PEM")),
    400,
    /signature\.verifier\.publicKey: unknown field "format"$/,
  );
  add(
    E2,
    "both publicKey and x509Certificate",
    v2(set(hr, `${V}.x509Certificate`, { rawBytes: toBase64(fixture("p256.cert.der")) })),
    400,
    /exactly one of publicKey and x509Certificate is required/,
  );
  add(
    E2,
    "neither publicKey nor x509Certificate",
    v2(set(hr, `${V}.publicKey`, undefined)),
    400,
    /exactly one of publicKey and x509Certificate is required/,
  );
  add(
    E2,
    "garbage certificate",
    v2(
      set(set(hr, `${V}.publicKey`, undefined), `${V}.x509Certificate`, {
        rawBytes: toBase64(enc("-----BEGIN CERTIFICATE-----")),
      }),
    ),
    400,
    /signature\.verifier\.x509Certificate: certificate: malformed X\.509 certificate/,
  );
  add(
    E2,
    "truncated certificate",
    v2(
      set(
        v2Fixture("p256.cert.der", "PKIX_ECDSA_P256_SHA_256", "message.sha256", "p256.sig-digest.der"),
        `${V}.x509Certificate.rawBytes`,
        toBase64(fixture("p256.cert.der").subarray(0, 200)),
      ),
    ),
    400,
    /x509Certificate: certificate: malformed X\.509 certificate/,
  );
  add(
    E2,
    "certificate with a compressed point",
    v2(v2Fixture("p256-compressed.cert.der", "PKIX_ECDSA_P256_SHA_256", "message.sha256", "p256.sig-digest.der")),
    400,
    /x509Certificate: certificate: compressed P-256 point refused/,
  );
  add(
    E2,
    "expired certificate",
    v2(
      set(
        v2Fixture("p256.cert.der", "PKIX_ECDSA_P256_SHA_256", "message.sha256", "p256.sig-digest.der"),
        `${V}.x509Certificate.rawBytes`,
        toBase64(validityFixture("expired.cert.der")),
      ),
    ),
    400,
    /x509Certificate: certificate expired at 2021-01-01T00:00:00Z/,
  );
  add(
    E2,
    "certificate not yet valid",
    v2(
      set(
        v2Fixture("p256.cert.der", "PKIX_ECDSA_P256_SHA_256", "message.sha256", "p256.sig-digest.der"),
        `${V}.x509Certificate.rawBytes`,
        toBase64(validityFixture("not-yet-valid.cert.der")),
      ),
    ),
    400,
    /x509Certificate: certificate is not valid before 2099-01-01T00:00:00Z/,
  );
  add(
    E2,
    "NUL byte in keyDetails",
    v2(set(hr, `${V}.keyDetails`, "PKIX_ECDSA_P256_SHA_256\u0000")),
    400,
    /keyDetails: unsupported value "PKIX_ECDSA_P256_SHA_256\\u0000"$/,
  );
  add(
    E2,
    "NUL byte as a field name",
    v2(set(hr, "hashedRekordRequestV002.\u0000", 1)),
    400,
    /^hashedRekordRequestV002: unknown field "\\u0000"$/,
  );
  add(
    E2,
    "unicode look-alike field name",
    v2({ hashedRekordRequestV002: { ...h, dіgest: h.digest, digest: undefined } }),
    400,
    /unknown field "dіgest"/,
  );
  add(
    E2,
    "dsse: missing envelope",
    v2(set(dsse, "dsseRequestV002.envelope", undefined)),
    400,
    /^dsseRequestV002\.envelope is required$/,
  );
  add(
    E2,
    "dsse: no signatures",
    v2(set(dsse, "dsseRequestV002.envelope.signatures", [])),
    400,
    /envelope\.signatures: at least one signature is required/,
  );
  add(
    E2,
    "dsse: 11 signatures",
    v2(set(dsse, "dsseRequestV002.envelope.signatures", Array(11).fill(dsse.dsseRequestV002.envelope.signatures[0]))),
    400,
    /envelope\.signatures: at most 10 items/,
  );
  add(
    E2,
    "dsse: no verifiers",
    v2(set(dsse, "dsseRequestV002.verifiers", [])),
    400,
    /verifiers: at least one verifier is required/,
  );
  add(
    E2,
    "dsse: the same verifier twice",
    v2(set(dsse, "dsseRequestV002.verifiers", [dsse.dsseRequestV002.verifiers[0], dsse.dsseRequestV002.verifiers[0]])),
    400,
    /verifiers\[1\] duplicates verifiers\[0\]/,
  );
  add(
    E2,
    "dsse: signature by another key",
    v2(set(dsse, "dsseRequestV002.verifiers.0.publicKey.rawBytes", toBase64(other.spki))),
    400,
    /envelope\.signatures\[0\]: not verified by any verifier/,
  );
  add(
    E2,
    "dsse: 10 signatures all by the last of 10 verifiers (over the verification budget)",
    v2(overBudgetV2),
    400,
    new RegExp(`^dsseRequestV002\\.envelope\\.signatures\\[2\\]: ${BUDGET.source}`),
  );
  add(
    E2,
    "dsse: payloadType of the wrong type",
    v2(set(dsse, "dsseRequestV002.envelope.payloadType", 7)),
    400,
    /envelope\.payloadType: expected a string/,
  );
  add(
    E2,
    "dsse: payloadType with a lone surrogate",
    v2(set(dsse, "dsseRequestV002.envelope.payloadType", "\ud800")),
    400,
    /envelope\.payloadType: not valid Unicode/,
  );
  add(
    E2,
    "dsse: payload is not base64",
    v2(set(dsse, "dsseRequestV002.envelope.payload", "{}")),
    400,
    /envelope\.payload: invalid base64/,
  );
  add(
    E2,
    `nesting deeper than ${MAX_JSON_DEPTH} (arrays)`,
    v2(deep(MAX_JSON_DEPTH + 1)),
    400,
    /^JSON nested deeper than 32 levels$/,
  );
  add(E2, "nesting 100,000 deep (objects)", v2(deepObject(100_000)), 400, /^JSON nested deeper than 32 levels$/);
  add(
    E2,
    "body over the limit, declared by Content-Length (never read)",
    {
      method: "POST",
      path: "/api/v2/log/entries",
      headers: { ...JSON_TYPE, "content-length": String(64 << 20) },
      text: "{}",
    },
    413,
    /^request body exceeds 1048576 bytes$/,
  );
  add(
    E2,
    "body over the limit, streamed (read only up to the limit)",
    { method: "POST", path: "/api/v2/log/entries", headers: JSON_TYPE, body: huge.body },
    413,
    /^request body exceeds 1048576 bytes$/,
    bounded(huge.seen),
  );
  add(E2, "body just over the limit", v2(JSON.stringify(hr) + " ".repeat(LIMIT)), 413, /exceeds 1048576 bytes/);
  add(
    E2,
    "Content-Type text/plain",
    v2(hr, { "content-type": "text/plain" }),
    415,
    /^Content-Type must be application\/json$/,
  );
  add(E2, "no Content-Type", v2(hr, {}), 415, /^Content-Type must be application\/json$/);
  add(
    E2,
    "Content-Type application/jsonp",
    v2(hr, { "content-type": "application/jsonp" }),
    415,
    /^Content-Type must be application\/json$/,
  );
  add(
    E2,
    "Content-Type form-urlencoded",
    v2(hr, { "content-type": "application/x-www-form-urlencoded" }),
    415,
    /^Content-Type must be application\/json$/,
  );

  // ---- POST /api/v1/log/entries ---------------------------------------------------------------------------------
  const E1 = "POST /api/v1/log/entries";
  const P = /^error processing entry: /;
  /** The v1 prefix, then the problem: right after it when anchored with ^, anywhere after it otherwise. */
  const p = (re: RegExp) => new RegExp(P.source + (re.source.startsWith("^") ? re.source.slice(1) : ".*" + re.source));
  add(E1, "malformed JSON", v1('{"kind":'), 400, /^malformed JSON: /);
  add(E1, "top level is an array", v1([v1hr]), 400, p(/entry: expected an object$/));
  add(E1, "missing kind", v1(set(v1hr, "kind", undefined)), 400, p(/entry\.kind is required \(a non-empty string\)$/));
  add(E1, "missing apiVersion", v1(set(v1hr, "apiVersion", undefined)), 400, p(/entry\.apiVersion is required/));
  add(
    E1,
    "kind of the wrong type (number)",
    v1(set(v1hr, "kind", 1)),
    400,
    p(/entry\.kind is required \(a non-empty string\)$/),
  );
  add(
    E1,
    "unknown kind",
    v1(set(v1hr, "kind", "rpm")),
    400,
    p(
      /unsupported entry type rpm 0\.0\.1; supported: hashedrekord 0\.0\.1, dsse 0\.0\.1, intoto 0\.0\.2, rekord 0\.0\.1$/,
    ),
  );
  add(
    E1,
    "unknown apiVersion",
    v1(set(v1hr, "apiVersion", "0.0.9")),
    400,
    p(/unsupported entry type hashedrekord 0\.0\.9/),
  );
  add(
    E1,
    "unicode and NUL in kind",
    v1(set(v1hr, "kind", "hashedrekörd\u0000")),
    400,
    p(/unsupported entry type hashedrekörd\u0000 0\.0\.1/),
  );
  add(E1, "unknown top-level field", v1({ ...v1hr, extra: true }), 400, p(/entry: unknown field "extra"$/));
  add(E1, "missing spec", v1(set(v1hr, "spec", undefined)), 400, p(/^spec: expected an object$/));
  add(E1, "unknown field in spec", v1(set(v1hr, "spec.extra", 1)), 400, p(/^spec: unknown field "extra"$/));
  add(
    E1,
    "hash value is not hex",
    v1(set(v1hr, "spec.data.hash.value", "zz".repeat(32))),
    400,
    p(/spec\.data\.hash\.value must be 64 hex digits for sha256$/),
  );
  add(
    E1,
    "wrong digest length (sha512 name, sha256 value)",
    v1(set(v1hr, "spec.data.hash.algorithm", "sha512")),
    400,
    p(/spec\.data\.hash\.value must be 128 hex digits for sha512$/),
  );
  add(
    E1,
    "unknown hash algorithm (md5)",
    v1(set(set(v1hr, "spec.data.hash.algorithm", "md5"), "spec.data.hash.value", "00".repeat(16))),
    400,
    p(/spec\.data\.hash\.algorithm must be one of sha256, sha384, sha512$/),
  );
  add(
    E1,
    "hash algorithm the key does not use (sha384 with P-256)",
    v1(v1Fixture(fixtureText("p256.pub.pem"), "sha384", "message.sha384", "p256.sig-digest.der")),
    400,
    p(/spec\.signature: hash: a ECDSA P-256 key signs sha256 digests, not sha384$/),
  );
  add(
    E1,
    "signature is not base64",
    v1(set(v1hr, "spec.signature.content", "not base64!")),
    400,
    p(/spec\.signature\.content: invalid base64$/),
  );
  add(
    E1,
    "signature by another key",
    v1(set(v1hr, "spec.signature.content", v1OtherSig)),
    400,
    p(/spec\.signature: signature: ECDSA signature does not verify$/),
  );
  add(
    E1,
    "public key content is not base64",
    v1(set(v1hr, "spec.signature.publicKey.content", "-----BEGIN PUBLIC KEY-----")),
    400,
    p(/spec\.signature\.publicKey\.content: invalid base64$/),
  );
  add(
    E1,
    "public key is not PEM",
    v1(pem("just some text")),
    400,
    p(/publicKey\.content: publicKey: unexpected text outside PEM blocks$/),
  );
  add(
    E1,
    "PEM with headers",
    v1(pem("-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END PUBLIC KEY-----\n")),
    400,
    p(/PEM headers are not supported$/),
  );
  add(
    E1,
    "PEM END label does not match",
    v1(pem(encodePem("PUBLIC KEY", key.spki).replace("END PUBLIC KEY", "END CERTIFICATE"))),
    400,
    p(/PEM END label "CERTIFICATE" does not match BEGIN "PUBLIC KEY"/),
  );
  // A private-key PEM label around a dummy body (no key material), spelled in parts for secret scanners.
  const privateLabel = ["PRIVATE", "KEY"].join(" ");
  add(
    E1,
    "PEM private key",
    v1(pem(`-----BEGIN ${privateLabel}-----\nAAAA\n-----END ${privateLabel}-----\n`)),
    400,
    p(/expected one PUBLIC KEY block or a chain of CERTIFICATE blocks$/),
  );
  add(
    E1,
    "RSA key too small (1024 bits)",
    v1(v1Fixture(fixtureText("rsa1024.pub.pem"), "sha256", "message.sha256", "rsa1024.pkcs1-digest.sig")),
    400,
    p(/RSA key of 1024 bits refused: at least 2048 bits required$/),
  );
  add(
    E1,
    "key type not allowed (secp256k1)",
    v1(v1Fixture(fixtureText("secp256k1.pub.pem"), "sha256", "message.sha256", "p256.sig-digest.der")),
    400,
    p(/unsupported EC curve 1\.3\.132\.0\.10/),
  );
  add(
    E1,
    "garbage certificate",
    v1(pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")),
    400,
    p(/publicKey\.content: certificate: malformed X\.509 certificate/),
  );
  add(
    E1,
    "expired certificate",
    v1(pem(new TextDecoder().decode(validityFixture("expired.cert.pem")))),
    400,
    p(/spec\.signature\.publicKey\.content: certificate expired at 2021-01-01T00:00:00Z/),
  );
  add(
    E1,
    "certificate not yet valid",
    v1(pem(new TextDecoder().decode(validityFixture("not-yet-valid.cert.pem")))),
    400,
    p(/certificate is not valid before 2099-01-01T00:00:00Z/),
  );
  add(
    E1,
    "11 certificates in a chain",
    v1(pem(fixtureText("p256.cert.pem").repeat(11))),
    400,
    p(/more than 10 certificates$/),
  );
  add(
    E1,
    "dsse: envelope is not JSON",
    v1(set(v1dsse, "spec.proposedContent.envelope", "{not json")),
    400,
    p(/spec\.proposedContent\.envelope: not a JSON DSSE envelope$/),
  );
  add(
    E1,
    "dsse: envelope nested 100,000 deep inside its string",
    v1(set(v1dsse, "spec.proposedContent.envelope", deep(100_000))),
    400,
    p(/^envelope: expected an object$/),
  );
  add(
    E1,
    "dsse: verifier is not base64",
    v1(set(v1dsse, "spec.proposedContent.verifiers", ["%%"])),
    400,
    p(/spec\.proposedContent\.verifiers\[0\]: invalid base64$/),
  );
  add(
    E1,
    "dsse: verifier of the wrong type",
    v1(set(v1dsse, "spec.proposedContent.verifiers", [5])),
    400,
    p(/verifiers\[0\]: expected base64 PEM$/),
  );
  add(
    E1,
    "dsse: signature by another key",
    v1(set(v1dsse, "spec.proposedContent.verifiers", [toBase64(utf8Encode(encodePem("PUBLIC KEY", other.spki)))])),
    400,
    p(/envelope\.signatures\[0\]: all signatures must have a key that verifies them$/),
  );
  add(
    E1,
    "dsse: 10 signatures all by the last of 10 verifiers (over the verification budget)",
    v1(overBudgetV1),
    400,
    p(new RegExp(`^envelope\\.signatures\\[2\\]: ${BUDGET.source}`)),
  );
  add(
    E1,
    "intoto: hash algorithm sha1",
    v1(set(v1intoto, "spec.content.hash.algorithm", "sha1")),
    400,
    p(/spec\.content\.hash\.algorithm must be sha256$/),
  );
  add(
    E1,
    "intoto: hash value 63 hex digits",
    v1(set(v1intoto, "spec.content.hash.value", sha256Hex.slice(1))),
    400,
    p(/spec\.content\.hash\.value must be 64 hex digits$/),
  );
  add(
    E1,
    "intoto: payload not base64 of base64",
    v1(set(v1intoto, "spec.content.envelope.payload", toBase64(enc("{not base64}")))),
    400,
    p(/spec\.content\.envelope\.payload: not base64 of a base64 string$/),
  );
  add(
    E1,
    "intoto: keyid with a lone surrogate",
    v1(set(v1intoto, "spec.content.envelope.signatures.0.keyid", "\udead")),
    400,
    p(/signatures\[0\]\.keyid is not valid Unicode/),
  );
  add(
    E1,
    "intoto: payloadType with NUL, signature no longer verifies",
    v1(set(v1intoto, "spec.content.envelope.payloadType", IN_TOTO + "\u0000")),
    400,
    p(/all signatures must have a key that verifies them/),
  );
  for (const [what, entry, message] of hostilePgp) add(E1, what, v1(entry), 400, p(message));
  add(
    E1,
    `nesting deeper than ${MAX_JSON_DEPTH}`,
    v1(deepObject(MAX_JSON_DEPTH + 1)),
    400,
    /^JSON nested deeper than 32 levels$/,
  );
  add(
    E1,
    "body over the limit, declared by Content-Length (never read)",
    {
      method: "POST",
      path: "/api/v1/log/entries",
      headers: { ...JSON_TYPE, "content-length": String(LIMIT + 1) },
      text: "{}",
    },
    413,
    /^Request Entity Too Large\. Limit set to 1048576$/,
  );
  add(
    E1,
    "body over the limit, streamed (read only up to the limit)",
    { method: "POST", path: "/api/v1/log/entries", headers: JSON_TYPE, body: hugeV1.body },
    413,
    /^Request Entity Too Large\. Limit set to 1048576$/,
    bounded(hugeV1.seen),
  );
  add(
    E1,
    "Content-Type text/plain",
    v1(v1hr, { "content-type": "text/plain;charset=utf-8" }),
    415,
    /^Content-Type must be application\/json$/,
  );
  add(
    E1,
    "Content-Type multipart/form-data",
    v1(v1hr, { "content-type": "multipart/form-data; boundary=x" }),
    415,
    /^Content-Type must be application\/json$/,
  );

  // ---- GET /api/v1/log/entries?logIndex= ------------------------------------------------------------------------
  const EI = "GET /api/v1/log/entries";
  add(EI, "no logIndex", get("/api/v1/log/entries"), 400, /^logIndex is required$/);
  add(EI, "negative", get("/api/v1/log/entries?logIndex=-1"), 400, /^logIndex must be a non-negative integer$/);
  add(EI, "fraction", get("/api/v1/log/entries?logIndex=1.5"), 400, /^logIndex must be a non-negative integer$/);
  add(EI, "leading zero", get("/api/v1/log/entries?logIndex=01"), 400, /^logIndex must be a non-negative integer$/);
  add(EI, "exponent", get("/api/v1/log/entries?logIndex=1e3"), 400, /^logIndex must be a non-negative integer$/);
  add(
    EI,
    "2^53 (not a safe integer)",
    get("/api/v1/log/entries?logIndex=9007199254740992"),
    400,
    /^logIndex must be a non-negative integer$/,
  );
  add(EI, "NUL byte", get("/api/v1/log/entries?logIndex=0%00"), 400, /^logIndex must be a non-negative integer$/);
  add(
    EI,
    "unicode digits",
    get(`/api/v1/log/entries?logIndex=${encodeURIComponent("١")}`),
    400,
    /^logIndex must be a non-negative integer$/,
  );
  add(
    EI,
    "beyond the tree",
    get(`/api/v1/log/entries?logIndex=${size}`),
    404,
    new RegExp(`^no entry at index ${size}$`),
  );

  // ---- GET /api/v1/log/entries/{entryUUID} ----------------------------------------------------------------------
  const EU = "GET /api/v1/log/entries/{entryUUID}";
  const UUID_MSG = /^entry UUID must be 64 hex characters \(leaf hash\) or 80 \(tree ID \+ leaf hash\)$/;
  add(EU, "3 characters", get("/api/v1/log/entries/abc"), 400, UUID_MSG);
  add(EU, "63 hex", get(`/api/v1/log/entries/${uuid64.slice(1)}`), 400, UUID_MSG);
  add(EU, "65 hex", get(`/api/v1/log/entries/${uuid64}a`), 400, UUID_MSG);
  add(EU, "79 hex", get(`/api/v1/log/entries/${foreignTree}${uuid64}`.slice(0, -1)), 400, UUID_MSG);
  add(EU, "81 hex", get(`/api/v1/log/entries/${foreignTree}${uuid64}0`), 400, UUID_MSG);
  add(EU, "64 characters, not hex", get(`/api/v1/log/entries/${"g".repeat(64)}`), 400, UUID_MSG);
  add(EU, "NUL byte", get(`/api/v1/log/entries/${uuid64.slice(2)}%00%00`), 400, UUID_MSG);
  add(EU, "unicode", get(`/api/v1/log/entries/${encodeURIComponent("é".repeat(32))}`), 400, UUID_MSG);
  add(EU, "unknown leaf hash", get(`/api/v1/log/entries/${uuid64}`), 404, /^entry not found$/);
  add(EU, "another log's tree ID", get(`/api/v1/log/entries/${foreignTree}${uuid64}`), 404, /^entry not found$/);

  // ---- POST /api/v1/log/entries/retrieve ------------------------------------------------------------------------
  const ER = "POST /api/v1/log/entries/retrieve";
  add(ER, "malformed JSON", retrieve("{]"), 400, /^malformed JSON: /);
  add(ER, "top level is an array", retrieve([]), 400, /^expected a JSON object$/);
  add(ER, "unknown field", retrieve({ hashes: [] }), 400, /^unknown field "hashes"$/);
  add(ER, "nothing asked", retrieve({}), 400, /^give entryUUIDs, logIndexes or entries$/);
  add(ER, "entryUUIDs is not an array", retrieve({ entryUUIDs: uuid64 }), 400, /^entryUUIDs must be an array$/);
  // Each hostile key ten times, as one retrieve may ask: refused at the first, before openpgp.js sees it.
  for (const [what, entry, message] of hostilePgp)
    add(ER, `${what}, 10 times`, retrieve({ entries: Array(10).fill(entry) }), 400, p(message));
  add(
    ER,
    "7 hashedrekord P-256 entries (28 units, over the verification budget)",
    retrieve({ entries: Array.from({ length: 7 }, (_, i) => v1HashedRekord(key, enc(`budget ${i}`))) }),
    400,
    p(new RegExp(`^spec\\.signature: ${BUDGET.source}`)),
  );
  add(
    ER,
    "11 logIndexes",
    retrieve({ logIndexes: Array.from({ length: 11 }, (_, i) => i) }),
    422,
    /^logIndexes: at most 10 items$/,
  );
  add(ER, "11 entryUUIDs", retrieve({ entryUUIDs: Array(11).fill(uuid64) }), 422, /^entryUUIDs: at most 10 items$/);
  add(ER, "11 entries", retrieve({ entries: Array(11).fill(v1hr) }), 422, /^entries: at most 10 items$/);
  add(
    ER,
    "logIndexes holds a string",
    retrieve({ logIndexes: ["x"] }),
    400,
    /^logIndexes\[\] must be a non-negative integer$/,
  );
  add(
    ER,
    "logIndexes holds a negative number",
    retrieve({ logIndexes: [-1] }),
    400,
    /^logIndexes\[\] must be a non-negative integer$/,
  );
  add(
    ER,
    "logIndexes holds 1e300",
    retrieve({ logIndexes: [1e300] }),
    400,
    /^logIndexes\[\] must be a non-negative integer$/,
  );
  add(ER, "entryUUIDs holds a number", retrieve({ entryUUIDs: [5] }), 400, /^entryUUIDs\[\] must be strings$/);
  add(ER, "entryUUIDs holds a short UUID", retrieve({ entryUUIDs: ["abc"] }), 400, UUID_MSG);
  add(
    ER,
    "entries holds an unknown kind",
    retrieve({ entries: [set(v1hr, "kind", "rpm")] }),
    400,
    p(/unsupported entry type rpm/),
  );
  add(
    ER,
    "entries holds a bad signature",
    retrieve({ entries: [set(v1hr, "spec.signature.content", v1OtherSig)] }),
    400,
    p(/ECDSA signature does not verify/),
  );
  add(
    ER,
    "body over the limit",
    {
      method: "POST",
      path: "/api/v1/log/entries/retrieve",
      headers: { ...JSON_TYPE, "content-length": String(LIMIT + 1) },
      text: "{}",
    },
    413,
    /^Request Entity Too Large\. Limit set to 1048576$/,
  );
  add(
    ER,
    "Content-Type text/plain",
    retrieve({ logIndexes: [0] }, { "content-type": "text/plain" }),
    415,
    /^Content-Type must be application\/json$/,
  );

  // ---- GET /api/v2/search ----------------------------------------------------------------------------------------
  const ES = "GET /api/v2/search";
  const h64 = "ab".repeat(32);
  const ONE = /^give exactly one of digest, email, subject, issuer, repository, key \(got /;
  add(ES, "no selector", get("/api/v2/search"), 400, /\(got none\)$/);
  add(ES, "only a limit", get("/api/v2/search?limit=5"), 400, /\(got none\)$/);
  add(ES, "two selectors", get(`/api/v2/search?digest=${h64}&email=a@b.c`), 400, ONE);
  add(
    ES,
    "a selector twice",
    get(`/api/v2/search?digest=${h64}&digest=${h64}`),
    400,
    /^query parameter digest is given more than once$/,
  );
  add(ES, "unknown parameter", get(`/api/v2/search?hash=${h64}`), 400, /^unknown query parameter "hash"; use one of /);
  add(
    ES,
    "digest of 63 hex",
    get(`/api/v2/search?digest=sha256:${h64.slice(1)}`),
    400,
    /^digest must be sha256:<64 hex>, sha384:<96 hex> or sha512:<128 hex>$/,
  );
  add(
    ES,
    "digest with an unknown algorithm",
    get(`/api/v2/search?digest=md5:${h64.slice(32)}`),
    400,
    /^digest must be /,
  );
  add(ES, "sha512 digest of sha256 length", get(`/api/v2/search?digest=sha512:${h64}`), 400, /^digest must be /);
  add(ES, "empty digest", get("/api/v2/search?digest="), 400, /^digest must be /);
  add(
    ES,
    "email without @",
    get("/api/v2/search?email=nobody"),
    400,
    /^email must be an address like name@example\.com$/,
  );
  add(ES, "empty subject", get("/api/v2/search?subject="), 400, /^subject must not be empty$/);
  add(
    ES,
    "issuer with a NUL byte",
    get("/api/v2/search?issuer=https://a%00b"),
    400,
    /^issuer contains control characters or invalid Unicode$/,
  );
  add(
    ES,
    "subject of 5000 characters",
    get(`/api/v2/search?subject=${"s".repeat(5000)}`),
    400,
    /^subject is longer than \d+ characters$/,
  );
  add(ES, "key that is no key form", get("/api/v2/search?key=abc"), 400, /^key must be key:sha256:<64 hex>/);
  add(ES, "pgp key of 39 hex", get(`/api/v2/search?key=key:pgp:${h64.slice(0, 39)}`), 400, /^key must be /);
  add(ES, "ssh key with padding", get(`/api/v2/search?key=key:ssh:SHA256:${"A".repeat(42)}=`), 400, /^key must be /);
  add(ES, "limit 0", get(`/api/v2/search?digest=${h64}&limit=0`), 400, /^limit must be an integer from 1 to 20$/);
  add(ES, "limit 21", get(`/api/v2/search?digest=${h64}&limit=21`), 400, /^limit must be an integer from 1 to 20$/);
  add(
    ES,
    "limit not a number",
    get(`/api/v2/search?digest=${h64}&limit=ten`),
    400,
    /^limit must be an integer from 1 to 20$/,
  );
  add(
    ES,
    "limit negative",
    get(`/api/v2/search?digest=${h64}&limit=-1`),
    400,
    /^limit must be an integer from 1 to 20$/,
  );
  const CURSOR = /^cursor is malformed: pass nextCursor from the previous answer unchanged$/;
  add(ES, "cursor not base64url", get(`/api/v2/search?digest=${h64}&cursor=%25%25`), 400, CURSOR);
  add(ES, "cursor of random base64url", get(`/api/v2/search?digest=${h64}&cursor=AAAA`), 400, CURSOR);
  add(
    ES,
    "cursor with a negative index",
    get(`/api/v2/search?digest=${h64}&cursor=${btoa('{"s":"default","i":-1}').replace(/=+$/, "")}`),
    400,
    CURSOR,
  );
  add(
    ES,
    "cursor with an extra field",
    get(`/api/v2/search?digest=${h64}&cursor=${btoa('{"s":"default","i":1,"x":2}').replace(/=+$/, "")}`),
    400,
    CURSOR,
  );
  add(ES, "empty cursor", get(`/api/v2/search?digest=${h64}&cursor=`), 400, CURSOR);

  // ---- POST /api/v1/index/retrieve (Rekor v1 SearchIndex) --------------------------------------------------------
  const EX = "POST /api/v1/index/retrieve";
  const index = (json: unknown, headers?: Record<string, string>) => post("/api/v1/index/retrieve", json, headers);
  const x509 = (content: string) => ({ publicKey: { format: "x509", content } });
  add(EX, "malformed JSON", index("{]"), 400, /^malformed JSON: /);
  add(EX, "top level is an array", index([]), 400, /^body must be a JSON object \(SearchIndex\)$/);
  add(EX, "nothing asked", index({}), 400, /^give at least one of hash, email and publicKey$/);
  add(EX, "only an operator", index({ operator: "and" }), 400, /^give at least one of hash, email and publicKey$/);
  add(
    EX,
    "unknown field",
    index({ subject: "x" }),
    400,
    /^unknown field "subject"; SearchIndex has hash, email, publicKey and operator$/,
  );
  add(EX, "hash of 63 hex", index({ hash: h64.slice(1) }), 400, /^digest must be /);
  add(EX, "hash is a number", index({ hash: 5 }), 400, /^hash must be a string$/);
  add(EX, "email without @", index({ email: "nobody" }), 400, /^email must be an address/);
  add(EX, "operator xor", index({ hash: h64, operator: "xor" }), 400, /^operator must be "and" or "or"$/);
  add(
    EX,
    "publicKey is a string",
    index({ publicKey: "abc" }),
    400,
    /^publicKey must be an object \{format, content\}$/,
  );
  add(
    EX,
    "publicKey format unknown",
    index({ publicKey: { format: "gpg", content: "AAAA" } }),
    400,
    /^publicKey\.format must be one of x509, pgp, minisign, ssh, tuf$/,
  );
  add(
    EX,
    "publicKey format tuf",
    index({ publicKey: { format: "tuf", content: "AAAA" } }),
    400,
    /^publicKey\.format tuf is not supported/,
  );
  add(
    EX,
    "publicKey by url",
    index({ publicKey: { format: "x509", url: "https://example.com/key.pem" } }),
    400,
    /^publicKey\.url is not supported/,
  );
  add(
    EX,
    "publicKey content not base64",
    index(x509("!!!")),
    400,
    /^publicKey\.content is not standard padded base64$/,
  );
  add(EX, "publicKey content not a key", index(x509(toBase64(utf8Encode("hello")))), 400, /^publicKey\.content: /);
  add(
    EX,
    "publicKey content missing",
    index({ publicKey: { format: "x509" } }),
    400,
    /^publicKey\.content must be base64 of /,
  );
  add(
    EX,
    "body over the limit",
    {
      method: "POST",
      path: "/api/v1/index/retrieve",
      headers: { ...JSON_TYPE, "content-length": String(128 * 1024 + 1) },
      text: "{}",
    },
    413,
    /^Request Entity Too Large\. Limit set to 131072$/,
  );
  add(
    EX,
    "Content-Type text/plain",
    index({ hash: h64 }, { "content-type": "text/plain" }),
    415,
    /^Content-Type must be application\/json$/,
  );

  // ---- GET /api/v1/log/proof ------------------------------------------------------------------------------------
  const EP = "GET /api/v1/log/proof";
  add(EP, "no lastSize", get("/api/v1/log/proof?firstSize=1"), 400, /^lastSize is required$/);
  add(
    EP,
    "lastSize beyond the tree",
    get(`/api/v1/log/proof?lastSize=${size + 1}`),
    400,
    new RegExp(`^lastSize ${size + 1} is beyond the tree size ${size}$`),
  );
  add(
    EP,
    "firstSize 0",
    get(`/api/v1/log/proof?firstSize=0&lastSize=${size}`),
    400,
    new RegExp(`^firstSize must be between 1 and lastSize \\(${size}\\)$`),
  );
  add(
    EP,
    "firstSize above lastSize",
    get(`/api/v1/log/proof?firstSize=${size}&lastSize=1`),
    400,
    /^firstSize must be between 1 and lastSize \(1\)$/,
  );
  add(EP, "lastSize 0", get("/api/v1/log/proof?lastSize=0"), 400, /^firstSize must be between 1 and lastSize \(0\)$/);
  add(
    EP,
    "lastSize not a number",
    get("/api/v1/log/proof?lastSize=abc"),
    400,
    /^lastSize must be a non-negative integer$/,
  );
  add(EP, "lastSize negative", get("/api/v1/log/proof?lastSize=-3"), 400, /^lastSize must be a non-negative integer$/);
  add(
    EP,
    "lastSize 20 digits",
    get("/api/v1/log/proof?lastSize=99999999999999999999"),
    400,
    /^lastSize must be a non-negative integer$/,
  );
  add(
    EP,
    "firstSize with a fraction",
    get(`/api/v1/log/proof?firstSize=1.0&lastSize=${size}`),
    400,
    /^firstSize must be a non-negative integer$/,
  );

  // ---- GET /tile/<L>/<N>[.p/<W>] and /tile/entries/<N>[.p/<W>] (C2SP tlog-tiles) --------------------------------
  const ET = "GET /tile/{L}/{N}";
  const EB = "GET /tile/entries/{N}";
  const M = (why: RegExp) => new RegExp("^malformed tile path: " + why.source);
  add(ET, "index without three digits", get("/tile/0/1"), 400, M(/bad index element "1"$/));
  add(ET, "index with four digits", get("/tile/0/0001"), 400, M(/bad index element "0001"$/));
  add(ET, "index group missing its x prefix", get("/tile/0/001/000"), 400, M(/bad index element "001"$/));
  add(ET, "leading zero group (x000/001 for 001)", get("/tile/0/x000/001"), 400, M(/not in canonical form$/));
  add(ET, "x on the last group", get("/tile/0/x001"), 400, M(/bad index element "x001"$/));
  add(ET, "partial width 256", get("/tile/0/000.p/256"), 400, M(/partial width must be 1\.\.255$/));
  add(ET, "partial width 0", get("/tile/0/000.p/0"), 400, M(/partial width must be 1\.\.255$/));
  add(ET, "partial width with a leading zero", get("/tile/0/000.p/007"), 400, M(/partial width must be 1\.\.255$/));
  add(ET, "partial width missing", get("/tile/0/000.p/"), 400, M(/partial width must be 1\.\.255$/));
  add(ET, ".p without a width", get("/tile/0/000.p"), 400, M(/bad index element "000\.p"$/));
  add(ET, "level 64", get("/tile/64/000"), 400, M(/level must be 0\.\.63$/));
  add(ET, "level with a leading zero", get("/tile/01/000"), 400, M(/level must be 0\.\.63 or entries$/));
  add(ET, "negative level", get("/tile/-1/000"), 400, M(/level must be 0\.\.63 or entries$/));
  add(ET, "no index", get("/tile/0"), 400, M(/expected tile\/<L>\/<N>\[\.p\/<W>\]$/));
  add(ET, "seven index groups", get("/tile/0/x001/x001/x001/x001/x001/x001/000"), 400, M(/index has too many groups$/));
  add(ET, "index above 2^53", get("/tile/0/x999/x999/x999/x999/x999/999"), 400, M(/index out of range$/));
  add(ET, "unicode digits in the index", get(`/tile/0/${encodeURIComponent("٠٠٠")}`), 400, M(/bad index element/));
  add(ET, "NUL byte in the index", get("/tile/0/000%00"), 400, M(/bad index element/));
  add(ET, "trailing slash", get("/tile/0/000/"), 400, M(/bad index element/));
  add(ET, "full tile beyond the tree", get("/tile/0/000"), 404, /^tile\/0\/000 has not been published$/);
  add(
    ET,
    "partial wider than the tree",
    get(`/tile/0/000.p/${size + 1}`),
    404,
    new RegExp(`^tile/0/000\\.p/${size + 1} has not been published$`),
  );
  add(ET, "level 1 in a tree of < 256 leaves", get("/tile/1/000.p/1"), 404, /has not been published$/);
  add(ET, "index far beyond the tree", get("/tile/0/x999/999"), 404, /^tile\/0\/x999\/999 has not been published$/);
  add(EB, "level spelled entry", get("/tile/entry/000"), 400, M(/level must be 0\.\.63 or entries$/));
  add(EB, "index without three digits", get("/tile/entries/0001"), 400, M(/bad index element "0001"$/));
  add(EB, "partial width 256", get("/tile/entries/000.p/256"), 400, M(/partial width must be 1\.\.255$/));
  add(EB, "bundle beyond the tree", get("/tile/entries/001"), 404, /^tile\/entries\/001 has not been published$/);
  add(EB, "partial bundle wider than the tree", get(`/tile/entries/000.p/${size + 1}`), 404, /has not been published$/);

  // ---- GET /proof/<entry> (C2SP tlog-proof@v1) and the mirrored logs (C2SP tlog-mirror) ------------------------------
  const EPF = "GET /proof/{entry}";
  add(
    EPF,
    "neither an index nor hex",
    get("/proof/zz"),
    400,
    /^the entry must be a log index \(decimal\), a leaf hash \(64 hex\) or an entry UUID \(80 hex\)$/,
  );
  add(EPF, "index with a leading zero", get("/proof/01"), 400, /^the entry must be a log index/);
  add(EPF, "63 hex digits", get(`/proof/${"a".repeat(63)}`), 400, /^the entry must be a log index/);
  add(EPF, "index beyond the tree", get(`/proof/${size}`), 404, new RegExp(`^no entry at index ${size}$`));
  add(EPF, "unknown leaf hash", get(`/proof/${"ab".repeat(32)}`), 404, /^no entry (ab){32} in this log$/);
  const EW = "GET /api/v2/log/entries/{index}/witnessed";
  const notIndex = /^the log index must be a non-negative decimal integer$/;
  add(EW, "not a number", get("/api/v2/log/entries/x/witnessed"), 400, notIndex);
  add(EW, "index with a leading zero", get("/api/v2/log/entries/01/witnessed"), 400, notIndex);
  add(EW, "negative index", get("/api/v2/log/entries/-1/witnessed"), 400, notIndex);
  add(EW, "17 digits", get(`/api/v2/log/entries/${"9".repeat(17)}/witnessed`), 400, notIndex);
  // The battery's log has no witnesses: nothing is ever cosigned.
  add(
    EW,
    "no cosigned checkpoint",
    get("/api/v2/log/entries/0/witnessed"),
    404,
    /^no cosigned checkpoint covers entry 0 yet$/,
  );
  const unmirrored = `/mirror/${"ab".repeat(32)}`;
  add(
    "GET /mirror/{originHash}/checkpoint",
    "a log that is not mirrored",
    get(`${unmirrored}/checkpoint`),
    404,
    /^this deployment mirrors no log with that origin hash/,
  );
  add(
    "GET /mirror/{originHash}/tile/{path}",
    "malformed tile path",
    get(`${unmirrored}/tile/0/0001`),
    400,
    M(/bad index element "0001"$/),
  );
  add(
    "GET /mirror/{originHash}/tile/{path}",
    "a log that is not mirrored",
    get(`${unmirrored}/tile/0/000`),
    404,
    /^this deployment mirrors no log with that origin hash/,
  );

  // ---- POST /add (test-only raw append; enabled in this test run) ------------------------------------------------
  add("POST /add", "empty leaf", { method: "POST", path: "/add", text: "" }, 400, /^empty leaf$/);
  add(
    "POST /add",
    "leaf over 65,535 bytes",
    { method: "POST", path: "/add", text: "x".repeat(65_536) },
    413,
    /^leaf exceeds 65535 bytes$/,
  );

  // ---- unknown paths ----------------------------------------------------------------------------------------------
  add("GET (none)", "unknown path", get("/api/v3/log"), 404, /^no route for GET \/api\/v3\/log$/);
  add("GET (none)", "path with a NUL byte", get("/checkpoint%00"), 404, /^no route for GET /);
  return rows;
}

/**
 * Methods not allowed: every documented path (and /add) with every method it does not serve, plus the odd ones.
 * Each answers 405 with an Allow header listing exactly the methods the path serves.
 */
function methodCases(): Case[] {
  const samples: Record<string, string> = {
    "/tile/{L}/{N}": "/tile/0/000.p/1",
    "/tile/entries/{N}": "/tile/entries/000.p/1",
    "/api/v1/log/entries/{entryUUID}": `/api/v1/log/entries/${"ab".repeat(32)}`,
    "/proof/{entry}": "/proof/0",
    "/api/v2/log/entries/{index}/witnessed": "/api/v2/log/entries/0/witnessed",
    "/mirror/{originHash}/checkpoint": `/mirror/${"ab".repeat(32)}/checkpoint`,
    "/mirror/{originHash}/tile/{path}": `/mirror/${"ab".repeat(32)}/tile/0/000`,
    "/index/tile/{stratum}/{root}": `/index/tile/0/${"ab".repeat(32)}`,
    "/index/value/{keyPath}/{object}": `/index/value/${"ab".repeat(32)}/chunk/0.p/1`,
  };
  const rows: Case[] = [];
  const paths: [string, string[]][] = Object.entries(OPENAPI.paths).map(([t, ops]) => [
    t,
    Object.keys(ops).map((m) => m.toUpperCase()),
  ]);
  paths.push(["/add", ["POST"]]);
  for (const [template, methods] of paths) {
    const path = samples[template] ?? template;
    const allow = methods.flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m]));
    for (const method of ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]) {
      if (allow.includes(method)) continue;
      rows.push({
        endpoint: `${methods.join("/")} ${template}`,
        what: `method ${method}`,
        request: { method, path, ...(method === "GET" || method === "HEAD" ? {} : { headers: JSON_TYPE, text: "{}" }) },
        status: 405,
        // HEAD answers have no body; the status and Allow header say it all.
        message:
          method === "HEAD"
            ? /^$/
            : new RegExp(
                `^method ${method} is not allowed on ${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&")}; allowed: ${allow.join(", ")}$`,
              ),
        check: (r) => expect(r.headers.get("allow")).toBe(allow.join(", ")),
      });
    }
  }
  // GET on the POST-only retrieve path used to be read as a lookup of the UUID "retrieve".
  rows.push({
    endpoint: "POST /api/v1/log/entries/retrieve",
    what: "method GET (not a UUID lookup)",
    request: { path: "/api/v1/log/entries/retrieve" },
    status: 405,
    message: /^method GET is not allowed on \/api\/v1\/log\/entries\/retrieve; allowed: POST$/,
  });
  rows.push({
    endpoint: "GET /checkpoint",
    what: "an extension method (PROPFIND)",
    request: { method: "PROPFIND", path: "/checkpoint" },
    status: 405,
    message: /^method PROPFIND is not allowed on \/checkpoint; allowed: GET, HEAD$/,
  });
  return rows;
}

// ---- running a case ----------------------------------------------------------------------------------------------

function toRequest(req: Req): Request {
  const init: RequestInit & { duplex?: string } = { method: req.method ?? "GET", headers: req.headers ?? {} };
  if (req.json !== undefined) init.body = JSON.stringify(req.json);
  else if (req.text !== undefined) init.body = req.text;
  else if (req.body) {
    init.body = req.body();
    init.duplex = "half";
  }
  return new Request(`http://localhost:8787${req.path}`, init);
}

async function run(c: Case): Promise<void> {
  const label = `${c.endpoint}: ${c.what}`;
  const r = await http(c.request.path, toRequest(c.request));
  const text = await r.text();
  expect.soft(r.status, `${label} → ${text.slice(0, 300)}`).toBe(c.status);
  c.check?.(r);
  if (c.request.method === "HEAD") return;
  expect.soft(r.headers.get("content-type"), label).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { code: number; message: string; details?: unknown[] };
  expect.soft(body.message, label).toMatch(c.message);
  if (c.request.path.startsWith("/api/v2/")) {
    expect.soft(body.code, label).toBe(GRPC[c.status]);
    expect.soft(body.details, label).toEqual([]);
  } else {
    expect.soft(body.code, label).toBe(c.status);
  }
}

// ---- the battery -------------------------------------------------------------------------------------------------

describe("bad input battery", () => {
  let size = 0;
  let before: { checkpoint: string; size: number; publishedSize: number; rows: Record<string, number> };

  const snapshot = async () => {
    const s = await sequencer().status();
    const cp = await http("/checkpoint");
    expect(cp.status).toBe(200);
    return { checkpoint: await cp.text(), size: s.size, publishedSize: s.publishedSize, rows: s.rows };
  };

  beforeAll(async () => {
    // A small log to aim at: three raw leaves, then one entry through each write API (so D1 and the bundles have
    // real entries, and tiles and proofs have something to refuse to go beyond).
    for (let i = 0; i < 3; i++) await sequencer().add(enc(`battery seed ${i}`));
    const key = p256Key();
    expect((await http("/api/v2/log/entries", toRequest(v2(v2HashedRekord(key, enc("battery seed v2")))))).status).toBe(
      201,
    );
    expect((await http("/api/v1/log/entries", toRequest(v1(v1HashedRekord(key, enc("battery seed v1")))))).status).toBe(
      201,
    );
    before = await snapshot();
    size = before.size;
    expect(size).toBe(5);
  });

  it("has exactly its 402 cases across every endpoint, each distinct", () => {
    const all = [...battery(size), ...methodCases()];
    // Exact, so that a row lost in a merge or a refactor shows here (add a row: raise the count).
    expect(all.length).toBe(402);
    const labels = all.map((c) => `${c.endpoint}: ${c.what}`);
    expect(new Set(labels).size).toBe(labels.length);
    // Every documented path, and the test-only append, is aimed at (labels are "<methods> <OpenAPI path>").
    const aimed = new Set(all.map((c) => c.endpoint.split(" ")[1]));
    for (const path of [...Object.keys(OPENAPI.paths), "/add"]) expect(aimed.has(path), path).toBe(true);
  });

  it("every bad request gets its 4xx and a JSON error naming the problem", async () => {
    for (const c of battery(size)) await run(c);
  });

  it("every known path answers a method it does not serve with 405 and an Allow header", async () => {
    for (const c of methodCases()) await run(c);
  });

  it("and none of it changed the log", async () => {
    const after = await snapshot();
    expect(after).toEqual(before);
  });
});
