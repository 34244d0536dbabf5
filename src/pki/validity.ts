/**
 * A certificate's validity period (RFC 5280 §4.1.2.5), and whether a submission made now falls inside it.
 *
 * A deliberate departure from Rekor, which checks nothing about a certificate on write: edgelog refuses a certificate
 * that is expired or not yet valid at submission time. Such an entry could never verify: sigstore clients require the
 * entry's time (Rekor v1 integratedTime, or an RFC 3161 timestamp for Rekor v2) to fall within the signing
 * certificate's validity. Only the certificate whose key signed is checked (the first of a PEM chain); nothing else
 * about it (chain, extensions, revocation) is checked, as in Rekor.
 *
 * Times are read strictly in the two forms RFC 5280 §4.1.2.5.1–2 allows: UTCTime `YYMMDDHHMMSSZ` (years 1950–2049)
 * and GeneralizedTime `YYYYMMDDHHMMSSZ`, both in UTC with seconds and no fraction. The period is inclusive at both
 * ends, as Go's `x509.Certificate.Verify` treats it (`now.Before(NotBefore)` or `now.After(NotAfter)` is an error).
 * @module
 */
import { DerError, TAG, parseElement, readSequence } from "./der.ts";
import { SignatureError, assertBytes } from "./errors.ts";

const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

export interface CertificateValidity {
  /** notBefore, milliseconds since the Unix epoch. */
  notBefore: number;
  /** notAfter, milliseconds since the Unix epoch (inclusive: the certificate is still valid at this instant). */
  notAfter: number;
}

/**
 * Reads the validity period of a DER certificate (one `parseCertificate` accepted).
 * @throws SignatureError (field "certificate") when the certificate or its times are malformed.
 */
export function certificateValidity(der: Uint8Array): CertificateValidity {
  assertBytes(der, "der");
  try {
    const [tbs] = readSequence(parseElement(der, TAG.SEQUENCE, "Certificate"), "Certificate", 3);
    const fields = readSequence(tbs!, "TBSCertificate", 6, 10);
    // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, ... }
    const validity = fields[fields[0]!.tag === TAG.CONTEXT_0 ? 4 : 3]!;
    const times = readSequence(validity, "Validity", 2);
    return {
      notBefore: readTime(times[0]!.tag, times[0]!.content, "notBefore"),
      notAfter: readTime(times[1]!.tag, times[1]!.content, "notAfter"),
    };
  } catch (e) {
    if (e instanceof DerError) throw new SignatureError("certificate", `malformed validity: ${e.message}`);
    throw e;
  }
}

/**
 * Why a certificate may not be logged at `nowMs`, or null when `nowMs` is within its validity period.
 * @example "certificate expired at 2021-01-01T00:00:00Z (now 2026-11-23T09:30:00Z)"
 * @throws SignatureError (field "certificate") when the validity period cannot be read.
 */
export function certificateValidityProblem(der: Uint8Array, nowMs: number): string | null {
  const { notBefore, notAfter } = certificateValidity(der);
  if (nowMs < notBefore) return `certificate is not valid before ${iso(notBefore)} (now ${iso(nowMs)})`;
  if (nowMs > notAfter) return `certificate expired at ${iso(notAfter)} (now ${iso(nowMs)})`;
  return null;
}

/** RFC 3339 in UTC, without milliseconds when there are none (certificate times have whole seconds). */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

function readTime(tag: number, content: Uint8Array, what: string): number {
  let text = "";
  for (const b of content) text += String.fromCharCode(b);
  let year: number;
  let rest: string;
  if (tag === UTC_TIME) {
    const m = /^([0-9]{2})([0-9]{10})Z$/.exec(text);
    if (m === null) throw new DerError(`${what}: UTCTime must be YYMMDDHHMMSSZ`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    rest = m[2]!;
  } else if (tag === GENERALIZED_TIME) {
    const m = /^([0-9]{4})([0-9]{10})Z$/.exec(text);
    if (m === null) throw new DerError(`${what}: GeneralizedTime must be YYYYMMDDHHMMSSZ`);
    year = Number(m[1]);
    rest = m[2]!;
  } else {
    throw new DerError(`${what}: expected UTCTime or GeneralizedTime`);
  }
  const [month, day, hour, minute, second] = [0, 2, 4, 6, 8].map((i) => Number(rest.slice(i, i + 2))) as [
    number,
    number,
    number,
    number,
    number,
  ];
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  // Out-of-range fields (month 13, February 30, second 60) roll over: refuse them instead.
  if (
    d.getUTCFullYear() !== year ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  ) {
    throw new DerError(`${what}: ${JSON.stringify(text)} is not a valid date and time`);
  }
  return d.getTime();
}
