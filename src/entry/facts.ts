/**
 * What an entry contains, read from its canonical body (the leaf bytes): its kind and version, the digests it logs
 * (of the artifact, the payload, the envelope) and its signers: each one's key (the SHA-256 fingerprint of its
 * SubjectPublicKeyInfo), its certificate's facts (certificate.ts), or a rekord key in another format as logged.
 * The one reader of entries: the search index's keys (src/search/index-keys.ts), the verifier (src/client), the
 * CLI's monitor and the explorer all take what they need from here. Knows the bodies edgelog writes and Rekor wrote:
 * Rekor v2 hashedrekord/dsse 0.0.2; Rekor v1 hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2, rekord 0.0.1. Pure and
 * free of ASN.1 libraries (the explorer bundles it); never throws on a body it cannot read: it just finds nothing.
 * @module
 */
import { decodePem } from "../pki/pem.ts";
import { fromBase64, toHex, utf8Decode } from "../tlog/encoding.ts";
import { sha256Bytes } from "../tlog/hash.ts";
import { readCertificate, type CertificateFacts } from "./certificate.ts";

export interface EntryDigest {
  /** What the digest is of: "artifact", "payload" or "envelope". */
  label: string;
  /** `<algorithm>:<hex>` as the entry gives it, lowercased (`sha256:<hex>` for the v2 enum SHA2_256). */
  value: string;
  /** `sha256:`, `sha384:` or `sha512:` with well-formed hex: the form searches and watches match; else null. */
  canonical: string | null;
}

export interface EntrySigner {
  /** Where in the entry it was found, e.g. "signature" or "signatures[1]". */
  where: string;
  /** The key's SubjectPublicKeyInfo (DER), a certificate's included. */
  spki?: Uint8Array;
  /** SHA-256 of `spki`, hex. */
  keyFingerprint?: string;
  certificate?: CertificateFacts;
  /** The certificate as logged (DER). */
  certificateDer?: Uint8Array;
  /** A rekord key's format ("x509", "pgp", "minisign", "ssh") and its bytes as logged. */
  format?: string;
  content?: Uint8Array;
  /** The PEM was base64-encoded once more than the entry type says (some intoto 0.0.2 writers). */
  doubleEncoded?: boolean;
  /** Why the key or certificate could not be read, if so. */
  problem?: string;
}

export interface EntryFacts {
  /** The body's `kind` and `apiVersion` ("" where it has none). */
  kind: string;
  version: string;
  /** Whether this is a kind and version read here. */
  known: boolean;
  digests: EntryDigest[];
  signers: EntrySigner[];
  /** The parsed body (null when it is not a JSON object). */
  json: Json | null;
  /** Why the body could not be read as a known type, if so. */
  problem?: string;
}

export interface ReadOptions {
  /** Read the signers (keys and certificates: the costly part); default true. */
  signers?: boolean;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function b64(v: unknown): Uint8Array | null {
  try {
    return typeof v === "string" ? fromBase64(v) : null;
  } catch {
    return null;
  }
}

const KNOWN = new Set([
  "hashedrekord 0.0.2",
  "dsse 0.0.2",
  "hashedrekord 0.0.1",
  "dsse 0.0.1",
  "intoto 0.0.2",
  "rekord 0.0.1",
]);

/** Everything an entry contains. */
export function entryFacts(leaf: Uint8Array, opts: ReadOptions = {}): EntryFacts {
  const body = parseBody(leaf);
  if (!body)
    return {
      kind: "",
      version: "",
      known: false,
      digests: [],
      signers: [],
      json: null,
      problem: "the entry is not JSON",
    };
  const kind = str(body.kind) ?? "";
  const version = str(body.apiVersion) ?? "";
  const known = KNOWN.has(`${kind} ${version}`);
  const facts: EntryFacts = {
    kind,
    version,
    known,
    digests: entryDigests(kind, version, obj(body.spec)),
    signers: [],
    json: body,
  };
  if (!known) facts.problem = `${kind || "unknown"} ${version} is not a type this page reads; its JSON is below`;
  else if (opts.signers !== false) facts.signers = entrySigners(kind, version, obj(body.spec));
  return facts;
}

/** The body as a JSON object, or null. */
function parseBody(leaf: Uint8Array): Json | null {
  try {
    const v = JSON.parse(utf8Decode(leaf)) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Digests

const HASH_NAMES: Record<string, string> = {
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  SHA2_256: "sha256",
  SHA2_384: "sha384",
  SHA2_512: "sha512",
};
const CANONICAL_DIGEST = /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;

function canonicalDigest(algorithm: string, hex: string): string | null {
  const name = HASH_NAMES[algorithm];
  const value = `${name}:${hex.toLowerCase()}`;
  return name && CANONICAL_DIGEST.test(value) ? value : null;
}

/** A v1 digest `{algorithm: "sha256", value: hex}`. */
function v1Digest(label: string, v: unknown): EntryDigest[] {
  const alg = str(obj(v).algorithm);
  const hex = str(obj(v).value);
  if (alg === undefined || hex === undefined) return [];
  return [{ label, value: `${alg.toLowerCase()}:${hex.toLowerCase()}`, canonical: canonicalDigest(alg, hex) }];
}

/** A v2 digest `{algorithm: "SHA2_256", digest: base64}`. */
function v2Digest(label: string, v: unknown): EntryDigest[] {
  const alg = str(obj(v).algorithm);
  const bytes = b64(obj(v).digest);
  if (alg === undefined || bytes === null) return [];
  const hex = toHex(bytes);
  return [{ label, value: `${HASH_NAMES[alg] ?? alg.toLowerCase()}:${hex}`, canonical: canonicalDigest(alg, hex) }];
}

/** rekord's data digest: Rekor's schema allows only a lowercase SHA-256. */
function rekordDigest(v: unknown): EntryDigest[] {
  return v1Digest("artifact", v).map((d) => ({
    ...d,
    canonical: obj(v).algorithm === "sha256" && /^[0-9a-f]{64}$/.test(String(obj(v).value)) ? d.canonical : null,
  }));
}

function entryDigests(kind: string, version: string, spec: Json): EntryDigest[] {
  switch (`${kind} ${version}`) {
    case "hashedrekord 0.0.2":
      return v2Digest("artifact", obj(spec.hashedRekordV002).data);
    case "dsse 0.0.2":
      return v2Digest("payload", obj(spec.dsseV002).payloadHash);
    case "hashedrekord 0.0.1":
      return v1Digest("artifact", obj(spec.data).hash);
    case "rekord 0.0.1":
      return rekordDigest(obj(spec.data).hash);
    case "dsse 0.0.1":
      return [...v1Digest("payload", spec.payloadHash), ...v1Digest("envelope", spec.envelopeHash)];
    case "intoto 0.0.2": {
      const c = obj(spec.content);
      return [...v1Digest("payload", c.payloadHash), ...v1Digest("envelope", c.hash)];
    }
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Signers

function entrySigners(kind: string, version: string, spec: Json): EntrySigner[] {
  switch (`${kind} ${version}`) {
    case "hashedrekord 0.0.2":
      return [fromVerifier("signature", obj(obj(spec.hashedRekordV002).signature).verifier)];
    case "dsse 0.0.2":
      return list(obj(spec.dsseV002).signatures).map((x, i) => fromVerifier(`signatures[${i}]`, obj(x).verifier));
    case "hashedrekord 0.0.1":
      return [fromPem("signature", obj(obj(spec.signature).publicKey).content)];
    case "rekord 0.0.1": {
      const sig = obj(spec.signature);
      const format = str(sig.format) ?? "unknown";
      const content = b64(obj(sig.publicKey).content);
      const signer: EntrySigner =
        format === "x509"
          ? fromPem("signature", obj(sig.publicKey).content)
          : content
            ? { where: "signature" }
            : { where: "signature", problem: "no key" };
      return [{ ...signer, format, ...(content ? { content } : {}) }];
    }
    case "dsse 0.0.1":
      return list(spec.signatures).map((x, i) => fromPem(`signatures[${i}]`, obj(x).verifier));
    case "intoto 0.0.2":
      return list(obj(obj(spec.content).envelope).signatures).map((x, i) =>
        fromPem(`signatures[${i}]`, obj(x).publicKey),
      );
    default:
      return [];
  }
}

function fromKey(where: string, spki: Uint8Array): EntrySigner {
  return { where, spki, keyFingerprint: toHex(sha256Bytes(spki)) };
}

function fromCertificate(where: string, der: Uint8Array): EntrySigner {
  try {
    const certificate = readCertificate(der);
    return {
      where,
      spki: certificate.spki,
      keyFingerprint: certificate.keyFingerprint,
      certificate,
      certificateDer: der,
    };
  } catch (e) {
    return { where, certificateDer: der, problem: `certificate could not be read: ${(e as Error).message}` };
  }
}

/** A v2 verifier: {publicKey: {rawBytes}} | {x509Certificate: {rawBytes}} (DER, base64). */
function fromVerifier(where: string, v: unknown): EntrySigner {
  const key = obj(obj(v).publicKey).rawBytes;
  if (typeof key === "string") {
    const spki = b64(key);
    return spki ? fromKey(where, spki) : { where, problem: "the key is not base64" };
  }
  const cert = b64(obj(obj(v).x509Certificate).rawBytes);
  return cert ? fromCertificate(where, cert) : { where, problem: "no verifier" };
}

/** A v1 key field: base64 of a PEM public key or certificate (a chain: its first certificate signed). */
function fromPem(where: string, v: unknown): EntrySigner {
  let text = pemText(v);
  if (text === null) return { where, problem: "no key" };
  let doubleEncoded = false;
  if (!text.includes("-----BEGIN")) {
    text = pemText(text.trim());
    doubleEncoded = text !== null;
    if (text === null) return { where, problem: "key is not PEM" };
  }
  let block;
  try {
    block = decodePem(text)[0]!;
  } catch {
    return { where, problem: "key is not PEM" };
  }
  const signer =
    block.label === "CERTIFICATE"
      ? fromCertificate(where, block.der)
      : block.label === "PUBLIC KEY"
        ? fromKey(where, block.der)
        : { where, problem: `a PEM ${block.label} is not a key` };
  return doubleEncoded ? { ...signer, doubleEncoded } : signer;
}

function pemText(v: unknown): string | null {
  const bytes = b64(v);
  if (!bytes) return null;
  try {
    return utf8Decode(bytes);
  } catch {
    return null;
  }
}
