/**
 * The log's public identity, derived once per isolate from its secrets: the checkpoint (signed-note)
 * Ed25519 key, its verifier key string and its 32-byte key hash, which Rekor v2 calls the log ID.
 *
 * Each shard has its own keys: secrets LOG_SIGNING_KEY_<SUFFIX> and LOG_V1_SIGNING_KEY_<SUFFIX>,
 * falling back to LOG_SIGNING_KEY / LOG_V1_SIGNING_KEY (src/config.ts).
 * @module
 */
import { envShard, shardSetting, shardSettingName } from "./config.ts";
import { ALG_ED25519, keyHash, newSigner } from "./tlog/note.ts";

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
export function signingKeys(env: Env | Partial<Record<string, unknown>>, shard?: string): SigningKeys {
  const vars = env as Partial<Record<string, unknown>>;
  const name = shard ?? envShard(vars);
  const checkpoint = shardSetting(vars, "LOG_SIGNING_KEY", name);
  if (checkpoint === undefined) {
    throw new Error(
      `${shardSettingName("LOG_SIGNING_KEY", name)} (or LOG_SIGNING_KEY) is not configured for shard ${name} ` +
        "(run `npm start` locally, or `node scripts/keys.ts` and `wrangler secret put`)",
    );
  }
  return { checkpoint, v1: shardSetting(vars, "LOG_V1_SIGNING_KEY", name) };
}

const cache = new Map<string, CheckpointKey>();

/** The checkpoint key of the shard `env` is for (a shard view, or the plain environment for one log). */
export function checkpointKey(env: Env): CheckpointKey {
  const skey = signingKeys(env).checkpoint;
  const hit = cache.get(skey);
  if (hit) return hit;
  const signer = newSigner(skey);
  const logId = keyHash(signer.name, ALG_ED25519, signer.publicKey);
  const key = { origin: signer.name, vkey: signer.vkey, publicKey: signer.publicKey, logId };
  if (cache.size > 64) cache.clear();
  cache.set(skey, key);
  return key;
}
