/**
 * What an X.509 certificate (RFC 5280) in an entry says: its key, the identities a Fulcio certificate binds (Subject
 * Alternative Names, the OIDC issuer, the source repository: github.com/sigstore/fulcio docs/oid-info.md), and for
 * people its names, serial, validity and other Fulcio extensions. Read with the log's own DER reader
 * (src/pki/der.ts), so the explorer's bundle carries no ASN.1 library. Reading only: nothing about the certificate is
 * checked here (the write path did that), and a part that cannot be read costs only itself.
 * @module
 */
import { readChildren, readElement, readSequence, TAG, type DerElement } from "../pki/der.ts";
import { certificateValidity } from "../pki/validity.ts";
import { toHex, utf8Decode } from "../tlog/encoding.ts";
import { sha256Bytes } from "../tlog/hash.ts";

/** Fulcio OIDC issuer, V2 form: DER UTF8String. */
const OID_FULCIO_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
/** Fulcio OIDC issuer, V1 (deprecated) form: the raw string as the extension value. */
const OID_FULCIO_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
/** Fulcio Source Repository URI: DER UTF8String. */
const OID_FULCIO_SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12";
const OID_SUBJECT_ALT_NAME = "2.5.29.17";

export interface CertificateFacts {
  /** The SubjectPublicKeyInfo's exact octets. */
  spki: Uint8Array;
  /** SHA-256 of the SubjectPublicKeyInfo, hex: what `key:sha256:` searches take. */
  keyFingerprint: string;
  /** SAN rfc822Names (e-mails) and URIs, in the certificate's order. */
  subjectAltNames: SubjectAltName[];
  dnsNames: string[];
  /** Fulcio's OIDC issuer: 1.8 (a DER UTF8String) when present, else the deprecated 1.1 (raw). */
  oidcIssuer: string | null;
  /** Fulcio's source repository URI (1.12, a DER UTF8String). */
  sourceRepository: string | null;
  /** For people: subject and issuer names, serial, validity, key algorithm, every other Fulcio extension by name. */
  display: CertificateDisplay | null;
  /** Why `display` could not be read, if so. */
  displayProblem?: string;
}

export interface SubjectAltName {
  type: "email" | "uri";
  value: string;
}

/** The SAN values of one type, in order. */
export function sanValues(cert: CertificateFacts, type: SubjectAltName["type"]): string[] {
  return cert.subjectAltNames.flatMap((n) => (n.type === type ? [n.value] : []));
}

export interface CertificateDisplay {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: number;
  notAfter: number;
  keyAlgorithm: string;
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

const CURVES: Record<string, string> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
};

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

function oidText(content: Uint8Array): string {
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
    for (let i = 0; i + 1 < el.content.length; i += 2)
      s += String.fromCharCode((el.content[i]! << 8) | el.content[i + 1]!);
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

/**
 * Reads a DER certificate: its key and identities, then what a person sees (which, when unreadable, costs only
 * `display`). @throws DerError when the outer structure or the key cannot be read.
 */
export function readCertificate(der: Uint8Array): CertificateFacts {
  const { element: cert } = readElement(der, 0);
  const [tbs] = readSequence(cert, "Certificate", 3);
  const fields = readSequence(tbs!, "TBSCertificate", 6, 10);
  const at = fields[0]!.tag === TAG.CONTEXT_0 ? 1 : 0;
  const [serial, , issuer, , subject, spki, ...rest] = fields.slice(at);
  if (spki?.tag !== TAG.SEQUENCE) throw new Error("TBSCertificate has no SubjectPublicKeyInfo");
  const extensions = extensionValues(rest);
  const issuerV2 = extensions.get(OID_FULCIO_ISSUER_V2);
  const facts: CertificateFacts = {
    spki: spki.raw,
    keyFingerprint: toHex(sha256Bytes(spki.raw)),
    subjectAltNames: [],
    dnsNames: [],
    oidcIssuer: issuerV2 ? utf8StringValue(issuerV2) : rawStringValue(extensions.get(OID_FULCIO_ISSUER_V1)),
    sourceRepository: utf8StringValue(extensions.get(OID_FULCIO_SOURCE_REPOSITORY_URI)),
    display: null,
  };
  const san = extensions.get(OID_SUBJECT_ALT_NAME);
  if (san) {
    try {
      const { element: names } = readElement(san, 0);
      for (const n of readChildren(names)) {
        // IA5String: one character per octet.
        if (n.tag === 0x81) facts.subjectAltNames.push({ type: "email", value: latin1(n.content) });
        else if (n.tag === 0x86) facts.subjectAltNames.push({ type: "uri", value: latin1(n.content) });
        else if (n.tag === 0x82) facts.dnsNames.push(latin1(n.content));
      }
    } catch {
      facts.subjectAltNames = [];
      facts.dnsNames = [];
    }
  }
  try {
    const { notBefore, notAfter } = certificateValidity(der);
    facts.display = {
      subject: nameText(subject!),
      issuer: nameText(issuer!),
      serial: toHex(serial!.content),
      notBefore,
      notAfter,
      keyAlgorithm: keyAlgorithm(spki),
      fulcio: fulcioExtensions(extensions),
    };
  } catch (e) {
    facts.displayProblem = (e as Error).message;
  }
  return facts;
}

/** The extensions' values by OID (the first of each); none when they cannot be read. */
function extensionValues(tbsRest: DerElement[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const extensions = tbsRest.find((e) => e.tag === 0xa3);
  if (!extensions) return out;
  try {
    const [list] = readChildren(extensions);
    for (const ext of readChildren(list!)) {
      const parts = readChildren(ext);
      const oid = oidText(parts[0]!.content);
      // extnValue OCTET STRING, after the optional critical flag
      if (!out.has(oid)) out.set(oid, parts[parts.length - 1]!.content);
    }
  } catch {
    out.clear();
  }
  return out;
}

/** Every Fulcio extension but the issuer, by name, for people. */
function fulcioExtensions(extensions: Map<string, Uint8Array>): [string, string][] {
  const out: [string, string][] = [];
  for (const [oid, value] of extensions) {
    if (!oid.startsWith(FULCIO) || oid === OID_FULCIO_ISSUER_V2 || oid === OID_FULCIO_ISSUER_V1) continue;
    const [label, der] = FULCIO_EXTENSIONS[oid.slice(FULCIO.length)] ?? [`Fulcio extension ${oid}`, true];
    out.push([label, fulcioValue(value, der)]);
  }
  return out;
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** An extension value holding a DER UTF8String (tag 12, short or long definite length); null otherwise. */
function utf8StringValue(b: Uint8Array | undefined): string | null {
  if (!b || b.length < 2 || b[0] !== 0x0c) return null;
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
  return strictText(b.subarray(start));
}

function rawStringValue(b: Uint8Array | undefined): string | null {
  return b ? strictText(b) : null;
}

function strictText(b: Uint8Array): string | null {
  try {
    return utf8Decode(b);
  } catch {
    return null;
  }
}
