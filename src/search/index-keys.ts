/**
 * The search index's keys of an entry: a pure function of the canonical leaf, so the index can be rebuilt from the
 * log. They are what src/entry/facts.ts finds in the entry, in these forms:
 *   digests      `sha256:<hex>`, `sha384:<hex>`, `sha512:<hex>` (artifact, payload and envelope digests)
 *   public keys  `key:sha256:<hex of SHA-256(SPKI DER)>` (also the key in a certificate); rekord's other formats
 *                `key:pgp:`, `key:minisign:`, `key:ssh:` (rekord-keys.ts)
 *   identities   `email:<lowercased>`, `subject:<exact>`, `issuer:<exact>`, `repository:<exact>`
 * @module
 */
import { entryFacts, type EntrySigner } from "../entry/facts.ts";
import { certificateFactKeys, spkiKeys } from "./certificate-keys.ts";
import { MAX_KEY_LENGTH, MAX_KEYS_PER_ENTRY } from "./key-forms.ts";
import { PUBLIC_KEY_FORMATS, publicKeyIndexKeys, type PublicKeyFormat } from "./rekord-keys.ts";

export { certificateKeys, normalizeEmail, spkiKeys } from "./certificate-keys.ts";
export { MAX_KEY_LENGTH, MAX_KEYS_PER_ENTRY };

/** The deduplicated search keys of a canonical leaf; [] for anything not a known entry kind. Never throws. */
export function indexKeysOf(leaf: Uint8Array): string[] {
  return keysOf(leaf, true);
}

/** An artifact digest's key (`sha256:<hex>`, ...): the one kind found without reading the entry's signers. */
const DIGEST_KEY = /^sha(256|384|512):/;

/**
 * Whether `key` is one of indexKeysOf(leaf) (a search checks each hit the unauthenticated index names). A digest key
 * reads the entry's digests alone: they come first in indexKeysOf's list, so the same filter, order and cap apply,
 * and the signers (an SPKI hashed, a certificate parsed) are never read for it.
 */
export function hasIndexKey(leaf: Uint8Array, key: string): boolean {
  return keysOf(leaf, !DIGEST_KEY.test(key)).includes(key);
}

/** The leaf's keys: its digests' first, then (with `signers`) its signers'; filtered, deduplicated and capped. */
function keysOf(leaf: Uint8Array, signers: boolean): string[] {
  if (!mayBeJsonObject(leaf)) return [];
  try {
    const facts = entryFacts(leaf, { signers });
    if (!facts.known) return [];
    const keys = facts.digests.flatMap((d) => (d.canonical === null ? [] : [d.canonical]));
    for (const signer of facts.signers) keys.push(...signerKeys(signer));
    return [...new Set(keys.filter((k) => k.length > 0 && k.length <= MAX_KEY_LENGTH))].slice(0, MAX_KEYS_PER_ENTRY);
  } catch {
    return [];
  }
}

/** One signer's keys; a key that cannot be read costs its own keys only. */
function signerKeys(s: EntrySigner): string[] {
  // rekord keys are named as their tools name them, read as the v1 index query reads them.
  if (s.format !== undefined) {
    if (!s.content || !(PUBLIC_KEY_FORMATS as readonly string[]).includes(s.format)) return [];
    try {
      return publicKeyIndexKeys(s.format as PublicKeyFormat, s.content);
    } catch {
      return [];
    }
  }
  // A PEM encoded twice is not the entry type's form: it was never indexed.
  if (s.doubleEncoded) return [];
  if (s.certificate) return certificateFactKeys(s.certificate);
  return s.spki ? spkiKeys(s.spki) : [];
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
