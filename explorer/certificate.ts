/**
 * What a person wants to see of an X.509 certificate (RFC 5280), read with the log's own strict DER
 * reader (src/pki/der.ts) so the bundle carries no ASN.1 library: subject and issuer names, serial,
 * validity, the key's fingerprint, the Subject Alternative Names and Fulcio's extensions
 * (github.com/sigstore/fulcio docs/oid-info.md). For display only: nothing here is trusted.
 */
import { readChildren, readElement, readSequence, TAG, type DerElement } from "../src/pki/der.ts";
import { certificateValidity } from "../src/pki/validity.ts";
import { toHex } from "../src/tlog/encoding.ts";
import { sha256Bytes } from "../src/tlog/hash.ts";

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: number;
  notAfter: number;
  /** SHA-256 of the certificate's SubjectPublicKeyInfo, hex: what `key:sha256:` searches take. */
  keyFingerprint: string;
  keyAlgorithm: string;
  emails: string[];
  uris: string[];
  dnsNames: string[];
  /** Fulcio's OIDC issuer (1.3.6.1.4.1.57264.1.8, else the deprecated .1.1). */
  oidcIssuer: string | null;
  /** Every other Fulcio extension, by name. */
  fulcio: [string, string][];
}

const OID_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "1.2.840.113549.1.9.1": "emailAddress",
};

const KEY_ALGORITHMS: Record<string, string> = {
  "1.2.840.10045.2.1": "ECDSA",
  "1.2.840.113549.1.1.1": "RSA",
  "1.3.101.112": "Ed25519",
};

const CURVES: Record<string, string> = { "1.2.840.10045.3.1.7": "P-256", "1.3.132.0.34": "P-384", "1.3.132.0.35": "P-521" };

const FULCIO = "1.3.6.1.4.1.57264.1.";
/** Fulcio extensions: name, and whether the value is DER-encoded (the deprecated .1.1–.1.6 hold raw strings). */
const FULCIO_EXTENSIONS: Record<string, [string, boolean]> = {
  "1": ["OIDC issuer (deprecated form)", false],
  "2": ["GitHub workflow trigger", false],
  "3": ["GitHub workflow SHA", false],
  "4": ["GitHub workflow name", false],
  "5": ["GitHub workflow repository", false],
  "6": ["GitHub workflow ref", false],
  "8": ["OIDC issuer", true],
  "9": ["Build signer URI", true],
  "10": ["Build signer digest", true],
  "11": ["Runner environment", true],
  "12": ["Source repository URI", true],
  "13": ["Source repository digest", true],
  "14": ["Source repository ref", true],
  "15": ["Source repository identifier", true],
  "16": ["Source repository owner URI", true],
  "17": ["Source repository owner identifier", true],
  "18": ["Build config URI", true],
  "19": ["Build config digest", true],
  "20": ["Build trigger", true],
  "21": ["Run invocation URI", true],
  "22": ["Source repository visibility", true],
};

export function oidText(content: Uint8Array): string {
  const parts: number[] = [];
  let n = 0;
  for (const b of content) {
    n = n * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else parts.push(n);
      n = 0;
    }
  }
  return parts.join(".");
}

const decoder = new TextDecoder();

/** The text of a string element (UTF8String, PrintableString, IA5String, T61String, BMPString). */
function stringValue(el: DerElement): string {
  if (el.tag === 0x1e) {
    let s = "";
    for (let i = 0; i + 1 < el.content.length; i += 2) s += String.fromCharCode((el.content[i]! << 8) | el.content[i + 1]!);
    return s;
  }
  return decoder.decode(el.content);
}

function nameText(name: DerElement): string {
  const parts: string[] = [];
  for (const rdn of readChildren(name)) {
    for (const atv of readChildren(rdn)) {
      const [type, value] = readSequence(atv, "AttributeTypeAndValue", 2);
      const oid = oidText(type!.content);
      parts.push(`${OID_NAMES[oid] ?? oid}=${stringValue(value!)}`);
    }
  }
  return parts.join(", ");
}

function keyAlgorithm(spki: DerElement): string {
  const [alg] = readSequence(spki, "SubjectPublicKeyInfo", 2);
  const [oid, params] = readChildren(alg!);
  const name = KEY_ALGORITHMS[oidText(oid!.content)] ?? oidText(oid!.content);
  const curve = params?.tag === TAG.OID ? CURVES[oidText(params.content)] : undefined;
  return curve ? `${name} ${curve}` : name;
}

/** A Fulcio extension value: a DER string when it parses as one, else the raw bytes as text. */
function fulcioValue(value: Uint8Array, der: boolean): string {
  if (der) {
    try {
      const { element, next } = readElement(value, 0);
      if (next === value.length && [0x0c, 0x13, 0x16].includes(element.tag)) return stringValue(element);
    } catch {
      // not DER: show it raw
    }
  }
  return decoder.decode(value);
}

/** Reads a DER certificate. Throws (DerError or Error) when it is not one. */
export function summarizeCertificate(der: Uint8Array): CertificateSummary {
  const { element: cert } = readElement(der, 0);
  const [tbs] = readSequence(cert, "Certificate", 3);
  const fields = readSequence(tbs!, "TBSCertificate", 6, 10);
  const at = fields[0]!.tag === TAG.CONTEXT_0 ? 1 : 0;
  const [serial, , issuer, , subject, spki, ...rest] = fields.slice(at);
  const { notBefore, notAfter } = certificateValidity(der);
  const out: CertificateSummary = {
    subject: nameText(subject!),
    issuer: nameText(issuer!),
    serial: toHex(serial!.content),
    notBefore,
    notAfter,
    keyFingerprint: toHex(sha256Bytes(spki!.raw)),
    keyAlgorithm: keyAlgorithm(spki!),
    emails: [],
    uris: [],
    dnsNames: [],
    oidcIssuer: null,
    fulcio: [],
  };
  const extensions = rest.find((e) => e.tag === 0xa3);
  if (!extensions) return out;
  const [list] = readChildren(extensions);
  let issuerV1: string | null = null;
  for (const ext of readChildren(list!)) {
    const parts = readChildren(ext);
    const oid = oidText(parts[0]!.content);
    const value = parts[parts.length - 1]!.content; // extnValue OCTET STRING (after the optional critical flag)
    if (oid === "2.5.29.17") {
      const { element: names } = readElement(value, 0);
      for (const n of readChildren(names)) {
        if (n.tag === 0x81) out.emails.push(decoder.decode(n.content));
        else if (n.tag === 0x86) out.uris.push(decoder.decode(n.content));
        else if (n.tag === 0x82) out.dnsNames.push(decoder.decode(n.content));
      }
    } else if (oid.startsWith(FULCIO)) {
      const [label, der] = FULCIO_EXTENSIONS[oid.slice(FULCIO.length)] ?? [`Fulcio extension ${oid}`, true];
      const text = fulcioValue(value, der);
      if (oid === `${FULCIO}8`) out.oidcIssuer = text;
      else if (oid === `${FULCIO}1`) issuerV1 = text;
      else out.fulcio.push([label, text]);
    }
  }
  out.oidcIssuer ??= issuerV1;
  return out;
}
