/**
 * The log's Rekor v1 key: ECDSA P-256, the only kind every Sigstore client verifies for the Signed
 * Entry Timestamp (sigstore-go verifies SETs with ECDSA only) and for v1-style checkpoints.
 * The C2SP checkpoint stays Ed25519 (src/log-keys.ts); this key only speaks v1.
 *
 * Secret LOG_V1_SIGNING_KEY (per shard: LOG_V1_SIGNING_KEY_<SUFFIX>): a PKCS#8 PEM ("-----BEGIN
 * PRIVATE KEY-----", as `openssl genpkey`, `npm start` or scripts/keys.ts writes it). Log ID = SHA-256(DER SPKI), hex; key hint = its first 4 bytes.
 * @module
 */
import { p256 } from "@noble/curves/nist.js";
import { signingKeys } from "./log-keys.ts";
import { encodePem, decodePem } from "./pki/keys.ts";
import { concatBytes, fromHex, toHex } from "./tlog/encoding.ts";
import { sha256Bytes } from "./tlog/hash.ts";

/** DER SubjectPublicKeyInfo prefix for an uncompressed P-256 point (RFC 5480). */
const P256_SPKI_PREFIX = fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

export interface V1Key {
  spki: Uint8Array;
  pem: string;
  /** hex(SHA-256(SPKI)): LogEntry.logID and the TrustedRoot log ID of the v1 API. */
  logIdHex: string;
  /** Decimal tree ID: the origin suffix of v1 checkpoints and the prefix of 80-hex entry UUIDs. */
  treeId: string;
  /**
   * ECDSA P-256 over SHA-256(message), ASN.1 DER, low S: WebCrypto's native signer (randomised k), or
   * @noble's deterministic RFC 6979 one where the platform has none. Callers cache what they sign.
   */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** The group order n of P-256: a signature (r, s) and (r, n - s) are both valid; the low one is kept. */
const P256_N = p256.Point.Fn.ORDER;

/** WebCrypto's IEEE P1363 r || s as DER with low S (what @noble makes and what Rekor's clients read). */
function p1363ToLowSDer(raw: Uint8Array): Uint8Array {
  const sig = p256.Signature.fromBytes(raw, "compact");
  return (sig.hasHighS() ? new p256.Signature(sig.r, P256_N - sig.s) : sig).toBytes("der");
}

/** Signs with WebCrypto where it can, else @noble (deterministic RFC 6979). */
async function signP256(key: CryptoKey, d: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  try {
    return p1363ToLowSDer(new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, message as BufferSource)));
  } catch (e) {
    if (!(e instanceof Error && e.name === "NotSupportedError")) throw e;
    return p256.sign(sha256Bytes(message), d, { prehash: false, format: "der" });
  }
}

const cache = new Map<string, V1Key>();

function b64urlToBytes(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** The Rekor v1 key of the shard `env` is for (a shard view, or the plain environment for one log). */
export async function v1Key(env: Env): Promise<V1Key> {
  const vars = env as unknown as Record<string, unknown>;
  const pem = signingKeys(env).v1;
  if (pem === undefined) throw new Error("LOG_V1_SIGNING_KEY is not configured (run `npm start` locally, or `node scripts/keys.ts` and `wrangler secret put`)");
  const configured = typeof vars.V1_TREE_ID === "string" && vars.V1_TREE_ID !== "" ? vars.V1_TREE_ID : undefined;
  const cacheKey = `${configured ?? ""}\n${pem}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const [block] = decodePem(pem.replace(/\\n/g, "\n"));
  if (!block || block.label !== "PRIVATE KEY") throw new Error("LOG_V1_SIGNING_KEY must be a PKCS#8 PEM private key");
  const imported = await crypto.subtle.importKey("pkcs8", block.der, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const jwk = (await crypto.subtle.exportKey("jwk", imported)) as JsonWebKey;
  const d = b64urlToBytes(jwk.d!);
  const spki = concatBytes(P256_SPKI_PREFIX, new Uint8Array([4]), b64urlToBytes(jwk.x!), b64urlToBytes(jwk.y!));
  const logId = sha256Bytes(spki);
  if (configured !== undefined && (!/^[1-9][0-9]{0,18}$/.test(configured) || BigInt(configured) > 0x7fff_ffff_ffff_ffffn)) throw new Error(`V1_TREE_ID must be a positive decimal int64, got ${configured}`);
  // A stable 63-bit tree ID from the key unless one is configured (Trillian tree IDs are positive int64).
  const treeId = configured ?? (BigInt("0x" + toHex(logId.slice(0, 8))) & 0x7fff_ffff_ffff_ffffn).toString();
  const key: V1Key = {
    spki,
    pem: encodePem("PUBLIC KEY", spki),
    logIdHex: toHex(logId),
    treeId,
    sign: (message) => signP256(imported, d, message),
  };
  if (cache.size > 64) cache.clear();
  cache.set(cacheKey, key);
  return key;
}

/** The 16-hex tree ID prefix of an 80-hex Rekor v1 entry UUID (rekor-api.md §2.5). */
export function treeIdHex(treeId: string): string {
  return BigInt(treeId).toString(16).padStart(16, "0");
}
