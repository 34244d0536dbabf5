/**
 * What an entry says, read from its canonical body (the leaf bytes): its type, the digests it logs and
 * who signed it (a certificate's identities or a key's fingerprint). Knows the bodies edgelog writes
 * (src/rekor: Rekor v2 Entry JSON hashedrekord/dsse 0.0.2; Rekor v1 hashedrekord 0.0.1, dsse 0.0.1,
 * intoto 0.0.2, rekord 0.0.1); anything else is shown as JSON. Never throws on a body it cannot read.
 */
import { fromBase64, toHex, utf8Decode } from "../src/tlog/encoding.ts";
import { sha256Bytes } from "../src/tlog/hash.ts";
import { summarizeCertificate, type CertificateSummary } from "./certificate.ts";

export interface Signer {
  /** Where in the entry it was found, e.g. "signature" or "signatures[1]". */
  where: string;
  certificate?: CertificateSummary;
  /** SHA-256 of the SPKI DER, hex (a certificate's key included). */
  keyFingerprint?: string;
  /** Key formats other than X.509 (rekord pgp/minisign/ssh), shown as is. */
  format?: string;
  problem?: string;
}

export interface EntryFacts {
  kind: string;
  version: string;
  /** `sha256:<hex>` etc., with what each digest is of. */
  digests: { label: string; value: string }[];
  signers: Signer[];
  json: unknown;
  /** Why the body could not be read as a known type, if so. */
  problem?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

const V2_HASHES: Record<string, string> = { SHA2_256: "sha256", SHA2_384: "sha384", SHA2_512: "sha512" };

function b64(v: unknown): Uint8Array | null {
  try {
    return typeof v === "string" ? fromBase64(v) : null;
  } catch {
    return null;
  }
}

/** A digest given as {algorithm: "sha256", value: hex} (v1) or {algorithm: "SHA2_256", digest: base64} (v2). */
function digest(label: string, v: unknown): { label: string; value: string }[] {
  const o = obj(v);
  const alg = str(o.algorithm);
  if (!alg) return [];
  if (typeof o.value === "string") return [{ label, value: `${alg.toLowerCase()}:${o.value.toLowerCase()}` }];
  const bytes = b64(o.digest);
  if (bytes) return [{ label, value: `${V2_HASHES[alg] ?? alg.toLowerCase()}:${toHex(bytes)}` }];
  return [];
}

/** Base64 blocks of a PEM text: [label, DER]. */
function pemBlocks(text: string): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    const der = b64(m[2]!.replace(/\s+/g, ""));
    if (der) out.push([m[1]!, der]);
  }
  return out;
}

function fromDer(where: string, kind: "certificate" | "key", der: Uint8Array): Signer {
  if (kind === "key") return { where, keyFingerprint: toHex(sha256Bytes(der)) };
  try {
    const certificate = summarizeCertificate(der);
    return { where, certificate, keyFingerprint: certificate.keyFingerprint };
  } catch (e) {
    return { where, problem: `certificate could not be read: ${(e as Error).message}` };
  }
}

/** A v1 key field: base64 of a PEM public key or certificate (chain: the first one signed). */
function fromPem(where: string, v: unknown): Signer {
  const bytes = b64(v);
  if (!bytes) return { where, problem: "no key" };
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch {
    return { where, problem: "key is not PEM" };
  }
  // intoto 0.0.2 may carry the PEM base64-encoded once more.
  if (!text.includes("-----BEGIN") && b64(text.trim())) return fromPem(where, text.trim());
  const [first] = pemBlocks(text);
  if (!first) return { where, problem: "key is not PEM" };
  return fromDer(where, first[0] === "CERTIFICATE" ? "certificate" : "key", first[1]);
}

/** A v2 verifier: {publicKey: {rawBytes}} | {x509Certificate: {rawBytes}}. */
function fromVerifier(where: string, v: unknown): Signer {
  const o = obj(v);
  const cert = b64(obj(o.x509Certificate).rawBytes);
  if (cert) return fromDer(where, "certificate", cert);
  const key = b64(obj(o.publicKey).rawBytes);
  if (key) return fromDer(where, "key", key);
  return { where, problem: "no verifier" };
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function entryFacts(leaf: Uint8Array): EntryFacts {
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(leaf));
  } catch {
    return { kind: "unknown", version: "", digests: [], signers: [], json: null, problem: "the entry is not JSON" };
  }
  const top = obj(json);
  const kind = str(top.kind) ?? "unknown";
  const version = str(top.apiVersion) ?? "";
  const spec = obj(top.spec);
  const facts: EntryFacts = { kind, version, digests: [], signers: [], json };
  switch (`${kind} ${version}`) {
    case "hashedrekord 0.0.2": {
      const s = obj(spec.hashedRekordV002);
      facts.digests = digest("artifact", s.data);
      facts.signers = [fromVerifier("signature", obj(s.signature).verifier)];
      break;
    }
    case "dsse 0.0.2": {
      const s = obj(spec.dsseV002);
      facts.digests = digest("payload", s.payloadHash);
      facts.signers = list(s.signatures).map((x, i) => fromVerifier(`signatures[${i}]`, obj(x).verifier));
      break;
    }
    case "hashedrekord 0.0.1":
      facts.digests = digest("artifact", obj(spec.data).hash);
      facts.signers = [fromPem("signature", obj(obj(spec.signature).publicKey).content)];
      break;
    case "dsse 0.0.1":
      facts.digests = [...digest("payload", spec.payloadHash), ...digest("envelope", spec.envelopeHash)];
      facts.signers = list(spec.signatures).map((x, i) => fromPem(`signatures[${i}]`, obj(x).verifier));
      break;
    case "intoto 0.0.2": {
      const c = obj(spec.content);
      facts.digests = [...digest("payload", c.payloadHash), ...digest("envelope", c.hash)];
      facts.signers = list(obj(c.envelope).signatures).map((x, i) => fromPem(`signatures[${i}]`, obj(x).publicKey));
      break;
    }
    case "rekord 0.0.1": {
      facts.digests = digest("artifact", obj(spec.data).hash);
      const sig = obj(spec.signature);
      const format = str(sig.format) ?? "unknown";
      facts.signers = [format === "x509" ? fromPem("signature", obj(sig.publicKey).content) : { where: "signature", format }];
      break;
    }
    default:
      facts.problem = `${kind} ${version} is not a type this page reads; its JSON is below`;
  }
  return facts;
}
