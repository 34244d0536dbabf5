/**
 * `edgelog search`: GET /api/v2/search, every page, and every hit verified before it is printed: every
 * claim of its TransparencyLogEntry checked by the shared src/client/verify-entry.ts against the log's
 * keys (--log-key; one per shard), and the entry must have the key searched for
 * (src/search/index-keys.ts). A hit that fails stops the search with exit 1: the log answered
 * something it cannot prove.
 * @module
 */
import type { LogKey } from "../src/client/verify-checkpoint.ts";
import { parseLogEntry, verifyLogEntry } from "../src/client/verify-entry.ts";
import { utf8Decode } from "../src/tlog/encoding.ts";
import { ProofError } from "../src/tlog/errors.ts";
import { indexKeysOf } from "../src/search/index-keys.ts";
import { SelectorError, selectorKey, type Selector } from "../src/search/selectors.ts";
import { CliError, EXIT, httpJson, serverMessage, usage } from "./common.ts";

export interface VerifiedHit {
  shard: string;
  index: number;
  kind: string;
  version: string;
  integratedTime: number;
  /** The checkpoint's origin and size the inclusion was proven against. */
  origin: string;
  treeSize: number;
  body: unknown;
  /** The TransparencyLogEntry as served. */
  entry: unknown;
}

/**
 * Checks one hit of /api/v2/search: proven in the log and, when `key` (the query's index key) is given,
 * an entry that has that key. @throws ProofError when it does not verify.
 */
export function verifySearchHit(hit: unknown, verifiers: readonly LogKey[], key?: string): VerifiedHit {
  const h = hit as { shard?: unknown; entry?: any };
  const e = h?.entry;
  if (typeof h?.shard !== "string" || typeof e !== "object" || e === null)
    throw new ProofError("search hit without shard and entry");
  let claims;
  try {
    claims = parseLogEntry(e);
  } catch (err) {
    throw new ProofError(`search hit ${h.shard}: ${(err as Error).message}`);
  }
  const verified = verifyLogEntry(claims, { logKeys: verifiers });
  const failed = verified.checks.filter((c) => !c.ok);
  if (failed.length > 0 || !verified.checkpoint)
    throw new ProofError(
      `entry ${h.shard}/${claims.logIndex}: ${failed.map((c) => `${c.name}: ${c.detail}`).join("; ")}`,
    );
  const cp = verified.checkpoint;
  const index = claims.logIndex;
  const leaf = claims.body;
  if (key !== undefined && !indexKeysOf(leaf).includes(key))
    throw new ProofError(`entry ${h.shard}/${index} is in the log but does not match the query (${key})`);
  let body: unknown = null;
  try {
    body = JSON.parse(utf8Decode(leaf));
  } catch {
    // a raw leaf (test-only append): verified, but not an entry
  }
  return {
    shard: h.shard,
    index,
    kind: String(e.kindVersion?.kind ?? ""),
    version: String(e.kindVersion?.version ?? ""),
    integratedTime: Number(e.integratedTime ?? 0),
    origin: cp.origin,
    treeSize: cp.size,
    body,
    entry: e,
  };
}

/** The largest page the log serves (`limit` 1–20 on GET /api/v2/search). */
export const SEARCH_PAGE = 20;

/** The index key a selector names; a malformed value is a usage error. */
export function searchKey(selector: Selector, value: string): string {
  try {
    return selectorKey(selector, value);
  } catch (e) {
    if (e instanceof SelectorError) throw usage(e.message);
    throw e;
  }
}

/** Every verified hit for one selector (e.g. "digest", "sha256:..."), following cursors up to `max` hits. */
export async function searchAll(
  baseUrl: string,
  selector: Selector,
  value: string,
  verifiers: readonly LogKey[],
  max: number,
): Promise<VerifiedHit[]> {
  const key = searchKey(selector, value);
  const query = `${selector}=${encodeURIComponent(value)}`;
  const hits: VerifiedHit[] = [];
  let cursor: string | undefined;
  do {
    const limit = Math.min(SEARCH_PAGE, max - hits.length);
    const url = `${baseUrl}/api/v2/search?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const r = await httpJson(url);
    if (r.status === 400) throw usage(`the log refused the query: ${serverMessage(r.body)}`);
    if (r.status === 404 || r.status === 405)
      throw new CliError(`search is not available on this log (GET /api/v2/search answered ${r.status})`, EXIT.SERVICE);
    if (r.status !== 200) throw new CliError(`search: HTTP ${r.status}: ${serverMessage(r.body)}`, EXIT.SERVICE);
    const answer = r.body as { hits?: unknown; nextCursor?: unknown };
    if (!Array.isArray(answer?.hits)) throw new CliError("search: the answer has no hits array", EXIT.SERVICE);
    for (const hit of answer.hits) hits.push(verifySearchHit(hit, verifiers, key));
    cursor = typeof answer.nextCursor === "string" ? answer.nextCursor : undefined;
  } while (cursor !== undefined && hits.length < max);
  return hits;
}
