/**
 * Rekor v2 `Verifier` (rekor-tiles api/proto/rekor/v2/verifier.proto): a DER SPKI or DER X.509
 * certificate plus the PublicKeyDetails, shared by hashedrekord and DSSE requests.
 * @module
 */
import { REKOR_V2_KEY_DETAILS, type KeyDetails } from "../../pki/algorithms.ts";
import { SignatureError } from "../../pki/errors.ts";
import { parseCertificate, parseSpki, type PublicKeyInfo } from "../../pki/keys.ts";
import { toBase64 } from "../../tlog/encoding.ts";
import { RequestError } from "../errors.ts";
import { readBytes, readEnum, readMessage, requireField } from "../protojson.ts";
import { ValidityCheck } from "../validity-check.ts";

/**
 * What edgelog's v2 API accepts: rekor-tiles' default set plus RSA-PSS (protobuf-specs
 * PKIX_RSA_PSS_*), a deliberate extension for clients that sign with PSS. Pure Ed25519 is refused,
 * as rekor-tiles does: hashedrekord signs a digest, which needs Ed25519ph.
 */
export const ACCEPTED_KEY_DETAILS: readonly KeyDetails[] = [
  ...REKOR_V2_KEY_DETAILS,
  "PKIX_RSA_PSS_2048_SHA256",
  "PKIX_RSA_PSS_3072_SHA256",
  "PKIX_RSA_PSS_4096_SHA256",
];

/** protobuf-specs sigstore_common.proto PublicKeyDetails numbers of the accepted names. */
const KEY_DETAILS_NUMBERS: Record<number, KeyDetails> = {
  16: "PKIX_RSA_PSS_2048_SHA256",
  17: "PKIX_RSA_PSS_3072_SHA256",
  18: "PKIX_RSA_PSS_4096_SHA256",
  5: "PKIX_ECDSA_P256_SHA_256",
  12: "PKIX_ECDSA_P384_SHA_384",
  13: "PKIX_ECDSA_P521_SHA_512",
  9: "PKIX_RSA_PKCS1V15_2048_SHA256",
  10: "PKIX_RSA_PKCS1V15_3072_SHA256",
  11: "PKIX_RSA_PKCS1V15_4096_SHA256",
  8: "PKIX_ED25519_PH",
};

export interface ParsedVerifier {
  key: PublicKeyInfo;
  keyDetails: KeyDetails;
  /** What the leaf records: the bytes exactly as sent, under the field that describes them. */
  recorded: { publicKey: { rawBytes: string } } | { x509Certificate: { rawBytes: string } };
}

/**
 * Parses a Verifier. Deliberate compatibility choice (README "Rekor v2 and local keys"): sigstore-js 5
 * sends a local key's SPKI inside `x509Certificate.rawBytes`; rekor-tiles refuses that, so that
 * client cannot use Rekor v2 with keys. When those bytes are an SPKI and not a certificate, edgelog
 * treats them as a public key and records them in the leaf as `publicKey`, byte for byte.
 */
export function parseVerifier(value: unknown, where: string, validity: ValidityCheck = ValidityCheck.refuseNow()): ParsedVerifier {
  const v = readMessage(value, { publicKey: "public_key", x509Certificate: "x509_certificate", keyDetails: "key_details" }, where);
  const keyDetails = readEnum(requireField(v, "keyDetails", where), ACCEPTED_KEY_DETAILS, KEY_DETAILS_NUMBERS, `${where}.keyDetails`);
  if ((v.publicKey === undefined) === (v.x509Certificate === undefined)) {
    throw new RequestError(`${where}: exactly one of publicKey and x509Certificate is required`);
  }
  const field = v.publicKey !== undefined ? "publicKey" : "x509Certificate";
  const inner = readMessage(v[field], { rawBytes: "raw_bytes" }, `${where}.${field}`);
  const raw = readBytes(requireField(inner, "rawBytes", `${where}.${field}`), `${where}.${field}.rawBytes`);
  if (raw.length === 0) throw new RequestError(`${where}.${field}.rawBytes is empty`);
  const rawBytes = toBase64(raw);
  if (field === "publicKey") return { key: parseKey(() => parseSpki(raw), `${where}.publicKey`), keyDetails, recorded: { publicKey: { rawBytes } } };
  let key: PublicKeyInfo;
  try {
    key = parseCertificate(raw);
  } catch (certError) {
    try {
      return { key: parseSpki(raw), keyDetails, recorded: { publicKey: { rawBytes } } };
    } catch {
      throw new RequestError(`${where}.x509Certificate: ${(certError as Error).message}`);
    }
  }
  // An expired or not-yet-valid certificate could never verify: refused on write (src/pki/validity.ts).
  parseKey(() => validity.check(raw, `${where}.x509Certificate`), `${where}.x509Certificate`);
  return { key, keyDetails, recorded: { x509Certificate: { rawBytes } } };
}

function parseKey<T>(parse: () => T, where: string): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof SignatureError) throw new RequestError(`${where}: ${e.message}`);
    throw e;
  }
}
