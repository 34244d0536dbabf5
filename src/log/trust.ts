/**
 * What clients need to trust a shard (rekor-api.md §3.4): TrustedRoot `tlogs` entries (verifiers:
 * sigstore-js, sigstore-go) and SigningConfig v0.2 `rekorTlogUrls` entries (signers: where to write).
 *
 * Each shard is listed twice in a TrustedRoot, as Sigstore lists a Rekor v2 shard and a Rekor v1 log:
 * - its Ed25519 checkpoint key: log ID = checkpoint key ID = the C2SP key hash
 *   SHA-256(origin || "\n" || 0x01 || key), which is TransparencyLogEntry.logId of its v2 entries;
 * - its Rekor v1 ECDSA P-256 key: log ID = SHA-256(SPKI), which is LogEntry.logID of its v1 entries
 *   (the v1 checkpoint's key hint is its first 4 bytes).
 * Both with base URL `https://<origin>` (a local log: the request's scheme; sigstore-js requires the
 * checkpoint key name to be a substring of it; sigstore-go, for v2, its host to equal the origin) and
 * the key's validity.
 * Frozen and pending shards stay in the TrustedRoot (old bundles must keep verifying; new keys must
 * be known before they are used); only the shard taking writes is in the SigningConfig.
 * @module
 */
import {
  ED25519_SPKI_PREFIX,
  SIGNING_CONFIG_MEDIA_TYPE,
  TRUSTED_ROOT_MEDIA_TYPE,
  type Service,
  type TimeRange,
  type TransparencyLogInstance,
} from "../client/sigstore-trust.ts";
import { concatBytes, toBase64 } from "../tlog/encoding.ts";
import { sha256Bytes } from "../tlog/hash.ts";
import type { Deployment } from "./deployment.ts";
import { baseUrl } from "./shards.ts";
import type { Log } from "./log.ts";
import { shardV1Key } from "./v1-shards.ts";

function validFor(shard: Log): TimeRange {
  const { validFrom, validUntil } = shard.config;
  return validUntil ? { start: validFrom, end: validUntil } : { start: validFrom };
}

/** The two TrustedRoot `tlogs` entries of a shard: Ed25519 checkpoint key (v2) and ECDSA key (v1). */
export async function shardTlogs(d: Deployment, shard: Log, scheme: string): Promise<TransparencyLogInstance[]> {
  const ck = shard.checkpointKey();
  if (ck.origin !== shard.config.origin)
    throw new Error(
      `config: the checkpoint key of shard ${shard.name} is for ${ck.origin}, but its origin is ${shard.config.origin}`,
    );
  const v1 = await shardV1Key(d, shard.name);
  const url = baseUrl(shard.config.origin, scheme);
  const logId = { keyId: toBase64(ck.logId) };
  return [
    {
      baseUrl: url,
      hashAlgorithm: "SHA2_256",
      publicKey: {
        rawBytes: toBase64(concatBytes(ED25519_SPKI_PREFIX, ck.publicKey)),
        keyDetails: "PKIX_ED25519",
        validFor: validFor(shard),
      },
      logId,
      checkpointKeyId: logId,
    },
    {
      baseUrl: url,
      hashAlgorithm: "SHA2_256",
      publicKey: { rawBytes: toBase64(v1.spki), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: validFor(shard) },
      logId: { keyId: toBase64(sha256Bytes(v1.spki)) },
    },
  ];
}

/** A TrustedRoot listing these shards' logs (no CAs, CT logs or TSAs: add your own to it). */
export async function trustedRoot(d: Deployment, shards: readonly Log[], scheme: string) {
  const tlogs = (await Promise.all(shards.map((s) => shardTlogs(d, s, scheme)))).flat();
  return {
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs,
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
}

/** The SigningConfig `rekorTlogUrls` entries of a shard: Rekor v2 first, then v1; none unless it takes writes. */
export function shardTlogServices(shard: Log, scheme: string): Service[] {
  if (shard.state !== "active") return [];
  const url = baseUrl(shard.config.origin, scheme);
  return [2, 1].map((majorApiVersion) => ({
    url,
    majorApiVersion,
    validFor: validFor(shard),
    operator: shard.config.operator,
  }));
}

/** A SigningConfig v0.2 whose Rekor logs are these shards' (no CA, OIDC or TSA: add your own). */
export function signingConfig(shards: readonly Log[], scheme: string) {
  const rekorTlogUrls = shards
    .flatMap((s) => shardTlogServices(s, scheme))
    .sort((a, b) => Date.parse(b.validFor.start) - Date.parse(a.validFor.start)); // newest first, as the spec asks
  return {
    mediaType: SIGNING_CONFIG_MEDIA_TYPE,
    caUrls: [],
    oidcUrls: [],
    rekorTlogUrls,
    rekorTlogConfig: { selector: "ANY" },
    tsaUrls: [],
    tsaConfig: { selector: "ANY" },
  };
}
