/**
 * Public keys for signature verification: DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), PEM "PUBLIC KEY"
 * (RFC 7468 §13), and X.509 certificates in DER or PEM (RFC 5280 §4.1, RFC 7468 §5), where the certificate only
 * supplies its key: no chain, validity or extension checks here, exactly as Rekor does (rekor-api.md §1.3 step 2).
 * The write APIs add one check Rekor does not make: the signing certificate must be within its validity period at
 * submission time (validity.ts, called by src/rekor/v2/verifier.ts and src/rekor/v1/pem.ts).
 *
 * Accepted keys: ECDSA on P-256/P-384/P-521 with a named curve and an uncompressed point (RFC 5480 §2.1.1, §2.2),
 * RSA with `rsaEncryption` and NULL parameters (RFC 3279 §2.3.1), 2048 to 4096 bits, and Ed25519 (RFC 8410 §3, §4).
 *
 * One canonical spelling: the SPKI is re-encoded from what was parsed and compared with the input. Sigstore verifiers
 * rebuild the Rekor v2 leaf from Go's `x509.MarshalPKIXPublicKey(key)` (rekor-api.md §1.4), so a key the log accepted
 * in any other encoding (a compressed point, BER lengths, a missing RSA NULL) would give entries nobody can verify.
 *
 * Certificates are checked twice: this file walks the outer DER strictly to find the exact SPKI octets, and
 * `@peculiar/asn1-x509` (the parser underneath `@peculiar/x509`) must parse the whole certificate. `@peculiar/x509`
 * itself is not used: its import pulls in tsyringe, which throws at load time unless a global `Reflect` metadata
 * polyfill has been installed first, a global side effect no pure module should need.
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import {
  DerError,
  TAG,
  bytesEqual,
  encodeBitString,
  encodeElement,
  encodeUnsignedInteger,
  parseElement,
  readOctetAlignedBitString,
  readSequence,
  readUnsignedInteger,
  type DerElement,
} from "./der.ts";
import { SignatureError, assertBytes, type SignatureField } from "./errors.ts";
import { MAX_KEY_MATERIAL_BYTES, decodePem } from "./pem.ts";

export { MAX_KEY_MATERIAL_BYTES, decodePem, encodePem, type PemBlock } from "./pem.ts";

export type KeyKind = "ecdsa" | "rsa" | "ed25519";
export type EcCurve = "P-256" | "P-384" | "P-521";

/**
 * A parsed, validated public key. Build it only with the parse functions below: the verifiers trust its fields.
 * All byte fields are copies, never views into the caller's buffer.
 */
export interface PublicKeyInfo {
  kind: KeyKind;
  /** ECDSA only. */
  curve?: EcCurve;
  /** RSA only: the bit length of the modulus, 2048..4096. */
  rsaBits?: number;
  /** The DER SubjectPublicKeyInfo, canonical (it round-trips). */
  spki: Uint8Array;
  /** The DER certificate, when the key came from one (for a PEM chain, the first certificate). */
  certificate?: Uint8Array;
  /**
   * The SPKI's `subjectPublicKey` BIT STRING payload: the uncompressed EC point `04 || X || Y`, the DER
   * RSAPublicKey (RFC 8017 §A.1.1), or the 32-byte Ed25519 key (RFC 8032 §5.1.5).
   */
  subjectPublicKey: Uint8Array;
}

/** Smallest RSA modulus accepted, in bits (Sigstore's algorithm registry starts at PKIX_RSA_PKCS1V15_2048_SHA256). */
export const MIN_RSA_BITS = 2048;
/** Largest RSA modulus accepted, in bits (the registry ends at 4096; larger moduli only cost verification time). */
export const MAX_RSA_BITS = 4096;
/**
 * Most certificates in one PEM chain: Rekor v1 parses a hashedrekord `publicKey.content` chain with
 * `cryptoutils.UnmarshalCertificatesFromPEMLimited(rawPub, 10)` (pkg/pki/x509/x509.go `NewPublicKey`).
 */
export const MAX_PEM_CERTIFICATES = 10;

// Object identifiers, as DER content octets (X.690 §8.19).
const OID_EC_PUBLIC_KEY = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01); // 1.2.840.10045.2.1
const OID_RSA_ENCRYPTION = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01); // 1.2.840.113549.1.1.1
const OID_RSASSA_PSS = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a); // 1.2.840.113549.1.1.10
const OID_ED25519 = Uint8Array.of(0x2b, 0x65, 0x70); // 1.3.101.112 (RFC 8410 §3)

const CURVES: readonly { curve: EcCurve; oid: Uint8Array; fieldBytes: number }[] = [
  { curve: "P-256", oid: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07), fieldBytes: 32 }, // 1.2.840.10045.3.1.7
  { curve: "P-384", oid: Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x22), fieldBytes: 48 }, // 1.3.132.0.34
  { curve: "P-521", oid: Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x23), fieldBytes: 66 }, // 1.3.132.0.35
];

/** The noble curve for an ECDSA curve name (shared with ecdsa.ts). */
export function nobleCurve(curve: EcCurve) {
  return curve === "P-256" ? p256 : curve === "P-384" ? p384 : p521;
}

/**
 * Parses a DER SubjectPublicKeyInfo: Rekor v2 `verifier.publicKey.rawBytes` (Go `x509.ParsePKIXPublicKey`).
 * @throws SignatureError (field "publicKey") for malformed DER, unknown or refused key types, compressed EC points,
 *   RSA sizes outside 2048..4096 bits, or an encoding that does not round-trip.
 */
export function parseSpki(der: Uint8Array): PublicKeyInfo {
  assertBytes(der, "der");
  checkSize(der, "publicKey");
  return parseSpkiDer(der, "publicKey");
}

/**
 * Parses a DER X.509 certificate and takes its SubjectPublicKeyInfo: Rekor v2 `verifier.x509Certificate.rawBytes`.
 * Nothing about the certificate is trusted or checked beyond its structure (rekor-api.md §1.3 step 2).
 * @throws SignatureError (field "certificate") when the certificate or its key is not acceptable.
 */
export function parseCertificate(der: Uint8Array): PublicKeyInfo {
  assertBytes(der, "der");
  checkSize(der, "certificate");
  return parseCertificateDer(der);
}

/**
 * Parses PEM text: exactly one "PUBLIC KEY" block, or one to {@link MAX_PEM_CERTIFICATES} "CERTIFICATE" blocks (a
 * chain, as Rekor v1 hashedrekord `publicKey.content` allows), whose first certificate supplies the key. Every
 * certificate in a chain must parse. Only whitespace may surround the blocks; PEM headers are refused.
 * @throws SignatureError (field "publicKey" or "certificate").
 */
export function parsePem(pem: string | Uint8Array): PublicKeyInfo {
  const blocks = decodePem(pem);
  const first = blocks[0]!;
  if (first.label === "PUBLIC KEY") {
    if (blocks.length !== 1) throw new SignatureError("publicKey", "a PUBLIC KEY PEM must contain exactly one block");
    return parseSpkiDer(first.der, "publicKey");
  }
  if (first.label !== "CERTIFICATE") {
    throw new SignatureError("publicKey", `unsupported PEM block "${first.label}" (want PUBLIC KEY or CERTIFICATE)`);
  }
  if (blocks.length > MAX_PEM_CERTIFICATES) {
    throw new SignatureError("certificate", `PEM chain has more than ${MAX_PEM_CERTIFICATES} certificates`);
  }
  for (const b of blocks) {
    if (b.label !== "CERTIFICATE") {
      throw new SignatureError(
        "certificate",
        `a PEM certificate chain may only hold CERTIFICATE blocks, got "${b.label}"`,
      );
    }
  }
  // Go parses every certificate in the chain, so a broken later certificate fails the request there too.
  for (const b of blocks.slice(1)) parseCertificateStructure(b.der);
  return parseCertificateDer(first.der);
}

/**
 * Any of the above: PEM (text starting with "-----BEGIN", after whitespace), or DER, told apart by structure (a
 * SubjectPublicKeyInfo is a SEQUENCE of two elements, a Certificate a SEQUENCE of three).
 */
export function parsePublicKey(input: Uint8Array | string): PublicKeyInfo {
  if (typeof input === "string") return parsePem(input);
  assertBytes(input, "input");
  checkSize(input, "publicKey");
  if (looksLikePem(input)) return parsePem(input);
  let count: number;
  try {
    const top = parseElement(input, TAG.SEQUENCE, "key");
    count = readSequence(top, "key", 2, 3).length;
  } catch (e) {
    throw asSignatureError(e, "publicKey", "neither a DER SubjectPublicKeyInfo nor a DER certificate");
  }
  return count === 2 ? parseSpkiDer(input, "publicKey") : parseCertificateDer(input);
}

// ---------------------------------------------------------------------------------------------------------------
// SubjectPublicKeyInfo

function parseSpkiDer(der: Uint8Array, field: SignatureField): PublicKeyInfo {
  let parsed: Omit<PublicKeyInfo, "spki" | "certificate">;
  let canonical: Uint8Array;
  try {
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
    const [algorithm, subjectPublicKey] = readSequence(
      parseElement(der, TAG.SEQUENCE, "SubjectPublicKeyInfo"),
      "SubjectPublicKeyInfo",
      2,
    );
    // AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY DEFINED BY algorithm OPTIONAL }
    const [oid, params] = readSequence(algorithm!, "AlgorithmIdentifier", 1, 2);
    if (oid!.tag !== TAG.OID) throw new DerError("AlgorithmIdentifier: expected OBJECT IDENTIFIER");
    const payload = readOctetAlignedBitString(subjectPublicKey!, "subjectPublicKey");
    if (bytesEqual(oid!.content, OID_EC_PUBLIC_KEY)) {
      parsed = parseEcKey(params, payload, field);
    } else if (bytesEqual(oid!.content, OID_RSA_ENCRYPTION)) {
      parsed = parseRsaKey(params, payload, field);
    } else if (bytesEqual(oid!.content, OID_ED25519)) {
      parsed = parseEd25519Key(params, payload, field);
    } else if (bytesEqual(oid!.content, OID_RSASSA_PSS)) {
      throw new SignatureError(
        field,
        "RSASSA-PSS keys (id-RSASSA-PSS) are not supported: encode the key as rsaEncryption",
      );
    } else {
      throw new SignatureError(field, `unknown or unsupported public key algorithm ${formatOid(oid!.content)}`);
    }
    canonical = encodeSpki(oid!.content, parsed);
  } catch (e) {
    throw asSignatureError(e, field, "malformed SubjectPublicKeyInfo");
  }
  if (!bytesEqual(canonical, der)) {
    throw new SignatureError(field, "SubjectPublicKeyInfo is not in canonical DER form (it does not round-trip)");
  }
  return { ...parsed, spki: der.slice() };
}

/** RFC 5480 §2.1.1 (namedCurve only) and §2.2 (uncompressed points only). */
function parseEcKey(params: DerElement | undefined, point: Uint8Array, field: SignatureField) {
  if (params === undefined) throw new SignatureError(field, "EC key without curve parameters");
  if (params.tag === TAG.SEQUENCE)
    throw new SignatureError(field, "EC keys with explicit curve parameters are not supported");
  if (params.tag !== TAG.OID) throw new SignatureError(field, "EC key parameters must be a named curve OID");
  const c = CURVES.find((x) => bytesEqual(x.oid, params.content));
  if (c === undefined)
    throw new SignatureError(field, `unsupported EC curve ${formatOid(params.content)} (want P-256, P-384 or P-521)`);
  if (point[0] === 0x02 || point[0] === 0x03) {
    throw new SignatureError(field, `compressed ${c.curve} point refused: use the uncompressed form (04 || X || Y)`);
  }
  if (point[0] !== 0x04 || point.length !== 1 + 2 * c.fieldBytes) {
    throw new SignatureError(field, `malformed ${c.curve} point: want 04 || X || Y, ${1 + 2 * c.fieldBytes} bytes`);
  }
  let ok = false;
  try {
    // Decoding checks the point is on the curve; re-encoding rejects coordinates >= p.
    ok = bytesEqual(nobleCurve(c.curve).Point.fromBytes(point).toBytes(false), point);
  } catch {
    ok = false;
  }
  if (!ok) throw new SignatureError(field, `${c.curve} point is not on the curve`);
  return { kind: "ecdsa" as const, curve: c.curve, subjectPublicKey: point.slice() };
}

/** RFC 3279 §2.3.1: parameters MUST be NULL; RSAPublicKey per RFC 8017 §A.1.1. */
function parseRsaKey(params: DerElement | undefined, payload: Uint8Array, field: SignatureField) {
  if (params === undefined || params.tag !== TAG.NULL || params.content.length !== 0) {
    throw new SignatureError(field, "rsaEncryption key parameters must be NULL");
  }
  const { n, e } = parseRsaPublicKey(payload);
  const bits = n.toString(2).length;
  if (bits < MIN_RSA_BITS)
    throw new SignatureError(field, `RSA key of ${bits} bits refused: at least ${MIN_RSA_BITS} bits required`);
  if (bits > MAX_RSA_BITS)
    throw new SignatureError(field, `RSA key of ${bits} bits refused: at most ${MAX_RSA_BITS} bits accepted`);
  if ((n & 1n) === 0n) throw new SignatureError(field, "RSA modulus is even");
  // Go's crypto/rsa refuses e < 2, e > 2^31-1 and (FIPS 186-5 §5.4) even exponents; e = 65537 in practice.
  if (e < 3n || e > 0x7fffffffn || (e & 1n) === 0n) throw new SignatureError(field, `RSA public exponent ${e} refused`);
  return { kind: "rsa" as const, rsaBits: bits, subjectPublicKey: payload.slice() };
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1). Shared with rsa.ts. */
export function parseRsaPublicKey(der: Uint8Array): { n: bigint; e: bigint } {
  const [n, e] = readSequence(parseElement(der, TAG.SEQUENCE, "RSAPublicKey"), "RSAPublicKey", 2);
  return { n: readUnsignedInteger(n!, "modulus"), e: readUnsignedInteger(e!, "publicExponent") };
}

/** RFC 8410 §3: parameters MUST be absent; the key is the 32-byte RFC 8032 encoding. */
function parseEd25519Key(params: DerElement | undefined, key: Uint8Array, field: SignatureField) {
  if (params !== undefined) throw new SignatureError(field, "Ed25519 key parameters must be absent (RFC 8410 §3)");
  if (key.length !== 32) throw new SignatureError(field, `Ed25519 key must be 32 bytes, got ${key.length}`);
  try {
    ed25519.Point.fromBytes(key, false); // strict RFC 8032 §5.1.3 decoding
  } catch {
    throw new SignatureError(field, "Ed25519 key is not a valid point encoding");
  }
  return { kind: "ed25519" as const, subjectPublicKey: key.slice() };
}

/** Canonical DER of what was parsed, the way Go's `x509.MarshalPKIXPublicKey` writes it. */
function encodeSpki(oid: Uint8Array, key: Omit<PublicKeyInfo, "spki" | "certificate">): Uint8Array {
  const parts = [encodeElement(TAG.OID, oid)];
  if (key.kind === "ecdsa") parts.push(encodeElement(TAG.OID, CURVES.find((c) => c.curve === key.curve)!.oid));
  if (key.kind === "rsa") {
    parts.push(encodeElement(TAG.NULL));
    const { n, e } = parseRsaPublicKey(key.subjectPublicKey);
    const rsaPublicKey = encodeElement(TAG.SEQUENCE, encodeUnsignedInteger(n), encodeUnsignedInteger(e));
    return encodeElement(TAG.SEQUENCE, encodeElement(TAG.SEQUENCE, ...parts), encodeBitString(rsaPublicKey));
  }
  return encodeElement(TAG.SEQUENCE, encodeElement(TAG.SEQUENCE, ...parts), encodeBitString(key.subjectPublicKey));
}

// ---------------------------------------------------------------------------------------------------------------
// Certificates

function parseCertificateDer(der: Uint8Array): PublicKeyInfo {
  const spki = parseCertificateStructure(der);
  const key = parseSpkiDer(spki, "certificate");
  return { ...key, certificate: der.slice() };
}

/**
 * Checks a certificate's structure and returns its exact SubjectPublicKeyInfo octets.
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } and
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
 * subjectPublicKeyInfo, ... } (RFC 5280 §4.1).
 */
function parseCertificateStructure(der: Uint8Array): Uint8Array {
  let spki: Uint8Array;
  try {
    const [tbs, sigAlg, sigValue] = readSequence(parseElement(der, TAG.SEQUENCE, "Certificate"), "Certificate", 3);
    if (sigAlg!.tag !== TAG.SEQUENCE || sigValue!.tag !== TAG.BIT_STRING)
      throw new DerError("Certificate: bad signature fields");
    const fields = readSequence(tbs!, "TBSCertificate", 6, 10);
    const hasVersion = fields[0]!.tag === TAG.CONTEXT_0;
    const spkiElement = fields[hasVersion ? 6 : 5];
    if (spkiElement === undefined || spkiElement.tag !== TAG.SEQUENCE)
      throw new DerError("TBSCertificate: no subjectPublicKeyInfo");
    spki = spkiElement.raw;
  } catch (e) {
    throw asSignatureError(e, "certificate", "malformed X.509 certificate");
  }
  let parsed: Certificate;
  try {
    parsed = AsnConvert.parse(der, Certificate);
  } catch (e) {
    throw new SignatureError(
      "certificate",
      `malformed X.509 certificate: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  // Both parsers must find the same key octets.
  const theirs = new Uint8Array(AsnConvert.serialize(parsed.tbsCertificate.subjectPublicKeyInfo));
  if (!bytesEqual(theirs, spki)) {
    throw new SignatureError("certificate", "certificate SubjectPublicKeyInfo is not in canonical DER form");
  }
  return spki;
}

// ---------------------------------------------------------------------------------------------------------------

function looksLikePem(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x2d; // "-", which cannot start DER (tag 0x2d is not a universal type used here)
}

function checkSize(bytes: Uint8Array, field: SignatureField): void {
  if (bytes.length === 0) throw new SignatureError(field, "empty");
  if (bytes.length > MAX_KEY_MATERIAL_BYTES)
    throw new SignatureError(field, `larger than ${MAX_KEY_MATERIAL_BYTES} bytes`);
}

/** DER errors become SignatureErrors with the field; SignatureErrors pass through; anything else is a bug. */
function asSignatureError(e: unknown, field: SignatureField, context: string): unknown {
  if (e instanceof SignatureError) return e;
  if (e instanceof DerError) return new SignatureError(field, `${context}: ${e.message}`);
  return e;
}

/** Dotted form of an OID's content octets, for error messages (X.690 §8.19). */
export function formatOid(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of content) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  if (arcs.length === 0) return "(empty OID)";
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}
