/**
 * The edge cache (the Cache API, per data centre) under internal URLs: one canonical host, so every
 * spelling of a request shares an entry. Answers fixed by a tree size (or a pair of sizes) are stored
 * under a path naming those sizes and never change; src/lru-cache.ts holds the isolate's own caches.
 * @module
 */
import type { Context } from "hono";

/** The internal URL an answer for `path` is stored under. */
export const edgeKey = (path: string): Request => new Request(`https://edgelog.cache/${path}`);

/** An answer stored at the edge under `path`, if any. */
export async function fromEdgeCache(path: string): Promise<Response | undefined> {
  return (await caches.default.match(edgeKey(path))) ?? undefined;
}

/** Stores `res` (a clone: the caller still sends it) at the edge under `path`, after the response if it can. */
export function toEdgeCache(c: Context, path: string, res: Response): void {
  const put = caches.default.put(edgeKey(path), res.clone());
  try {
    c.executionCtx.waitUntil(put);
  } catch {
    void put.catch(() => undefined); // no execution context (tests calling the app directly): let it settle on its own
  }
}
