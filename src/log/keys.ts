/**
 * A log's keys, from the Worker's secrets, derived once per isolate.
 *
 * - The checkpoint (signed-note) key: Ed25519, secret LOG_SIGNING_KEY (per shard LOG_SIGNING_KEY_<SUFFIX>).
 *   Its verifier key string and its 32-byte key hash, which Rekor v2 calls the log ID.
 * - The Rekor v1 key: ECDSA P-256, the only kind every Sigstore client verifies for the Signed Entry
 *   Timestamp (sigstore-go verifies SETs with ECDSA only) and for v1-style checkpoints; the C2SP
 *   checkpoint stays Ed25519. Secret LOG_V1_SIGNING_KEY (per shard LOG_V1_SIGNING_KEY_<SUFFIX>): a
 *   PKCS#8 PEM (a "PRIVATE KEY" block, as `openssl genpkey`, `npm start` or scripts/keys.ts writes
 *   it). Log ID = SHA-256(DER SPKI), hex; key hint = its first 4 bytes.
 * @module
 */
import { p256 } from "@noble/curves/nist.js";
import { shardSetting, shardSettingName } from "../config.ts";
import { encodePem, decodePem } from "../pki/keys.ts";
import { concatBytes, fromHex, toHex } from "../tlog/encoding.ts";
import { sha256Bytes } from "../tlog/hash.ts";
import { ALG_ED25519, keyHash, newSigner } from "../tlog/note.ts";
import type { V1Key } from "../rekor/v1/signing-key.ts";

export interface CheckpointKey {
  origin: string;
  vkey: string;
  publicKey: Uint8Array;
  /** SHA-256(origin || "\n" || 0x01 || public key): TransparencyLogEntry.logId.keyId (rekor-api.md §1.7). */
  logId: Uint8Array;
}

export interface SigningKeys {
  /** Ed25519 checkpoint key, Go note format `PRIVATE+KEY+<origin>+<hex id>+<base64>`. */
  checkpoint: string;
  /** ECDSA P-256 PKCS#8 PEM for Rekor v1 (SETs, v1 checkpoints), if configured. */
  v1: string | undefined;
}

/**
 * A shard's private keys from the Worker's secrets. Throws, naming the secret to set, if the
 * checkpoint key is missing. The Sequencer DO calls this with the name it was addressed by.
 */
export function signingKeys(env: object, shard: string): SigningKeys {
  const checkpoint = shardSetting(env, "LOG_SIGNING_KEY", shard);
  if (checkpoint === undefined) {
    throw new Error(
      `${shardSettingName("LOG_SIGNING_KEY", shard)} (or LOG_SIGNING_KEY) is not configured for shard ${shard} ` +
        "(run `npm start` locally, or `node scripts/keys.ts` and `wrangler secret put`)",
    );
  }
  return { checkpoint, v1: shardSetting(env, "LOG_V1_SIGNING_KEY", shard) };
}

const checkpointKeys = new Map<string, CheckpointKey>();

/** The public half of a checkpoint signing key. */
export function checkpointKey(skey: string): CheckpointKey {
  const hit = checkpointKeys.get(skey);
  if (hit) return hit;
  const signer = newSigner(skey);
  const logId = keyHash(signer.name, ALG_ED25519, signer.publicKey);
  const key = { origin: signer.name, vkey: signer.vkey, publicKey: signer.publicKey, logId };
  if (checkpointKeys.size > 64) checkpointKeys.clear();
  checkpointKeys.set(skey, key);
  return key;
}

/** DER SubjectPublicKeyInfo prefix for an uncompressed P-256 point (RFC 5480). */
const P256_SPKI_PREFIX = fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

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
    return p1363ToLowSDer(
      new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, message as BufferSource)),
    );
  } catch (e) {
    if (!(e instanceof Error && e.name === "NotSupportedError")) throw e;
    return p256.sign(sha256Bytes(message), d, { prehash: false, format: "der" });
  }
}

const v1Keys = new Map<string, V1Key>();

function b64urlToBytes(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A shard's Rekor v1 key (secret LOG_V1_SIGNING_KEY) and tree ID (V1_TREE_ID, else derived from the key). */
export async function v1Key(env: object, shard: string): Promise<V1Key> {
  const pem = signingKeys(env, shard).v1;
  if (pem === undefined)
    throw new Error(
      "LOG_V1_SIGNING_KEY is not configured (run `npm start` locally, or `node scripts/keys.ts` and `wrangler secret put`)",
    );
  const configured = shardSetting(env, "V1_TREE_ID", shard);
  const cacheKey = `${configured ?? ""}\n${pem}`;
  const hit = v1Keys.get(cacheKey);
  if (hit) return hit;
  const [block] = decodePem(pem.replace(/\\n/g, "\n"));
  if (!block || block.label !== "PRIVATE KEY") throw new Error("LOG_V1_SIGNING_KEY must be a PKCS#8 PEM private key");
  const imported = await crypto.subtle.importKey("pkcs8", block.der, { name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
  ]);
  const jwk = (await crypto.subtle.exportKey("jwk", imported)) as JsonWebKey;
  const d = b64urlToBytes(jwk.d!);
  const spki = concatBytes(P256_SPKI_PREFIX, new Uint8Array([4]), b64urlToBytes(jwk.x!), b64urlToBytes(jwk.y!));
  const logId = sha256Bytes(spki);
  if (
    configured !== undefined &&
    (!/^[1-9][0-9]{0,18}$/.test(configured) || BigInt(configured) > 0x7fff_ffff_ffff_ffffn)
  )
    throw new Error(`V1_TREE_ID must be a positive decimal int64, got ${configured}`);
  // A stable 63-bit tree ID from the key unless one is configured (Trillian tree IDs are positive int64).
  const treeId = configured ?? (BigInt("0x" + toHex(logId.slice(0, 8))) & 0x7fff_ffff_ffff_ffffn).toString();
  const key: V1Key = {
    spki,
    pem: encodePem("PUBLIC KEY", spki),
    logIdHex: toHex(logId),
    treeId,
    sign: (message) => signP256(imported, d, message),
  };
  if (v1Keys.size > 64) v1Keys.clear();
  v1Keys.set(cacheKey, key);
  return key;
}
