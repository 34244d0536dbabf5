/**
 * `edgelog search --complete`: GET /api/v2/search?...&complete=true, every page verified as complete.
 * Each page's completeness proof must verify against a map checkpoint signed by the log's key
 * (src/vindex/complete-search.ts), its hits must be exactly the entries the index lists there (each
 * proven in the log), and the map checkpoint's log root must be a prefix of the log's current
 * checkpoint (a consistency proof from the log's tiles). The result: every entry with the key below log
 * size N, nothing left out.
 * @module
 */
import { TileReader } from "../src/client/tile-reader.ts";
import { MalformedError, ProofError } from "../src/tlog/errors.ts";
import type { NoteVerifier } from "../src/tlog/note.ts";
import { indexKeysOf } from "../src/search/index-keys.ts";
import type { Selector } from "../src/search/selectors.ts";
import { verifyCompleteSearch, type CompleteSearchJson } from "../src/vindex/complete-search.ts";
import { CliError, EXIT, httpJson, pathFetcher, serverMessage, usage, verifyFailure } from "./common.ts";
import { SEARCH_PAGE, searchKey, verifySearchHit, type VerifiedHit } from "./search.ts";

export interface CompleteSearch {
  hits: VerifiedHit[];
  /** The log size the answer is complete up to (the last page's map checkpoint). */
  size: number;
  /** How many entries below `size` have the key. */
  count: number;
  /** The signed map checkpoint of the last page. */
  mapCheckpoint: string;
}

export async function searchComplete(
  baseUrl: string,
  selector: Selector,
  value: string,
  verifiers: readonly NoteVerifier[],
  max: number,
): Promise<CompleteSearch> {
  const key = searchKey(selector, value);
  const reader = new TileReader(pathFetcher(baseUrl), verifiers);
  const hits: VerifiedHit[] = [];
  let result: Omit<CompleteSearch, "hits"> | undefined;
  let cursor: string | undefined;
  do {
    const limit = Math.min(SEARCH_PAGE, max - hits.length);
    const url = `${baseUrl}/api/v2/search?${selector}=${encodeURIComponent(value)}&complete=true&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const r = await httpJson(url);
    if (r.status === 400) throw usage(`the log refused the query: ${serverMessage(r.body)}`);
    if (r.status === 404 || r.status === 405)
      throw new CliError(`complete search is not available on this log (answered ${r.status})`, EXIT.SERVICE);
    if (r.status !== 200)
      throw new CliError(`complete search: HTTP ${r.status}: ${serverMessage(r.body)}`, EXIT.SERVICE);
    const answer = r.body as CompleteSearchJson;
    let page;
    try {
      page = verifyCompleteSearch(answer, key, limit, verifiers, indexKeysOf);
    } catch (e) {
      if (e instanceof ProofError || e instanceof MalformedError)
        throw verifyFailure(`the answer is not provably complete: ${e.message}`);
      throw e;
    }
    if (page.start !== hits.length)
      throw verifyFailure(`page starts at position ${page.start}, expected ${hits.length}`);
    if (result && page.checkpoint.size < result.size)
      throw verifyFailure(`a later page comes from an older map (size ${page.checkpoint.size} < ${result.size})`);
    if (!result || page.checkpoint.size !== result.size) {
      // The map was built for a prefix of this log: its log root extends to the log's signed checkpoint.
      const cp = await reader.checkpoint();
      try {
        await reader.verifyConsistency(
          { origin: cp.origin, size: page.checkpoint.size, root: page.checkpoint.logRoot, extensions: [] },
          cp,
        );
      } catch (e) {
        throw verifyFailure(
          `the index's map checkpoint (size ${page.checkpoint.size}) is not of this log: ${(e as Error).message}`,
        );
      }
    }
    result = { size: page.checkpoint.size, count: page.count, mapCheckpoint: answer.completeness.mapCheckpoint };
    for (const hit of answer.hits) hits.push(verifySearchHit(hit, verifiers, key));
    cursor = typeof answer.nextCursor === "string" ? answer.nextCursor : undefined;
  } while (cursor !== undefined && hits.length < max);
  return { hits, ...result! };
}
