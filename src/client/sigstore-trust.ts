/**
 * The Sigstore trust formats a log publishes and a client reads (protobuf-specs): TrustedRoot `tlogs`
 * entries and SigningConfig v0.2 services, with the media types and key encodings clients insist on.
 * @module
 */
import { fromHex } from "../tlog/encoding.ts";

/** sigstore-go accepts only this exact TrustedRoot media type. */
export const TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
/** sigstore-go accepts only SigningConfig v0.2. */
export const SIGNING_CONFIG_MEDIA_TYPE = "application/vnd.dev.sigstore.signingconfig.v0.2+json";

/** DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410). */
export const ED25519_SPKI_PREFIX = fromHex("302a300506032b6570032100");

export interface TimeRange {
  start: string;
  end?: string;
}

export interface TransparencyLogInstance {
  baseUrl: string;
  hashAlgorithm: "SHA2_256";
  publicKey: { rawBytes: string; keyDetails: "PKIX_ED25519" | "PKIX_ECDSA_P256_SHA_256"; validFor: TimeRange };
  logId: { keyId: string };
  checkpointKeyId?: { keyId: string };
}

export interface Service {
  url: string;
  majorApiVersion: number;
  validFor: TimeRange;
  operator: string;
}
