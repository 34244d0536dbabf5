/**
 * Which key the page verifies checkpoints with. The log publishes its keys in its TrustedRoot
 * (`/api/v1/trust/trusted_root.json`, src/log/trust.ts): per shard, the Ed25519 checkpoint key
 * (PKIX_ED25519, base URL `<scheme>://<origin>`) and the Rekor v1 ECDSA key (whose log ID names the
 * shard of a v1 entry). A key the same server hands out proves only that the server is consistent
 * with itself; a user can pin the key they expect (pins.ts), and the page then verifies with the
 * pinned key and says when the published one differs.
 */
import { logKey, v1LogKey, type LogKey, type V1LogKey } from "../src/client/verify-checkpoint.ts";
import { fromBase64, toHex } from "../src/tlog/encoding.ts";
import { formatVerifierKey } from "../src/tlog/note.ts";
import { getJson } from "./http.ts";

interface TrustedRootJson {
  tlogs?: { baseUrl?: string; publicKey?: { rawBytes?: string; keyDetails?: string }; logId?: { keyId?: string } }[];
}

/** DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = "302a300506032b6570032100";

export interface PublishedKeys {
  /** origin → checkpoint verifier key (`<origin>+<id>+<base64>`). */
  checkpointKeys: Map<string, string>;
  /** Rekor v1 log ID (hex SHA-256 of the ECDSA SPKI) → origin. */
  v1Origins: Map<string, string>;
  /** The Rekor v1 keys (SETs and v1 checkpoints). */
  v1Keys: V1LogKey[];
  /** Rekor v2 log ID (base64 key hash) → origin. */
  v2Origins: Map<string, string>;
}

const originOf = (baseUrl: string) => baseUrl.replace(/^[a-z]+:\/\//, "").replace(/\/$/, "");

export async function loadPublishedKeys(): Promise<PublishedKeys> {
  const root = await getJson<TrustedRootJson>("/api/v1/trust/trusted_root.json");
  const out: PublishedKeys = { checkpointKeys: new Map(), v1Origins: new Map(), v2Origins: new Map(), v1Keys: [] };
  for (const t of root.tlogs ?? []) {
    if (!t.baseUrl || !t.publicKey?.rawBytes || !t.logId?.keyId) continue;
    const origin = originOf(t.baseUrl);
    const spki = fromBase64(t.publicKey.rawBytes, "trusted root key");
    if (t.publicKey.keyDetails === "PKIX_ED25519") {
      const hex = toHex(spki);
      if (!hex.startsWith(ED25519_SPKI_PREFIX) || spki.length !== 44) continue;
      out.checkpointKeys.set(origin, formatVerifierKey(origin, spki.subarray(12)));
      out.v2Origins.set(t.logId.keyId, origin);
    } else {
      out.v1Origins.set(toHex(fromBase64(t.logId.keyId, "trusted root log ID")), origin);
      try {
        out.v1Keys.push(v1LogKey(spki));
      } catch {
        // not an ECDSA key: no v1 key to verify with
      }
    }
  }
  return out;
}

/** A checkpoint key from its vkey, with the log ID (C2SP key hash) entries signed by it carry. */
export function parseVerifierKey(vkey: string): LogKey {
  try {
    return logKey(vkey.trim());
  } catch {
    throw new Error(
      "not a verifier key: expected <origin>+<8 hex>+<base64>, as `npm start` and `edgelog checkpoint` print it",
    );
  }
}

export interface KeyChoice {
  origin: string;
  /** The key the page verifies with. */
  vkey: string | null;
  source: "pinned" | "published" | "none";
  published: string | null;
  /** A pinned key that is not the one the log publishes now. */
  mismatch: boolean;
}

/** The key to verify `origin`'s checkpoints with: the pinned one (pins.ts) if any, else the published one. */
export function chooseKey(origin: string, published: PublishedKeys, pin: string | null): KeyChoice {
  const pub = published.checkpointKeys.get(origin) ?? null;
  if (pin !== null)
    return { origin, vkey: pin, source: "pinned", published: pub, mismatch: pub !== null && pub !== pin };
  return { origin, vkey: pub, source: pub ? "published" : "none", published: pub, mismatch: false };
}
