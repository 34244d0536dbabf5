/**
 * What a monitor can match in a log entry: the artifact digests, the signing keys (SHA-256 of the DER
 * SubjectPublicKeyInfo, hex) and, for certificates, the identities in their Subject Alternative Name
 * (emails, URIs such as a workflow identity). Works on every entry type edgelog logs (Rekor v2
 * hashedrekord/dsse 0.0.2, Rekor v1 hashedrekord/dsse 0.0.1, intoto 0.0.2) by walking the canonical
 * JSON: digests are `{algorithm, value (hex)}` or `digest`/`{algorithm, digest (base64)}` fields; key
 * material is `rawBytes` (DER) or base64 PEM (`publicKey.content`, `verifier`).
 * @module
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, GeneralNames, id_ce_subjectAltName } from "@peculiar/asn1-x509";
import { parsePublicKey } from "../src/pki/keys.ts";
import { fromBase64, toHex } from "../src/tlog/encoding.ts";
import { sha256Bytes } from "../src/tlog/hash.ts";

export interface LeafFacts {
  kind: string;
  digests: string[];
  keys: string[];
  identities: string[];
}

const hex = toHex;
const HEX_DIGEST = /^[0-9a-f]{64}$|^[0-9a-f]{96}$|^[0-9a-f]{128}$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** SHA-256 of the DER SPKI, hex: the fingerprint `--watch-key` takes (also computed from a key file). */
export function keyFingerprint(spki: Uint8Array): string {
  return toHex(sha256Bytes(spki));
}

function sanIdentities(certDer: Uint8Array): string[] {
  try {
    const cert = AsnConvert.parse(certDer, Certificate);
    const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
    if (!ext) return [];
    const names = AsnConvert.parse(ext.extnValue.buffer, GeneralNames);
    const out: string[] = [];
    for (const n of names) {
      if (n.rfc822Name) out.push(n.rfc822Name);
      if (n.uniformResourceIdentifier) out.push(n.uniformResourceIdentifier);
      if (n.dNSName) out.push(n.dNSName);
    }
    return out;
  } catch {
    return [];
  }
}

/** Parsed key material by its encoding: logs repeat the same keys and certificates many times. */
const keyCache = new Map<string, { fingerprint: string; identities: string[] } | null>();
const KEY_CACHE_MAX = 50_000;

function addKeyMaterial(encoded: string, decode: () => Uint8Array | string, facts: LeafFacts): void {
  let parsed = keyCache.get(encoded);
  if (parsed === undefined) {
    try {
      const key = parsePublicKey(decode());
      parsed = { fingerprint: keyFingerprint(key.spki), identities: key.certificate ? sanIdentities(key.certificate) : [] };
    } catch {
      parsed = null; // not a key we can parse: nothing to match
    }
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(encoded, parsed);
  }
  if (parsed) {
    facts.keys.push(parsed.fingerprint);
    facts.identities.push(...parsed.identities);
  }
}

function b64Bytes(s: string): Uint8Array | null {
  if (s.length % 4 !== 0 || !B64.test(s)) return null;
  try {
    return fromBase64(s);
  } catch {
    return null;
  }
}

function walk(v: unknown, parentKey: string, facts: LeafFacts, keys: boolean): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, parentKey, facts, keys);
    return;
  }
  if (v === null || typeof v !== "object") {
    if (typeof v !== "string") return;
    if ((parentKey === "value" || parentKey === "digest") && HEX_DIGEST.test(v)) facts.digests.push(v);
    else if (parentKey === "digest") {
      const b = b64Bytes(v);
      if (b && [32, 48, 64].includes(b.length)) facts.digests.push(hex(b));
    } else if (!keys) {
      return;
    } else if (parentKey === "rawBytes") {
      if (v.length % 4 === 0 && B64.test(v)) addKeyMaterial(v, () => b64Bytes(v)!, facts);
    } else if ((parentKey === "content" || parentKey === "verifier" || parentKey === "publicKey") && v.startsWith("LS0tLS1CRUdJTi")) {
      // base64 of "-----BEGIN": a PEM key or certificate (chain)
      if (v.length % 4 === 0 && B64.test(v)) addKeyMaterial(v, () => new TextDecoder().decode(b64Bytes(v)!), facts);
    }
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === "envelope" && typeof x === "string") continue; // a whole DSSE envelope: its hash is listed separately
    walk(x, k, facts, keys);
  }
}

/**
 * Extracts the facts of one entry (a canonical Rekor body); unparsable entries have none. With
 * `keys` false, keys and identities are skipped (parsing a certificate per entry is the costly part).
 */
export function leafFacts(leaf: Uint8Array, keys = true): LeafFacts {
  const facts: LeafFacts = { kind: "unknown", digests: [], keys: [], identities: [] };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(leaf));
  } catch {
    return facts;
  }
  if (json && typeof json === "object") {
    const o = json as { kind?: unknown; apiVersion?: unknown };
    if (typeof o.kind === "string") facts.kind = `${o.kind}${typeof o.apiVersion === "string" ? " " + o.apiVersion : ""}`;
  }
  walk(json, "", facts, keys);
  facts.digests = [...new Set(facts.digests)];
  facts.keys = [...new Set(facts.keys)];
  facts.identities = [...new Set(facts.identities)];
  return facts;
}

/** What to watch for; all values are compared case-insensitively (emails) or as lowercase hex. */
export interface Watch {
  digests: Set<string>;
  keys: Set<string>;
  /** Exact SAN values (emails, URIs). */
  identities: Set<string>;
  /** Email addresses or domains ("@example.com"). */
  emails: string[];
}

/** Whether matching needs keys and certificates parsed. */
export function watchNeedsKeys(w: Watch): boolean {
  return w.keys.size > 0 || w.identities.size > 0 || w.emails.length > 0;
}

export function watchIsEmpty(w: Watch): boolean {
  return w.digests.size === 0 && w.keys.size === 0 && w.identities.size === 0 && w.emails.length === 0;
}

export interface MatchReason {
  kind: "digest" | "key" | "identity" | "email";
  value: string;
}

export function matchFacts(facts: LeafFacts, w: Watch): MatchReason[] {
  const out: MatchReason[] = [];
  for (const d of facts.digests) if (w.digests.has(d)) out.push({ kind: "digest", value: d });
  for (const k of facts.keys) if (w.keys.has(k)) out.push({ kind: "key", value: k });
  for (const id of facts.identities) {
    if (w.identities.has(id)) out.push({ kind: "identity", value: id });
    const lower = id.toLowerCase();
    for (const e of w.emails) {
      if (e.startsWith("@") ? lower.endsWith(e.toLowerCase()) : lower === e.toLowerCase()) out.push({ kind: "email", value: id });
    }
  }
  return out;
}
