/**
 * Deadlines on storage calls. An R2, KV or D1 call that never answers would keep the sequencer's round
 * (and every waiter behind it) busy forever; past its deadline the call fails like any failed put, and
 * the round's usual failure path takes over (503 to its waiters, recovery re-uploads what is staged).
 *
 * The call itself cannot be cancelled: a put that lands after its deadline stores the same bytes a
 * retry stores (write-once names), or an older checkpoint that the next publication replaces.
 * @module
 */
import type { HotStore, ObjectStore } from "./object-store.ts";
import type { SearchIndex } from "./search-index.ts";

export class StorageDeadlineExceeded extends Error {
  override name = "StorageDeadlineExceeded";
}

/** `work`, or a StorageDeadlineExceeded after `ms`. The timer is cleared either way. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageDeadlineExceeded(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer!));
}

/** The deadline in ms, read at each call (a live instance's configuration may change in tests). */
type Deadline = () => number;

export function deadlineObjectStore(inner: ObjectStore, ms: Deadline): ObjectStore {
  return {
    put: (key, body, opts) => withDeadline(inner.put(key, body, opts), ms(), `object store put ${key}`),
    get: (key) => withDeadline(inner.get(key), ms(), `object store get ${key}`),
    getWithMetadata: (key) => withDeadline(inner.getWithMetadata(key), ms(), `object store get ${key}`),
    list: (prefix, startAfter, limit) =>
      withDeadline(inner.list(prefix, startAfter, limit), ms(), `object store list ${prefix}`),
  };
}

export function deadlineHotStore(inner: HotStore, ms: Deadline): HotStore {
  return {
    put: (key, body) => withDeadline(inner.put(key, body), ms(), `KV put ${key}`),
    get: (key) => withDeadline(inner.get(key), ms(), `KV get ${key}`),
  };
}

/** Only the sequencer's write is bounded here: reads run at the edge, per request. */
export function deadlineSearchIndex(inner: SearchIndex, ms: Deadline): SearchIndex {
  return {
    ...inner,
    insertEntries: (shard, rows) => withDeadline(inner.insertEntries(shard, rows), ms(), "search index insert"),
  };
}
