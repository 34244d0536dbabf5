/**
 * Sigstore `PublicKeyDetails` (protobuf-specs `sigstore_common.proto`, the algorithm registry of
 * sigstore/architecture-docs `algorithm-registry.md`): each name fixes the key type, its curve or size, the signature
 * scheme and the hash. Mirrors sigstore/sigstore `pkg/signature/algorithm_registry.go` `supportedAlgorithms`, with
 * two deliberate differences:
 *
 * - RSA sizes are matched on the exact modulus bit length (Go compares `Size()*8`, the byte length, so it would also
 *   take a 2047-bit key as 2048). OpenSSL, Go and WebCrypto only generate exact sizes.
 * - `PKIX_RSA_PSS_3072_SHA256` requires a 3072-bit key; upstream lists it with `RSAKeySize(2048)`, a typo.
 *
 * Deprecated enum values (PKCS1_RSA_PKCS1V5, PKIX_RSA_PSS, PKIX_ECDSA_P384_SHA_256, ...), LMS and ML-DSA are not
 * recognised. Which of the recognised names a log accepts is a policy of the caller: see {@link REKOR_V2_KEY_DETAILS}
 * and {@link REKOR_V1_KEY_DETAILS}.
 * @module
 */
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { SignatureError, assertBytes } from "./errors.ts";
import type { EcCurve, KeyKind, PublicKeyInfo } from "./keys.ts";

/** Hash functions used by the registry (FIPS 180-4). */
export type HashName = "sha256" | "sha384" | "sha512";
/** The same hashes as Rekor v2 `HashOutput.algorithm` names them (protobuf-specs `HashAlgorithm`). */
export type HashAlgorithmName = "SHA2_256" | "SHA2_384" | "SHA2_512";
/** How the signature is computed over the digest or message. */
export type SignatureScheme = "ecdsa" | "rsa-pkcs1v15" | "rsa-pss" | "ed25519" | "ed25519ph";

export type KeyDetails =
  | "PKIX_ECDSA_P256_SHA_256"
  | "PKIX_ECDSA_P384_SHA_384"
  | "PKIX_ECDSA_P521_SHA_512"
  | "PKIX_RSA_PKCS1V15_2048_SHA256"
  | "PKIX_RSA_PKCS1V15_3072_SHA256"
  | "PKIX_RSA_PKCS1V15_4096_SHA256"
  | "PKIX_RSA_PSS_2048_SHA256"
  | "PKIX_RSA_PSS_3072_SHA256"
  | "PKIX_RSA_PSS_4096_SHA256"
  | "PKIX_ED25519"
  | "PKIX_ED25519_PH";

export interface AlgorithmDetails {
  keyDetails: KeyDetails;
  /** The protobuf enum number (protojson accepts an enum as its name or its number). */
  number: number;
  kind: KeyKind;
  curve?: EcCurve;
  rsaBits?: number;
  scheme: SignatureScheme;
  /** The hash whose digest is signed; null for pure Ed25519, which signs the message itself (RFC 8032 §5.1.6). */
  hash: HashName | null;
}

/** The registry. Enum numbers from protobuf-specs `sigstore_common.proto` `PublicKeyDetails`. */
export const ALGORITHMS: readonly AlgorithmDetails[] = [
  { keyDetails: "PKIX_ECDSA_P256_SHA_256", number: 5, kind: "ecdsa", curve: "P-256", scheme: "ecdsa", hash: "sha256" },
  { keyDetails: "PKIX_ECDSA_P384_SHA_384", number: 12, kind: "ecdsa", curve: "P-384", scheme: "ecdsa", hash: "sha384" },
  { keyDetails: "PKIX_ECDSA_P521_SHA_512", number: 13, kind: "ecdsa", curve: "P-521", scheme: "ecdsa", hash: "sha512" },
  {
    keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256",
    number: 9,
    kind: "rsa",
    rsaBits: 2048,
    scheme: "rsa-pkcs1v15",
    hash: "sha256",
  },
  {
    keyDetails: "PKIX_RSA_PKCS1V15_3072_SHA256",
    number: 10,
    kind: "rsa",
    rsaBits: 3072,
    scheme: "rsa-pkcs1v15",
    hash: "sha256",
  },
  {
    keyDetails: "PKIX_RSA_PKCS1V15_4096_SHA256",
    number: 11,
    kind: "rsa",
    rsaBits: 4096,
    scheme: "rsa-pkcs1v15",
    hash: "sha256",
  },
  { keyDetails: "PKIX_RSA_PSS_2048_SHA256", number: 16, kind: "rsa", rsaBits: 2048, scheme: "rsa-pss", hash: "sha256" },
  { keyDetails: "PKIX_RSA_PSS_3072_SHA256", number: 17, kind: "rsa", rsaBits: 3072, scheme: "rsa-pss", hash: "sha256" },
  { keyDetails: "PKIX_RSA_PSS_4096_SHA256", number: 18, kind: "rsa", rsaBits: 4096, scheme: "rsa-pss", hash: "sha256" },
  { keyDetails: "PKIX_ED25519", number: 7, kind: "ed25519", scheme: "ed25519", hash: null },
  { keyDetails: "PKIX_ED25519_PH", number: 8, kind: "ed25519", scheme: "ed25519ph", hash: "sha512" },
];

/**
 * What rekor-tiles accepts by default for `hashedRekordRequestV002` (`internal/algorithmregistry`; the
 * `--client-signing-algorithms` flag can only narrow it). RSA-PSS and pure Ed25519 are not in it (rekor-api.md §1.3).
 */
export const REKOR_V2_KEY_DETAILS: readonly KeyDetails[] = [
  "PKIX_ECDSA_P256_SHA_256",
  "PKIX_ECDSA_P384_SHA_384",
  "PKIX_ECDSA_P521_SHA_512",
  "PKIX_RSA_PKCS1V15_2048_SHA256",
  "PKIX_RSA_PKCS1V15_3072_SHA256",
  "PKIX_RSA_PKCS1V15_4096_SHA256",
  "PKIX_ED25519_PH",
];

/**
 * Rekor v1 `AllowedClientSigningAlgorithms` (pkg/api/api.go): the v2 set plus pure Ed25519, which only message
 * signatures (`rekord`) can use; hashedrekord refuses it because it has no digest form (rekor-api.md §2.6).
 */
export const REKOR_V1_KEY_DETAILS: readonly KeyDetails[] = [...REKOR_V2_KEY_DETAILS, "PKIX_ED25519"];

const DIGEST_LENGTH: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };
const HASH_ALGORITHM: Record<HashName, { name: HashAlgorithmName; number: number }> = {
  sha256: { name: "SHA2_256", number: 1 },
  sha384: { name: "SHA2_384", number: 2 },
  sha512: { name: "SHA2_512", number: 3 },
};

/**
 * Looks up a `PublicKeyDetails` by enum name or number.
 * @throws SignatureError (field "keyDetails") for unspecified, deprecated or unknown values.
 */
export function algorithmDetails(keyDetails: string | number): AlgorithmDetails {
  if (typeof keyDetails !== "string" && typeof keyDetails !== "number") {
    throw new TypeError("keyDetails must be a string or a number");
  }
  const found = ALGORITHMS.find((a) => a.keyDetails === keyDetails || a.number === keyDetails);
  if (found === undefined) {
    const shown = typeof keyDetails === "string" ? JSON.stringify(keyDetails.slice(0, 64)) : String(keyDetails);
    throw new SignatureError("keyDetails", `unknown or unsupported PublicKeyDetails ${shown}`);
  }
  return found;
}

export function isKeyDetails(value: unknown): value is KeyDetails {
  return typeof value === "string" && ALGORITHMS.some((a) => a.keyDetails === value);
}

/**
 * The `PublicKeyDetails` a Sigstore client uses for this key, and so the only one a log should accept: sigstore-go
 * rebuilds the Rekor v2 leaf with the default details for the key (rekor-api.md §1.4). P-256 → P256_SHA_256,
 * P-384 → P384_SHA_384, P-521 → P521_SHA_512, RSA-n → PKCS1V15_n_SHA256, Ed25519 → ED25519_PH.
 * @throws SignatureError (field "publicKey") for an RSA size with no registry entry (e.g. 2560 bits).
 */
export function defaultKeyDetails(key: PublicKeyInfo): KeyDetails {
  switch (key.kind) {
    case "ecdsa":
      return key.curve === "P-256"
        ? "PKIX_ECDSA_P256_SHA_256"
        : key.curve === "P-384"
          ? "PKIX_ECDSA_P384_SHA_384"
          : "PKIX_ECDSA_P521_SHA_512";
    case "rsa": {
      const found = ALGORITHMS.find((a) => a.scheme === "rsa-pkcs1v15" && a.rsaBits === key.rsaBits);
      if (found === undefined)
        throw new SignatureError(
          "publicKey",
          `no PublicKeyDetails for a ${key.rsaBits}-bit RSA key (want 2048, 3072 or 4096)`,
        );
      return found.keyDetails;
    }
    case "ed25519":
      return "PKIX_ED25519_PH";
  }
}

/**
 * Checks that the key is of the type, curve and size `keyDetails` names (sigstore `IsAlgorithmPermitted`, made
 * strict: the name itself must match, not only the key and hash).
 * @returns the details, for the scheme and hash.
 * @throws SignatureError (field "keyDetails") on a mismatch or an unknown name.
 */
export function checkKeyDetails(key: PublicKeyInfo, keyDetails: string | number): AlgorithmDetails {
  const details = algorithmDetails(keyDetails);
  if (details.kind !== key.kind) {
    throw new SignatureError(
      "keyDetails",
      `${details.keyDetails} needs a ${details.kind} key, got ${describeKey(key)}`,
    );
  }
  if (details.curve !== undefined && details.curve !== key.curve) {
    throw new SignatureError(
      "keyDetails",
      `${details.keyDetails} needs a ${details.curve} key, got ${describeKey(key)}`,
    );
  }
  if (details.rsaBits !== undefined && details.rsaBits !== key.rsaBits) {
    throw new SignatureError(
      "keyDetails",
      `${details.keyDetails} needs a ${details.rsaBits}-bit RSA key, got ${describeKey(key)}`,
    );
  }
  return details;
}

/**
 * The default details for the key when the request names only a hash (Rekor v1 hashedrekord `data.hash.algorithm`):
 * v1 checks the (key, hash) pair against its registry, where every key has exactly one hash.
 * @throws SignatureError (field "hash") when this key is not used with this hash.
 */
export function keyDetailsForHash(key: PublicKeyInfo, hash: HashName): KeyDetails {
  const keyDetails = defaultKeyDetails(key);
  const expected = algorithmDetails(keyDetails).hash;
  if (expected !== hash)
    throw new SignatureError("hash", `a ${describeKey(key)} key signs ${expected} digests, not ${hash}`);
  return keyDetails;
}

/** Digest length in bytes of a hash (FIPS 180-4). */
export function digestLength(hash: HashName): number {
  return DIGEST_LENGTH[hash];
}

/** The Rekor v2 `HashAlgorithm` enum name for a hash (the leaf's `data.algorithm`). */
export function hashAlgorithmName(hash: HashName): HashAlgorithmName {
  return HASH_ALGORITHM[hash].name;
}

/**
 * Parses a hash name as Rekor v1 (`"sha256"`) or v2 (`"SHA2_256"` or its enum number 1) spells it.
 * @throws SignatureError (field "hash") for anything else (SHA-1, SHA3, unspecified).
 */
export function parseHashName(value: string | number): HashName {
  for (const [hash, v2] of Object.entries(HASH_ALGORITHM) as [
    HashName,
    { name: HashAlgorithmName; number: number },
  ][]) {
    if (value === hash || value === v2.name || value === v2.number) return hash;
  }
  throw new SignatureError("hash", `unsupported hash algorithm ${JSON.stringify(value)}`);
}

/** Hashes `data` (FIPS 180-4, via @noble/hashes). */
export function hashBytes(hash: HashName, data: Uint8Array): Uint8Array {
  assertBytes(data, "data");
  switch (hash) {
    case "sha256":
      return sha256(data);
    case "sha384":
      return sha384(data);
    case "sha512":
      return sha512(data);
  }
  throw new TypeError(`unknown hash ${String(hash)}`);
}

const WEBCRYPTO_DIGEST: Record<HashName, string> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

/**
 * Hashes `data` natively (WebCrypto): for inputs of any size (payloads, rekord data), where the pure-JavaScript
 * {@link hashBytes} costs several times as much CPU.
 */
export async function digestBytes(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  assertBytes(data, "data");
  return new Uint8Array(await crypto.subtle.digest(WEBCRYPTO_DIGEST[hash], data));
}

function describeKey(key: PublicKeyInfo): string {
  if (key.kind === "ecdsa") return `ECDSA ${key.curve}`;
  if (key.kind === "rsa") return `${key.rsaBits}-bit RSA`;
  return "Ed25519";
}
