/**
 * Storage seams (STYLE §8): the sequencer and the read path reach R2 and KV only through these
 * small interfaces, so tests can fail any call.
 * @module
 */

export interface PutOptions {
  /** Write-once objects (tiles, bundles) get long immutable cache headers; the checkpoint does not. */
  immutable: boolean;
  contentType: string;
  /** Small string metadata stored with the object (R2 custom metadata, ≤ 8 KiB in all). */
  metadata?: Record<string, string>;
}

/**
 * Tiles, bundles and the checkpoint (R2 in production). `put` resolves only once the object is
 * durable. Re-putting a write-once key with the same bytes must succeed (recovery re-uploads);
 * other bytes under a write-once key are a bug.
 */
export interface ObjectStore {
  put(key: string, body: Uint8Array, opts: PutOptions): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  /** The object with its custom metadata. */
  getWithMetadata(key: string): Promise<{ body: Uint8Array; metadata: Record<string, string> } | null>;
  /** Up to `limit` keys under `prefix` that sort after `startAfter`, in key order. */
  list(prefix: string, startAfter: string, limit: number): Promise<string[]>;
}

/** Fast edge copies of right-edge partial tiles (KV in production). Best effort: a miss falls back to the ObjectStore. */
export interface HotStore {
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
}

export const IMMUTABLE_CACHE_CONTROL = "public, max-age=604800, immutable";

export function r2ObjectStore(bucket: R2Bucket): ObjectStore {
  return {
    async put(key, body, opts) {
      await bucket.put(key, body, {
        httpMetadata: {
          contentType: opts.contentType,
          cacheControl: opts.immutable ? IMMUTABLE_CACHE_CONTROL : "no-store",
        },
        customMetadata: opts.metadata,
      });
    },
    async get(key) {
      const obj = await bucket.get(key);
      return obj ? new Uint8Array(await obj.arrayBuffer()) : null;
    },
    async getWithMetadata(key) {
      const obj = await bucket.get(key);
      return obj ? { body: new Uint8Array(await obj.arrayBuffer()), metadata: obj.customMetadata ?? {} } : null;
    },
    async list(prefix, startAfter, limit) {
      const listed = await bucket.list({ prefix, startAfter, limit });
      return listed.objects.map((o) => o.key);
    },
  };
}

/** Partial tiles are superseded quickly; KV copies expire after a day (R2 keeps them for good). */
const HOT_TTL_SECONDS = 86_400;

export function kvHotStore(kv: KVNamespace): HotStore {
  return {
    async put(key, body) {
      await kv.put(key, body, { expirationTtl: HOT_TTL_SECONDS });
    },
    async get(key) {
      const v = await kv.get(key, "arrayBuffer");
      return v ? new Uint8Array(v) : null;
    },
  };
}

/** One bucket and namespace can hold several logs: each shard's objects live under "<shard>/". */
export function shardObjectStore(inner: ObjectStore, shard: string): ObjectStore {
  return {
    put: (key, body, opts) => inner.put(`${shard}/${key}`, body, opts),
    get: (key) => inner.get(`${shard}/${key}`),
    getWithMetadata: (key) => inner.getWithMetadata(`${shard}/${key}`),
    list: async (prefix, startAfter, limit) =>
      (await inner.list(`${shard}/${prefix}`, `${shard}/${startAfter}`, limit)).map((k) => k.slice(shard.length + 1)),
  };
}

export function shardHotStore(inner: HotStore, shard: string): HotStore {
  return { put: (key, body) => inner.put(`${shard}/${key}`, body), get: (key) => inner.get(`${shard}/${key}`) };
}
