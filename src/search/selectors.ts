/**
 * What a search asks for, as the index key it names (key forms: src/search/index-keys.ts). Shared by
 * `GET /api/v2/search`, Rekor v1 `POST /api/v1/index/retrieve` and the CLI. Every function throws a
 * {@link SelectorError} naming the problem; callers answer it with 400.
 * @module
 */
import { MAX_KEY_LENGTH, normalizeEmail } from "./key-forms.ts";

export class SelectorError extends Error {
  override name = "SelectorError";
}

/** The selectors of `GET /api/v2/search`, each naming one kind of key. */
export const SELECTORS = ["digest", "email", "subject", "issuer", "repository", "key"] as const;
export type Selector = (typeof SELECTORS)[number];

const DIGEST_HEX: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** `sha256:<hex>` / `sha384:` / `sha512:` (any case), or bare hex whose length names the algorithm. */
export function digestSelector(value: string): string {
  const m = /^(?:(sha256|sha384|sha512):)?([0-9a-fA-F]+)$/.exec(value.trim());
  const byLength = Object.entries(DIGEST_HEX).find(([, n]) => n === m?.[2]!.length)?.[0];
  const algorithm = m?.[1] ?? byLength;
  if (!m || algorithm === undefined || DIGEST_HEX[algorithm] !== m[2]!.length) {
    throw new SelectorError("digest must be sha256:<64 hex>, sha384:<96 hex> or sha512:<128 hex>");
  }
  return `${algorithm}:${m[2]!.toLowerCase()}`;
}

/**
 * A public key's search key: `key:sha256:<64 hex>` (SHA-256 of the SPKI DER; bare 64 hex or
 * `sha256:<hex>` mean the same), `key:pgp:<40 or 64 hex>`, `key:minisign:<16 hex>`,
 * `key:ssh:SHA256:<43 base64 characters>` (as `ssh-keygen -l` prints it).
 */
export function keySelector(value: string): string {
  const v = value.trim();
  const body = v.startsWith("key:") ? v.slice(4) : v;
  let m: RegExpExecArray | null;
  if ((m = /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(body))) return `key:sha256:${m[1]!.toLowerCase()}`;
  if ((m = /^pgp:([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.exec(body))) return `key:pgp:${m[1]!.toLowerCase()}`;
  if ((m = /^minisign:([0-9a-fA-F]{16})$/.exec(body))) return `key:minisign:${m[1]!.toLowerCase()}`;
  if ((m = /^ssh:(SHA256:[A-Za-z0-9+/]{43})$/.exec(body))) return `key:ssh:${m[1]}`;
  throw new SelectorError(
    "key must be key:sha256:<64 hex> (SHA-256 of the DER SubjectPublicKeyInfo; bare hex is read as that), " +
      "key:pgp:<40 or 64 hex fingerprint>, key:minisign:<16 hex key id> or key:ssh:SHA256:<base64 fingerprint>",
  );
}

export function emailSelector(value: string): string {
  const email = normalizeEmail(value);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new SelectorError("email must be an address like name@example.com");
  return identity("email", email);
}

/** subject / issuer / repository: matched exactly as the certificate has them. */
export function exactSelector(name: "subject" | "issuer" | "repository", value: string): string {
  if (value.length === 0) throw new SelectorError(`${name} must not be empty`);
  return identity(name, value);
}

function identity(prefix: string, value: string): string {
  const key = `${prefix}:${value}`;
  if (key.length > MAX_KEY_LENGTH)
    throw new SelectorError(`${prefix} is longer than ${MAX_KEY_LENGTH - prefix.length - 1} characters`);
  if (!value.isWellFormed() || /[\x00-\x1f\x7f]/.test(value))
    throw new SelectorError(`${prefix} contains control characters or invalid Unicode`);
  return key;
}

/** The index key one selector names. */
export function selectorKey(selector: Selector, value: string): string {
  switch (selector) {
    case "digest":
      return digestSelector(value);
    case "key":
      return keySelector(value);
    case "email":
      return emailSelector(value);
    default:
      return exactSelector(selector, value);
  }
}
