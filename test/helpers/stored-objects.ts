// The default shard's objects in R2, read and written as stored (bytes and metadata): for tests that tamper with them.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
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
