/**
 * Search keys of public keys and X.509 certificates: the SPKI fingerprint, and the identities a Fulcio certificate
 * binds (SAN e-mails and URIs, the OIDC issuer, the source repository) as src/entry/certificate.ts reads them.
 * @module
 */
import { readCertificate, type CertificateFacts } from "../entry/certificate.ts";
import { sha256Bytes } from "../tlog/hash.ts";
import { toHex } from "../tlog/encoding.ts";
import { normalizeEmail } from "./key-forms.ts";

/** Longest identity value indexed; longer ones are skipped (a search key is a D1 primary-key column). */
export const MAX_KEY_VALUE_LENGTH = 1024;

export { normalizeEmail };

/** `key:sha256:<hex of SHA-256(SPKI DER)>`: the key of a PKIX public key (also of the key inside a certificate). */
export function spkiKeys(spkiDer: Uint8Array): string[] {
  return [`key:sha256:${toHex(sha256Bytes(spkiDer))}`];
}

/**
 * The certificate's SPKI key, then its identities: `email:` (normalized) for SAN rfc822Names, `subject:` (exact)
 * for SAN rfc822Names and URIs, `issuer:` for the Fulcio OIDC issuer, `repository:` for the Fulcio source
 * repository URI. Never throws: an unreadable certificate gives nothing.
 */
export function certificateKeys(certDer: Uint8Array): string[] {
  try {
    return certificateFactKeys(readCertificate(certDer));
  } catch {
    return [];
  }
}

/** {@link certificateKeys} of a certificate already read. */
export function certificateFactKeys(cert: CertificateFacts): string[] {
  const keys = [`key:sha256:${cert.keyFingerprint}`];
  for (const name of cert.subjectAltNames) {
    if (name.type === "email") pushValue(keys, "email", normalizeEmail(name.value));
    pushValue(keys, "subject", name.value);
  }
  if (cert.oidcIssuer !== null) pushValue(keys, "issuer", cert.oidcIssuer);
  if (cert.sourceRepository !== null) pushValue(keys, "repository", cert.sourceRepository);
  return [...new Set(keys)];
}

function pushValue(keys: string[], prefix: string, value: string): void {
  if (value.length === 0 || value.length > MAX_KEY_VALUE_LENGTH || !value.isWellFormed()) return;
  keys.push(`${prefix}:${value}`);
}
