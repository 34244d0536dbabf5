/**
 * What an entry says, read from its canonical body (the leaf bytes): its type, the digests it logs and
 * who signed it (a certificate's identities or a key's fingerprint). Knows the bodies edgelog writes
 * (src/rekor: Rekor v2 Entry JSON hashedrekord/dsse 0.0.2; Rekor v1 hashedrekord 0.0.1, dsse 0.0.1,
 * intoto 0.0.2, rekord 0.0.1); anything else is shown as JSON. Never throws on a body it cannot read.
 */
import { bodyKind, entryDigests, entryKeyFields, parseBody, pemField } from "../src/client/entry-body.ts";
import { fromBase64, toHex } from "../src/tlog/encoding.ts";
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

function b64(v: unknown): Uint8Array | null {
  try {
    return typeof v === "string" ? fromBase64(v) : null;
  } catch {
    return null;
  }
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
  if (!b64(v)) return { where, problem: "no key" };
  const first = pemField(v);
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

const KNOWN = new Set(["hashedrekord 0.0.2", "dsse 0.0.2", "hashedrekord 0.0.1", "dsse 0.0.1", "intoto 0.0.2", "rekord 0.0.1"]);

export function entryFacts(leaf: Uint8Array): EntryFacts {
  const top = parseBody(leaf);
  if (!top) return { kind: "unknown", version: "", digests: [], signers: [], json: null, problem: "the entry is not JSON" };
  const { kind, version } = bodyKind(top);
  const facts: EntryFacts = { kind: kind || "unknown", version, digests: entryDigests(top), signers: [], json: top };
  if (!KNOWN.has(`${kind} ${version}`)) {
    facts.problem = `${kind || "unknown"} ${version} is not a type this page reads; its JSON is below`;
    return facts;
  }
  const spec = obj(top.spec);
  const sig = obj(spec.signature);
  // rekord's PGP, minisign and SSH keys are shown by their format.
  if (kind === "rekord" && sig.format !== "x509") facts.signers = [{ where: "signature", format: typeof sig.format === "string" ? sig.format : "unknown" }];
  else facts.signers = entryKeyFields(top).map(([where, form, value]) => (form === "verifier" ? fromVerifier(where, value) : fromPem(where, value)));
  return facts;
}
