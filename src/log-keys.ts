/**
 * The log's public identity, derived once per isolate from its secrets: the checkpoint (signed-note)
 * Ed25519 key, its verifier key string and its 32-byte key hash, which Rekor v2 calls the log ID.
 * @module
 */
import { concatBytes, utf8Encode } from "./tlog/encoding.ts";
import { sha256Bytes } from "./tlog/hash.ts";
import { ALG_ED25519, newSigner } from "./tlog/note.ts";

export interface CheckpointKey {
  origin: string;
  vkey: string;
  publicKey: Uint8Array;
  /** SHA-256(origin || "\n" || 0x01 || public key): TransparencyLogEntry.logId.keyId (rekor-api.md §1.7). */
  logId: Uint8Array;
}

let cached: { skey: string; key: CheckpointKey } | undefined;

export function checkpointKey(env: Env): CheckpointKey {
  const skey = (env as unknown as Record<string, unknown>).LOG_SIGNING_KEY;
  if (typeof skey !== "string" || skey === "") throw new Error("LOG_SIGNING_KEY is not configured");
  if (cached?.skey === skey) return cached.key;
  const signer = newSigner(skey);
  const logId = sha256Bytes(concatBytes(utf8Encode(signer.name), new Uint8Array([0x0a, ALG_ED25519]), signer.publicKey));
  const key = { origin: signer.name, vkey: signer.vkey, publicKey: signer.publicKey, logId };
  cached = { skey, key };
  return key;
}
