/**
 * Operator routes, behind a bearer token (the secret ADMIN_TOKEN; without it they answer 404):
 *
 * `POST /admin/reindex` `{"from": 0, "count": 1024}` rebuilds the search index (D1) of the request's shard
 * for entries [from, from + count) from the log's own bundles, checked against its tiles and signed
 * checkpoint. Search keys are a pure function of the entry (src/search/index-keys.ts), so the rows are
 * exactly those the live path (the sequencer's outbox) writes; inserting them again is a no-op. Answers
 * `{shard, size, from, next, indexed}`; a client (`edgelog reindex`) repeats it from `next` until `size`,
 * and can resume anywhere. One call is bounded: at most MAX_REINDEX_ENTRIES entries, read one bundle
 * at a time.
 * @module
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { indexKeysOf } from "../search/index-keys.ts";
import { nativeLeafHash } from "../sequencer/native-leaf-hash.ts";
import type { IndexRow } from "../storage/search-index.ts";
import { bytesEqual, utf8Encode } from "../tlog/encoding.ts";
import { TILE_WIDTH } from "../tlog/tile.ts";
import { ApiError } from "./errors.ts";
import { readJsonBody } from "./json-body.ts";
import { setting } from "../config.ts";
import type { LogReader } from "../log/reader.ts";
import type { ApiEnv } from "./route-log.ts";

/** Entries per reindex call: 4 bundles; the CPU of their search keys stays well inside a request's. */
export const MAX_REINDEX_ENTRIES = 1024;

export interface ReindexAnswer {
  shard: string;
  /** The published checkpoint's size: reindexing is done when `next` reaches it. */
  size: number;
  from: number;
  /** Where the next call starts. */
  next: number;
  /** Entries written to the index by this call. */
  indexed: number;
}

export const admin = new Hono<ApiEnv>();

const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", utf8Encode(s)));

/** 404 without ADMIN_TOKEN (the routes do not exist), 401 without the right bearer token. */
async function authorize(c: Context<ApiEnv>): Promise<void> {
  const token = setting(c.env, "ADMIN_TOKEN");
  if (token === undefined) throw new ApiError(404, `no route for ${c.req.method} ${c.req.path}`);
  const given = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  // Digests have one length, so the comparison takes the same time whatever was given.
  const [a, b] = await Promise.all([digest(given), digest(token)]);
  if (!crypto.subtle.timingSafeEqual(a, b))
    throw new ApiError(401, "admin routes need Authorization: Bearer <ADMIN_TOKEN>", { "WWW-Authenticate": "Bearer" });
}

function parseReindexRequest(body: unknown): { from: number; count: number } {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ApiError(400, 'expected {"from": <index>, "count": <entries>}');
  const { from = 0, count = MAX_REINDEX_ENTRIES } = body as Record<string, unknown>;
  if (!Number.isSafeInteger(from) || (from as number) < 0)
    throw new ApiError(400, "from must be an entry index (a non-negative integer)");
  if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > MAX_REINDEX_ENTRIES) {
    throw new ApiError(400, `count must be an integer in [1, ${MAX_REINDEX_ENTRIES}]`);
  }
  return { from: from as number, count: count as number };
}

/** The index rows of entries [from, end) of the published tree of `size`, each checked against its leaf hash. */
async function indexRows(reader: LogReader, size: number, from: number, end: number): Promise<IndexRow[]> {
  const wanted = Array.from({ length: end - from }, (_, k) => ({ level: 0, index: from + k }));
  const leafHashes = await reader.proofReader().hashReader(size)(wanted); // verified against the checkpoint's root
  const rows: IndexRow[] = [];
  for (let n = Math.floor(from / TILE_WIDTH); n * TILE_WIDTH < end; n++) {
    const entries = await reader.bundle(n, size);
    for (let i = Math.max(from, n * TILE_WIDTH); i < Math.min(end, (n + 1) * TILE_WIDTH); i++) {
      const leaf = entries[i % TILE_WIDTH];
      const leafHash = leaf && (await nativeLeafHash(leaf));
      if (!leaf || !bytesEqual(leafHash!, leafHashes[i - from]!))
        throw new Error(`entry ${i}: its bundle does not match the log's tiles`);
      rows.push({ index: i, leafHash: leafHash!, keys: indexKeysOf(leaf) });
    }
  }
  return rows;
}

/** A reindex request is two numbers. */
const MAX_ADMIN_BODY_BYTES = 1024;

admin.post(
  "/reindex",
  async (c, next) => {
    await authorize(c); // before the body is read
    return next();
  },
  bodyLimit({
    maxSize: MAX_ADMIN_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, `Request Entity Too Large. Limit set to ${MAX_ADMIN_BODY_BYTES}`);
    },
  }),
  async (c) => {
    const { from, count } = parseReindexRequest(await readJsonBody(c));
    const log = c.var.log;
    const shard = log.name;
    const reader = log.reader();
    const { size } = await reader.checkpoint();
    const end = Math.min(size, from + count);
    let indexed = 0;
    if (from < end) {
      const rows = await indexRows(reader, size, from, end);
      await log.index.insertEntries(shard, rows);
      indexed = rows.length;
    }
    return c.json({ shard, size, from, next: Math.max(from, end), indexed } satisfies ReindexAnswer);
  },
);
