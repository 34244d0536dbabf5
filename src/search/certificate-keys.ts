/**
 * Search keys of public keys and X.509 certificates (SEARCH-CONTRACT.md "Index keys"): the SPKI
 * fingerprint, and the identities a Fulcio certificate binds: SAN emails and URIs, the OIDC issuer,
 * the source repository. Reading only: nothing about the certificate is checked here (the write path
 * did that); a field that cannot be read is skipped, never thrown.
 * @module
 */
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { Certificate, GeneralNames, id_ce_subjectAltName } from "@peculiar/asn1-x509";
import { parseCertificate } from "../pki/keys.ts";
import { sha256Bytes } from "../tlog/hash.ts";
import { toHex, utf8Decode } from "../tlog/encoding.ts";
import { normalizeEmail } from "./key-forms.ts";

/** Fulcio OIDC issuer, V2 form: DER UTF8String (github.com/sigstore/fulcio docs/oid-info.md). */
export const OID_FULCIO_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
/** Fulcio OIDC issuer, V1 (deprecated) form: the raw string as the extension value. */
export const OID_FULCIO_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
/** Fulcio Source Repository URI: DER UTF8String. */
export const OID_FULCIO_SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12";

/** Longest identity value indexed; longer ones are skipped (a search key is a D1 primary-key column). */
export const MAX_KEY_VALUE_LENGTH = 1024;

export { normalizeEmail };

/** `key:sha256:<hex of SHA-256(SPKI DER)>`: the key of a PKIX public key (also of the key inside a certificate). */
export function spkiKeys(spkiDer: Uint8Array): string[] {
  return [`key:sha256:${toHex(sha256Bytes(spkiDer))}`];
}

/**
 * The certificate's SPKI key, then its identities: `email:` (normalized) for SAN rfc822Names,
 * `subject:` (exact) for SAN rfc822Names and URIs, `issuer:` for the Fulcio OIDC issuer (1.8, else
 * 1.1), `repository:` for the Fulcio source repository URI (1.12). Never throws: an unreadable
 * certificate gives what could be read (possibly nothing).
 */
export function certificateKeys(certDer: Uint8Array): string[] {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(certDer, Certificate);
  } catch {
    return [];
  }
  const keys: string[] = [];
  const spki = spkiOf(certDer, cert);
  if (spki) keys.push(...spkiKeys(spki));
  const extensions = cert.tbsCertificate.extensions ?? [];
  const ext = (oid: string) => extensions.find((e) => e.extnID === oid)?.extnValue;
  const san = ext(id_ce_subjectAltName);
  if (san) {
    try {
      for (const name of AsnConvert.parse(san, GeneralNames)) {
        if (name.rfc822Name !== undefined) {
          pushValue(keys, "email", normalizeEmail(name.rfc822Name));
          pushValue(keys, "subject", name.rfc822Name);
        }
        if (name.uniformResourceIdentifier !== undefined) pushValue(keys, "subject", name.uniformResourceIdentifier);
      }
    } catch {
      // an unreadable SAN gives no identity keys
    }
  }
  const issuerV2 = ext(OID_FULCIO_ISSUER_V2);
  const issuer = issuerV2 ? utf8StringValue(issuerV2) : rawStringValue(ext(OID_FULCIO_ISSUER_V1));
  if (issuer !== null) pushValue(keys, "issuer", issuer);
  const repository = utf8StringValue(ext(OID_FULCIO_SOURCE_REPOSITORY_URI));
  if (repository !== null) pushValue(keys, "repository", repository);
  return [...new Set(keys)];
}

/** The exact SPKI octets (as src/pki finds them); else the parsed SPKI re-encoded (a key type src/pki refuses). */
function spkiOf(certDer: Uint8Array, cert: Certificate): Uint8Array | null {
  try {
    return parseCertificate(certDer).spki;
  } catch {
    try {
      return new Uint8Array(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo));
    } catch {
      return null;
    }
  }
}

function pushValue(keys: string[], prefix: string, value: string): void {
  if (value.length === 0 || value.length > MAX_KEY_VALUE_LENGTH || !value.isWellFormed()) return;
  keys.push(`${prefix}:${value}`);
}

/** An extension value holding a DER UTF8String (tag 12, short or long definite length). */
function utf8StringValue(value: OctetString | undefined): string | null {
  if (!value) return null;
  const b = new Uint8Array(value.buffer);
  if (b.length < 2 || b[0] !== 0x0c) return null;
  let len = b[1]!;
  let start = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 2 || b.length < 2 + n) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | b[2 + i]!;
    start = 2 + n;
  }
  if (start + len !== b.length) return null;
  return decode(b.subarray(start));
}

function rawStringValue(value: OctetString | undefined): string | null {
  return value ? decode(new Uint8Array(value.buffer)) : null;
}

function decode(b: Uint8Array): string | null {
  try {
    return utf8Decode(b);
  } catch {
    return null;
  }
}
