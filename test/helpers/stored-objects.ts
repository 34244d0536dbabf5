// The default shard's objects in R2 (bytes and metadata) and its partials in KV, read and written as stored: for
// tests that tamper with them.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { edgeKey } from "../../src/api/edge-cache.ts";
import { provenTileEdgePath } from "../../src/api/tiles.ts";
import { deploymentOf } from "../../src/log/deployment.ts";
import { DEFAULT_SHARD } from "../../src/log/shards.ts";

const PREFIX = `${DEFAULT_SHARD}/`;

export interface Stored {
  body: Uint8Array;
  metadata: Record<string, string>;
}

export async function getObject(key: string): Promise<Stored> {
  const o = await env.TILES.get(PREFIX + key);
  expect(o, key).not.toBeNull();
  return { body: new Uint8Array(await o!.arrayBuffer()), metadata: o!.customMetadata ?? {} };
}

export const putObject = (key: string, o: Stored) =>
  env.TILES.put(PREFIX + key, o.body, { customMetadata: o.metadata });

export const deleteObject = (key: string) => env.TILES.delete(PREFIX + key);

/** The default shard's copy of a right-edge partial in KV (HOT), as stored. */
export async function getHot(key: string): Promise<Uint8Array> {
  const v = await env.HOT.get(PREFIX + key, "arrayBuffer");
  expect(v, `KV ${key}`).not.toBeNull();
  return new Uint8Array(v!);
}

export const putHot = (key: string, body: Uint8Array) => env.HOT.put(PREFIX + key, body);

export const deleteHot = (key: string) => env.HOT.delete(PREFIX + key);

/** Forgets what the edge cache (not rolled back between tests) holds for a proven tile: storage is read again. */
export const forgetEdge = (path: string) =>
  caches.default.delete(edgeKey(provenTileEdgePath(deploymentOf(env).active, path)));
