/**
 * Verifiable search: `GET /api/v2/search`. Served at the edge from the D1 index and the
 * shards' tiles; never through a sequencer. Every hit is a full TransparencyLogEntry whose inclusion
 * proof is against the current signed checkpoint of its shard, carried in the hit: a client checks each
 * hit against the log's key without trusting the index (a missing hit is the one thing it cannot see).
 * @module
 */
import { Hono } from "hono";
import type { VerifiedCheckpoint } from "../client/tile-reader.ts";
import { transparencyLogEntry, type TransparencyLogEntryJson } from "../rekor/v2/tle.ts";
import { decodeCursor, encodeCursor, type Position } from "../search/cursor.ts";
import { hasIndexKey } from "../search/index-keys.ts";
import { SelectorError, SELECTORS, selectorKey, type Selector } from "../search/selectors.ts";
import type { Deployment } from "../log/deployment.ts";
import { shardCheckpoint } from "../log/v1-shards.ts";
import { utf8Decode } from "../tlog/encoding.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./route-log.ts";
import { searchPage } from "../log/search-pages.ts";

export const search = new Hono<ApiEnv>();

export const DEFAULT_SEARCH_LIMIT = 20;
/** A page's hits are each read and proven at the edge: 20 keep a search request within its CPU budget (README, Performance). */
export const MAX_SEARCH_LIMIT = 20;

export interface SearchHit {
  shard: string;
  entry: TransparencyLogEntryJson;
}

export interface SearchAnswer {
  hits: SearchHit[];
  nextCursor?: string;
}

const PARAMETERS = new Set<string>([...SELECTORS, "limit", "cursor"]);

/** The one index key, the page size and the cursor of a search request. @throws ApiError 400 */
export function parseSearchQuery(url: URL): { key: string; limit: number; after?: Position } {
  const names = [...url.searchParams.keys()];
  for (const n of names) {
    if (!PARAMETERS.has(n))
      throw new ApiError(
        400,
        `unknown query parameter ${JSON.stringify(n)}; use one of ${SELECTORS.join(", ")}, with limit and cursor`,
      );
    if (url.searchParams.getAll(n).length > 1) throw new ApiError(400, `query parameter ${n} is given more than once`);
  }
  const selectors = SELECTORS.filter((s) => url.searchParams.has(s));
  if (selectors.length !== 1) {
    throw new ApiError(
      400,
      `give exactly one of ${SELECTORS.join(", ")} (got ${selectors.length === 0 ? "none" : selectors.join(", ")})`,
    );
  }
  const selector: Selector = selectors[0]!;
  try {
    const key = selectorKey(selector, url.searchParams.get(selector)!);
    const limitText = url.searchParams.get("limit");
    let limit = DEFAULT_SEARCH_LIMIT;
    if (limitText !== null) {
      if (!/^[0-9]{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_SEARCH_LIMIT) {
        throw new SelectorError(`limit must be an integer from 1 to ${MAX_SEARCH_LIMIT}`);
      }
      limit = Number(limitText);
    }
    const cursor = url.searchParams.get("cursor");
    return { key, limit, ...(cursor !== null ? { after: decodeCursor(cursor) } : {}) };
  } catch (e) {
    if (e instanceof SelectorError) throw new ApiError(400, e.message);
    throw e;
  }
}

/** Rekor v2 kinds; every other kind in a leaf is a Rekor v1 entry, which has an integrated time. */
const V2_KINDS = new Set(["hashedrekord/0.0.2", "dsse/0.0.2"]);

search.get("/search", async (c) => {
  const d = c.var.deployment;
  const query = parseSearchQuery(new URL(c.req.url));
  const { key, limit, after } = query;
  // Made once per tree (src/log/search-pages.ts).
  const json = await searchPage(d, query, async () => {
    const shards = d.entryLogs().map((s) => s.name);
    const found = await d.index.findByKey({ key, shards, ...(after ? { after } : {}), limit: limit + 1 });
    const page = found.slice(0, limit);
    const hits = await buildHits(d, page, key);
    const answer: SearchAnswer = { hits };
    if (found.length > limit) answer.nextCursor = encodeCursor(page[page.length - 1]!);
    return JSON.stringify(answer);
  });
  return new Response(json, {
    status: 200,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
});

/**
 * Each position as a TransparencyLogEntry against its shard's current checkpoint, in the positions' order.
 * D1 is not authenticated: a position whose entry does not have `key` (a tampered or corrupt index) is
 * left out, so an answer can miss entries but never holds one that does not match.
 */
export async function buildHits(d: Deployment, positions: readonly Position[], key: string): Promise<SearchHit[]> {
  const byShard = new Map<string, Position[]>();
  for (const p of positions) byShard.set(p.shard, [...(byShard.get(p.shard) ?? []), p]);
  const built = new Map<string, SearchHit>();
  await Promise.all(
    [...byShard].map(async ([name, list]) => {
      const shard = d.log(name);
      const reader = shard.reader();
      const cp: VerifiedCheckpoint = await shardCheckpoint(shard);
      const logId = shard.checkpointKey().logId;
      await Promise.all(
        list.map(async (p) => {
          if (p.index >= cp.size) {
            // The index is fed after publication, so this needs a checkpoint older than the row: skip it.
            console.warn(`search: ${name}/${p.index} is beyond the checkpoint (size ${cp.size})`);
            return;
          }
          const e = await reader.entry(p.index, cp);
          if (!hasIndexKey(e.leaf, key)) {
            console.warn(`search: the index lists ${name}/${p.index} under a key its entry does not have`);
            return;
          }
          const { kind, apiVersion } = kindOf(e.leaf);
          const entry = transparencyLogEntry({
            index: p.index,
            logId,
            kind,
            version: apiVersion,
            body: e.leaf,
            checkpoint: cp.note,
            inclusionProof: e.inclusionProof,
          });
          if (!V2_KINDS.has(`${kind}/${apiVersion}`)) entry.integratedTime = String(e.integratedTime);
          built.set(`${name}/${p.index}`, { shard: name, entry });
        }),
      );
    }),
  );
  return positions.flatMap((p) => built.get(`${p.shard}/${p.index}`) ?? []);
}

function kindOf(leaf: Uint8Array): { kind: string; apiVersion: string } {
  try {
    const body = JSON.parse(utf8Decode(leaf)) as { kind?: unknown; apiVersion?: unknown };
    if (typeof body.kind === "string" && typeof body.apiVersion === "string")
      return { kind: body.kind, apiVersion: body.apiVersion };
  } catch {
    // not an entry of a known shape (the test-only raw append): no kind
  }
  return { kind: "", apiVersion: "" };
}
