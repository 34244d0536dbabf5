/**
 * Rekor v2 `Verifier` (rekor-tiles api/proto/rekor/v2/verifier.proto): a DER SPKI or DER X.509
 * certificate plus the PublicKeyDetails, shared by hashedrekord and DSSE requests.
 * @module
 */
import { checkKeyDetails, defaultKeyDetails, REKOR_V2_KEY_DETAILS, type KeyDetails } from "../../pki/algorithms.ts";
import { SignatureError } from "../../pki/errors.ts";
import { parseCertificate, parseSpki, type PublicKeyInfo } from "../../pki/keys.ts";
import { toBase64 } from "../../tlog/encoding.ts";
import { RequestError } from "../errors.ts";
import { readBytes, readEnum, readMessage, requireField } from "../protojson.ts";
import { ValidityCheck } from "../validity-check.ts";

/**
 * What edgelog's v2 API can accept: rekor-tiles' default set plus RSA-PSS (protobuf-specs
 * PKIX_RSA_PSS_*), an extension for clients that sign with PSS, which a shard takes only when its operator
 * opts in (see {@link VerifierPolicy}). Pure Ed25519 is refused, as rekor-tiles does: hashedrekord signs a
 * digest, which needs Ed25519ph.
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

/** What a shard accepts beyond what every client can verify. */
export interface VerifierPolicy {
  /** When a signing certificate must be valid (default: refused at once when it is not). */
  validity?: ValidityCheck;
  /**
   * Key details other than the key's default (RSA-PSS; a key size's details on another size cannot pass the
   * signature check anyway). sigstore-go and cosign ignore the logged body and rebuild the leaf from the bundle with
   * the key's *default* details (sigstore-go pkg/verify/tlog.go reconstructV2EntryHash: GetDefaultAlgorithmDetails
   * with Ed25519ph), so such an entry's inclusion can never be verified by them. Off unless the operator sets the
   * shard's ACCEPT_NON_DEFAULT_KEY_DETAILS.
   */
  acceptNonDefaultKeyDetails?: boolean;
}

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
export function parseVerifier(value: unknown, where: string, policy: VerifierPolicy = {}): ParsedVerifier {
  const parsed = parseVerifierFields(value, where, policy.validity ?? ValidityCheck.refuseNow());
  if (policy.acceptNonDefaultKeyDetails) return parsed;
  // Details for another kind or size of key: that error says more than "not the default".
  try {
    checkKeyDetails(parsed.key, parsed.keyDetails);
  } catch (e) {
    if (e instanceof SignatureError) throw new RequestError(`${where}.${e.message}`);
    throw e;
  }
  const wanted = parseKey(() => defaultKeyDetails(parsed.key), `${where}.keyDetails`);
  if (parsed.keyDetails !== wanted) {
    throw new RequestError(
      `${where}.keyDetails: ${parsed.keyDetails} is not this key's default, ${wanted}; sigstore-go and cosign rebuild the entry with ${wanted} ` +
        `and could not verify it, so this log accepts only default key details`,
    );
  }
  return parsed;
}

function parseVerifierFields(value: unknown, where: string, validity: ValidityCheck): ParsedVerifier {
  const v = readMessage(
    value,
    { publicKey: "public_key", x509Certificate: "x509_certificate", keyDetails: "key_details" },
    where,
  );
  const keyDetails = readEnum(
    requireField(v, "keyDetails", where),
    ACCEPTED_KEY_DETAILS,
    KEY_DETAILS_NUMBERS,
    `${where}.keyDetails`,
  );
  if ((v.publicKey === undefined) === (v.x509Certificate === undefined)) {
    throw new RequestError(`${where}: exactly one of publicKey and x509Certificate is required`);
  }
  const field = v.publicKey !== undefined ? "publicKey" : "x509Certificate";
  const inner = readMessage(v[field], { rawBytes: "raw_bytes" }, `${where}.${field}`);
  const raw = readBytes(requireField(inner, "rawBytes", `${where}.${field}`), `${where}.${field}.rawBytes`);
  if (raw.length === 0) throw new RequestError(`${where}.${field}.rawBytes is empty`);
  const rawBytes = toBase64(raw);
  if (field === "publicKey")
    return {
      key: parseKey(() => parseSpki(raw), `${where}.publicKey`),
      keyDetails,
      recorded: { publicKey: { rawBytes } },
    };
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
