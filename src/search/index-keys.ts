/**
 * The search index's keys of an entry: a pure function of the canonical leaf, so the index can be
 * rebuilt from the log (SEARCH-CONTRACT.md). Key forms:
 *   digests      `sha256:<hex>`, `sha384:<hex>`, `sha512:<hex>` (artifact, payload and envelope digests)
 *   public keys  `key:sha256:<hex of SHA-256(SPKI DER)>` (also the key in a certificate); other kinds
 *                (`key:pgp:`, `key:minisign:`, `key:ssh:`) come from their entry types' extractors
 *   identities   `email:<lowercased>`, `subject:<exact>`, `issuer:<exact>`, `repository:<exact>`
 *
 * Each entry type registers an extractor under its kind and apiVersion ({@link registerIndexKeys});
 * the ones here cover the v2 kinds (hashedrekord, dsse 0.0.2) and the v1 hashedrekord 0.0.1,
 * dsse 0.0.1 and intoto 0.0.2. An extractor reads the parsed canonical entry and may throw on a shape
 * it does not expect: {@link indexKeysOf} then indexes nothing for that entry, and never throws.
 * @module
 */
import { decodePem } from "../pki/keys.ts";
import { fromBase64, toHex, utf8Decode } from "../tlog/encoding.ts";
import { certificateKeys, spkiKeys } from "./certificate-keys.ts";
import { rekordIndexKeys } from "./rekord-keys.ts";

export { certificateKeys, normalizeEmail, spkiKeys } from "./certificate-keys.ts";

/**
 * Reads the parsed canonical entry, `{apiVersion, kind, spec}` (the whole JSON body of the leaf),
 * and returns its keys (duplicates allowed; they are removed).
 */
export type IndexKeyExtractor = (body: unknown) => string[];

import { MAX_KEY_LENGTH, MAX_KEYS_PER_ENTRY } from "./key-forms.ts";

export { MAX_KEY_LENGTH, MAX_KEYS_PER_ENTRY };

const extractors = new Map<string, IndexKeyExtractor>();

/** Plugs an entry type into the index: its keys are what `fn` returns for its leaves. */
export function registerIndexKeys(kind: string, apiVersion: string, fn: IndexKeyExtractor): void {
  extractors.set(`${kind}/${apiVersion}`, fn);
}

/** The `kind/apiVersion` pairs that have an extractor. */
export function indexedKinds(): string[] {
  return [...extractors.keys()];
}

/** The deduplicated search keys of a canonical leaf; [] for anything not a known entry kind. Never throws. */
export function indexKeysOf(leaf: Uint8Array): string[] {
  if (!mayBeJsonObject(leaf)) return [];
  try {
    const body: unknown = JSON.parse(utf8Decode(leaf));
    if (!isRecord(body) || typeof body.kind !== "string" || typeof body.apiVersion !== "string") return [];
    const fn = extractors.get(`${body.kind}/${body.apiVersion}`);
    if (!fn) return [];
    return [...new Set(fn(body).filter((k) => typeof k === "string" && k.length > 0 && k.length <= MAX_KEY_LENGTH))].slice(0, MAX_KEYS_PER_ENTRY);
  } catch {
    return [];
  }
}

/**
 * False when the leaf cannot be a JSON object: its first byte after JSON whitespace is not "{" (and
 * it has no UTF-8 byte order mark, which decoding drops). Raw leaves (POST /add) skip decoding and a
 * thrown parse error, which cost the sequencer ~20 µs per leaf.
 */
function mayBeJsonObject(leaf: Uint8Array): boolean {
  for (const b of leaf) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b || b === 0xef;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading helpers for extractors: each throws on an unexpected shape (indexKeysOf catches).

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `v[path[0]][path[1]]...`, or undefined where the path does not exist. */
export function field(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const p of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

const HEX_DIGEST = /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;

/** A digest key from an algorithm name (`sha256`, or the v2 enum `SHA2_256`) and the digest bytes; null if unknown. */
export function digestKey(algorithm: unknown, digest: Uint8Array | string): string | null {
  const names: Record<string, string> = { sha256: "sha256", sha384: "sha384", sha512: "sha512", SHA2_256: "sha256", SHA2_384: "sha384", SHA2_512: "sha512" };
  const name = typeof algorithm === "string" ? names[algorithm] : undefined;
  if (!name) return null;
  const key = `${name}:${typeof digest === "string" ? digest.toLowerCase() : toHex(digest)}`;
  return HEX_DIGEST.test(key) ? key : null;
}

/** Keys of a PEM public key or certificate chain (its first certificate: the one whose key signed). */
export function pemKeys(pem: Uint8Array | string): string[] {
  const first = decodePem(pem)[0]!;
  if (first.label === "CERTIFICATE") return certificateKeys(first.der);
  if (first.label === "PUBLIC KEY") return spkiKeys(first.der);
  return [];
}

/** Keys of a Rekor v2 `Verifier` (DER SPKI or DER certificate, base64 in protojson). */
function v2VerifierKeys(verifier: unknown): string[] {
  const spki = field(verifier, "publicKey", "rawBytes");
  if (typeof spki === "string") return spkiKeys(fromBase64(spki));
  const cert = field(verifier, "x509Certificate", "rawBytes");
  if (typeof cert === "string") return certificateKeys(fromBase64(cert));
  return [];
}

/** v2 `HashOutput {algorithm, digest(base64)}`. */
function v2Digest(h: unknown): string[] {
  const digest = field(h, "digest");
  if (typeof digest !== "string") return [];
  const k = digestKey(field(h, "algorithm"), fromBase64(digest));
  return k ? [k] : [];
}

/** v1 `{algorithm, value(hex)}`. */
function v1Digest(h: unknown): string[] {
  const value = field(h, "value");
  if (typeof value !== "string") return [];
  const k = digestKey(field(h, "algorithm"), value);
  return k ? [k] : [];
}

/** Base64 of a PEM key or certificate (the v1 canonical form of keys). */
function v1PemKeys(b64: unknown): string[] {
  return typeof b64 === "string" ? pemKeys(utf8Decode(fromBase64(b64))) : [];
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Each part's keys on its own: a part that cannot be read does not cost the others. */
function collect(...parts: (() => string[])[]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    try {
      out.push(...p());
    } catch {
      // skipped: unreadable part
    }
  }
  return out;
}

registerIndexKeys("hashedrekord", "0.0.2", (body) => {
  const spec = field(body, "spec", "hashedRekordV002");
  return collect(
    () => v2Digest(field(spec, "data")),
    () => v2VerifierKeys(field(spec, "signature", "verifier")),
  );
});

registerIndexKeys("dsse", "0.0.2", (body) => {
  const spec = field(body, "spec", "dsseV002");
  return collect(
    () => v2Digest(field(spec, "payloadHash")),
    ...list(field(spec, "signatures")).map((s) => () => v2VerifierKeys(field(s, "verifier"))),
  );
});

registerIndexKeys("hashedrekord", "0.0.1", (body) => {
  const spec = field(body, "spec");
  return collect(
    () => v1Digest(field(spec, "data", "hash")),
    () => v1PemKeys(field(spec, "signature", "publicKey", "content")),
  );
});

registerIndexKeys("dsse", "0.0.1", (body) => {
  const spec = field(body, "spec");
  return collect(
    () => v1Digest(field(spec, "payloadHash")),
    () => v1Digest(field(spec, "envelopeHash")),
    ...list(field(spec, "signatures")).map((s) => () => v1PemKeys(field(s, "verifier"))),
  );
});

registerIndexKeys("intoto", "0.0.2", (body) => {
  const content = field(body, "spec", "content");
  return collect(
    () => v1Digest(field(content, "payloadHash")),
    () => v1Digest(field(content, "hash")),
    ...list(field(content, "envelope", "signatures")).map((s) => () => v1PemKeys(field(s, "publicKey"))),
  );
});

registerIndexKeys("rekord", "0.0.1", rekordIndexKeys);
