/**
 * Cloudflare's published list prices (Workers Paid plan, USD), the one price table of the benchmarks:
 * read 2026-12-03 from the pages below. Monthly included amounts are left out: the figures are marginal
 * cost at scale, where they are used up.
 *   Workers:          https://developers.cloudflare.com/workers/platform/pricing/ (Standard usage model)
 *   Durable Objects:  https://developers.cloudflare.com/durable-objects/platform/pricing/ (compute; SQLite storage backend)
 *   R2:               https://developers.cloudflare.com/r2/pricing/ (Standard storage class)
 *   Workers KV:       https://developers.cloudflare.com/kv/platform/pricing/
 *   D1:               https://developers.cloudflare.com/d1/platform/pricing/
 * @module
 */
export const PRICES_DATE = "2026-12-03";

export const USD_PER_MILLION = {
  /** Workers Standard: requests, and CPU milliseconds. */
  workerRequests: 0.3,
  workerCpuMs: 0.02,
  /** Durable Objects: requests (every RPC method call on a stub is one), and duration (wall clock while active, 128 MB each). */
  doRequests: 0.15,
  doGbSeconds: 12.5,
  /** SQLite-backed Durable Object storage: rows read and written (the same prices as D1's). */
  doSqlRowsRead: 0.001,
  doSqlRowsWritten: 1.0,
  /** R2 Standard: class A (writes, lists) and class B (reads) operations. */
  r2ClassA: 4.5,
  r2ClassB: 0.36,
  /** Workers KV: reads, and writes (deletes and lists cost as writes). */
  kvReads: 0.5,
  kvWrites: 5.0,
  /** D1: rows read and written (each index on a written column adds a row written). */
  d1RowsRead: 0.001,
  d1RowsWritten: 1.0,
} as const;

/** The memory a Durable Object is billed for, in GB (duration is GB-s: 128 MB × seconds active). */
export const DO_BILLED_GB = 0.128;
