/**
 * What a verifier reads from an entry's canonical body (the leaf bytes): its kind and version, the
 * digests it logs (what an artifact is checked against) and the signers' certificates (whose validity
 * the entry's time must fall in). Knows the bodies edgelog writes and Rekor wrote: Rekor v2
 * hashedrekord/dsse 0.0.2; Rekor v1 hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2, rekord 0.0.1.
 * Never throws on a body it cannot read: it just finds nothing.
 * @module
 */
import { fromBase64, toHex, utf8Decode } from "../tlog/encoding.ts";

export interface EntryDigest {
  /** What the digest is of: "artifact", "payload" or "envelope". */
  label: string;
  /** `sha256:<hex>` (sha384:, sha512:). */
  value: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const V2_HASHES: Record<string, string> = { SHA2_256: "sha256", SHA2_384: "sha384", SHA2_512: "sha512" };

function b64(v: unknown): Uint8Array | null {
  try {
    return typeof v === "string" ? fromBase64(v) : null;
  } catch {
    return null;
  }
}

/** The body as JSON, or null when it is not JSON. */
export function parseBody(leaf: Uint8Array): Json | null {
  try {
    const v = JSON.parse(utf8Decode(leaf)) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

/** `<kind> <apiVersion>` of a body. */
export function bodyKind(body: Json): { kind: string; version: string } {
  return { kind: str(body.kind) ?? "", version: str(body.apiVersion) ?? "" };
}

/** A digest given as {algorithm: "sha256", value: hex} (v1) or {algorithm: "SHA2_256", digest: base64} (v2). */
function digest(label: string, v: unknown): EntryDigest[] {
  const o = obj(v);
  const alg = str(o.algorithm);
  if (!alg) return [];
  if (typeof o.value === "string") return [{ label, value: `${alg.toLowerCase()}:${o.value.toLowerCase()}` }];
  const bytes = b64(o.digest);
  if (bytes) return [{ label, value: `${V2_HASHES[alg] ?? alg.toLowerCase()}:${toHex(bytes)}` }];
  return [];
}

/** The digests a body logs, by kind. */
export function entryDigests(body: Json): EntryDigest[] {
  const { kind, version } = bodyKind(body);
  const spec = obj(body.spec);
  switch (`${kind} ${version}`) {
    case "hashedrekord 0.0.2":
      return digest("artifact", obj(spec.hashedRekordV002).data);
    case "dsse 0.0.2":
      return digest("payload", obj(spec.dsseV002).payloadHash);
    case "hashedrekord 0.0.1":
    case "rekord 0.0.1":
      return digest("artifact", obj(spec.data).hash);
    case "dsse 0.0.1":
      return [...digest("payload", spec.payloadHash), ...digest("envelope", spec.envelopeHash)];
    case "intoto 0.0.2": {
      const c = obj(spec.content);
      return [...digest("payload", c.payloadHash), ...digest("envelope", c.hash)];
    }
    default:
      return [];
  }
}

/** Where each signer's key is in a body: [where, form, value]. */
export function entryKeyFields(body: Json): [string, "pem" | "verifier", unknown][] {
  const { kind, version } = bodyKind(body);
  const spec = obj(body.spec);
  switch (`${kind} ${version}`) {
    case "hashedrekord 0.0.2":
      return [["signature", "verifier", obj(obj(spec.hashedRekordV002).signature).verifier]];
    case "dsse 0.0.2":
      return list(obj(spec.dsseV002).signatures).map((x, i) => [`signatures[${i}]`, "verifier", obj(x).verifier]);
    case "hashedrekord 0.0.1":
      return [["signature", "pem", obj(obj(spec.signature).publicKey).content]];
    case "rekord 0.0.1": {
      const sig = obj(spec.signature);
      return str(sig.format) === "x509" ? [["signature", "pem", obj(sig.publicKey).content]] : [];
    }
    case "dsse 0.0.1":
      return list(spec.signatures).map((x, i) => [`signatures[${i}]`, "pem", obj(x).verifier]);
    case "intoto 0.0.2":
      return list(obj(obj(spec.content).envelope).signatures).map((x, i) => [`signatures[${i}]`, "pem", obj(x).publicKey]);
    default:
      return [];
  }
}

/**
 * The PEM blocks of a text: [label, DER]. A reader of what a log already accepted (its write path parsed the key
 * strictly, src/pki/keys.ts): it finds the blocks and skips what it cannot decode. Kept apart from src/pki so the
 * explorer's bundle carries no ASN.1 library.
 */
export function pemBlocks(text: string): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    const der = b64(m[2]!.replace(/\s+/g, ""));
    if (der && der.length > 0) out.push([m[1]!, der]);
  }
  return out;
}

/** The first PEM block of a base64 PEM field (intoto 0.0.2 may encode it in base64 once more): [label, DER]. */
export function pemField(v: unknown): [string, Uint8Array] | null {
  const bytes = b64(v);
  if (!bytes) return null;
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch {
    return null;
  }
  if (!text.includes("-----BEGIN") && b64(text.trim())) return pemField(text.trim());
  return pemBlocks(text)[0] ?? null;
}

/** The signers' certificates (DER) in a body: a v2 verifier's x509Certificate, or a v1 PEM certificate (the first of a chain). */
export function entryCertificates(body: Json): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const [, form, value] of entryKeyFields(body)) {
    if (form === "verifier") {
      const der = b64(obj(obj(value).x509Certificate).rawBytes);
      if (der) out.push(der);
    } else {
      const block = pemField(value);
      if (block?.[0] === "CERTIFICATE") out.push(block[1]);
    }
  }
  return out;
}
