/**
 * Proving a search complete in the browser: `GET /<shard>/api/v2/search?…&complete=true`, every page
 * checked with the shard's checkpoint key as `edgelog search --complete` does (src/vindex/complete-search.ts):
 * the signed map checkpoint, the key's map and chunk proofs, and that the hits are exactly the entries
 * listed, each proven in the log. (Whether each entry has the key needs the certificate parsers, which
 * the page does not carry; the CLI checks it, and so does `edgelog audit-index` for the whole map.)
 */
import { SelectorError, selectorKey, type Selector } from "../src/search/selectors.ts";
import { verifyCompleteSearch, type CompleteSearchJson } from "../src/vindex/complete-search.ts";
import { shardBase } from "./config.ts";
import { getJson } from "./http.ts";
import { parseVerifierKey } from "./trust.ts";

export interface ProvenComplete {
  /** The log size the list is complete up to. */
  size: number;
  /** Every log index with the key below `size`, in order. */
  indices: number[];
}

const PAGE = 20;
/** Bounded work: a list longer than this is not proven in the page (the CLI has no such bound). */
const MAX_PAGES = 250;

export async function proveComplete(shard: string, vkey: string, by: Selector, value: string): Promise<ProvenComplete> {
  let key: string;
  try {
    key = selectorKey(by, value);
  } catch (e) {
    if (e instanceof SelectorError) throw new Error(e.message);
    throw e;
  }
  const verifiers = [parseVerifierKey(vkey)];
  const indices: number[] = [];
  let size = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = new URLSearchParams({ [by]: value, complete: "true", limit: String(PAGE) });
    if (cursor) params.set("cursor", cursor);
    const answer = await getJson<CompleteSearchJson>(`${shardBase(shard)}/api/v2/search?${params}`);
    const v = verifyCompleteSearch(answer, key, PAGE, verifiers);
    if (v.start !== indices.length) throw new Error(`a page starts at position ${v.start}, expected ${indices.length}`);
    if (v.checkpoint.size < size) throw new Error("a later page comes from an older map checkpoint");
    size = v.checkpoint.size;
    indices.push(...v.indices);
    cursor = answer.nextCursor;
    if (cursor === undefined) return { size, indices };
  }
  throw new Error(`more than ${MAX_PAGES * PAGE} entries: use edgelog search --complete`);
}
