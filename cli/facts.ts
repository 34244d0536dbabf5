/**
 * What a monitor can match in a log entry, as src/entry/facts.ts reads it: the artifact digests (hex), the signing
 * keys (SHA-256 of the DER SubjectPublicKeyInfo, hex) and, for certificates, the identities in their Subject
 * Alternative Name (e-mails, URIs such as a workflow identity, DNS names).
 * @module
 */
import { entryFacts } from "../src/entry/facts.ts";
import { toHex } from "../src/tlog/encoding.ts";
import { sha256Bytes } from "../src/tlog/hash.ts";

export interface LeafFacts {
  kind: string;
  digests: string[];
  keys: string[];
  identities: string[];
}

/** SHA-256 of the DER SPKI, hex: the fingerprint `--watch-key` takes (also computed from a key file). */
export function keyFingerprint(spki: Uint8Array): string {
  return toHex(sha256Bytes(spki));
}

/**
 * The facts of one entry (a canonical Rekor body); unparsable entries have none. With `keys` false, keys and
 * identities are skipped (reading a certificate per entry is the costly part).
 */
export function leafFacts(leaf: Uint8Array, keys = true): LeafFacts {
  const f = entryFacts(leaf, { signers: keys });
  const facts: LeafFacts = {
    kind: f.kind ? `${f.kind}${f.version ? ` ${f.version}` : ""}` : "unknown",
    digests: [],
    keys: [],
    identities: [],
  };
  for (const d of f.digests)
    if (d.canonical !== null) facts.digests.push(d.canonical.slice(d.canonical.indexOf(":") + 1));
  for (const s of f.signers) {
    if (s.keyFingerprint) facts.keys.push(s.keyFingerprint);
    const names = [...(s.certificate?.subjectAltNames.map((n) => n.value) ?? []), ...(s.certificate?.dnsNames ?? [])];
    facts.identities.push(...names.filter((n) => n.length > 0));
  }
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
      if (e.startsWith("@") ? lower.endsWith(e.toLowerCase()) : lower === e.toLowerCase())
        out.push({ kind: "email", value: id });
    }
  }
  return out;
}
