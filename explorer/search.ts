/**
 * Lookups: `GET /api/v2/search` (digest, email, subject, issuer, repository, key; over every shard) and the Rekor
 * v1 reads by log index and by entry UUID or leaf hash. Every answer becomes a Hit: the shard and in-shard
 * index the page then verifies from tiles, with what the API claimed kept for the extra check.
 */
import { fromBase64 } from "../src/tlog/encoding.ts";
import type { ExplorerConfig } from "./config.ts";
import { getJson, HttpError } from "./http.ts";
import type { PublishedKeys } from "./trust.ts";

export type SearchBy = "digest" | "email" | "subject" | "issuer" | "repository" | "key" | "index" | "uuid";

export interface Hit {
  shard: string;
  /** Index in the shard's tree. */
  index: number;
  /** Rekor v1's global index, when an API gave it. */
  globalIndex?: number;
  kind?: string;
  leaf: Uint8Array;
  /** Unix seconds (Rekor v1 entries); absent or 0 for Rekor v2, which records no time. */
  integratedTime?: number;
  /** The entry as the API answered with it (TransparencyLogEntry, or `{uuid: LogEntry}`): its claims are verified too. */
  claimed?: unknown;
}

export interface SearchPage {
  hits: Hit[];
  nextCursor?: string;
}

const LABELS: Record<SearchBy, string> = {
  digest: "digest",
  email: "email",
  subject: "identity",
  issuer: "OIDC issuer",
  repository: "source repository",
  key: "key",
  index: "log index",
  uuid: "entry UUID",
};

export const searchLabel = (by: SearchBy) => LABELS[by];

/** What a free-text query most likely is; null when it cannot tell. */
export function guessSearch(q: string): SearchBy | null {
  const v = q.trim();
  if (/^(0|[1-9][0-9]{0,15})$/.test(v)) return "index";
  if (/^[0-9a-fA-F]{80}$/.test(v)) return "uuid";
  if (/^[0-9a-fA-F]{64}$/.test(v)) return "uuid"; // a leaf hash; a bare digest is tried too (see search)
  if (/^sha(256|384|512):[0-9a-fA-F]+$/.test(v)) return "digest";
  if (/^key:/.test(v)) return "key";
  if (/^[^\s@/]+@[^\s@/]+$/.test(v)) return "email";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return "subject";
  return null;
}

/** Normalizes a query for the API, or throws with what is wrong. */
export function normalizeQuery(by: SearchBy, q: string): string {
  const v = q.trim();
  if (v === "") throw new Error("enter something to search for");
  switch (by) {
    case "digest": {
      const d = /^[0-9a-fA-F]{64}$/.test(v) ? `sha256:${v}` : v;
      if (!/^(sha256:[0-9a-fA-F]{64}|sha384:[0-9a-fA-F]{96}|sha512:[0-9a-fA-F]{128})$/.test(d))
        throw new Error("a digest is sha256:<64 hex> (or sha384:, sha512:)");
      return d.toLowerCase();
    }
    case "index":
      if (!/^(0|[1-9][0-9]{0,15})$/.test(v)) throw new Error("a log index is a whole number, 0 or more");
      return v;
    case "uuid":
      if (!/^([0-9a-fA-F]{16})?[0-9a-fA-F]{64}$/.test(v))
        throw new Error("an entry UUID is 80 hex digits (or the 64-hex leaf hash)");
      return v.toLowerCase();
    case "email":
      return v.toLowerCase();
    default:
      return v;
  }
}

interface TleJson {
  logIndex?: string;
  logId?: { keyId?: string };
  kindVersion?: { kind?: string; version?: string };
  integratedTime?: string;
  inclusionProof?: { treeSize?: string; hashes?: string[]; checkpoint?: { envelope?: string } };
  canonicalizedBody?: string;
}

function hitFromTle(shard: string, e: TleJson): Hit {
  return {
    shard,
    index: Number(e.logIndex),
    kind: e.kindVersion ? `${e.kindVersion.kind} ${e.kindVersion.version}` : undefined,
    leaf: fromBase64(e.canonicalizedBody ?? "", "canonicalizedBody"),
    integratedTime: Number(e.integratedTime ?? 0) || undefined,
    claimed: e,
  };
}

interface V1EntryJson {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification?: { inclusionProof?: { logIndex?: number } };
}

/** The shard of a Rekor v1 answer: its log ID names the v1 key, published with the shard's base URL. */
function hitFromV1(cfg: ExplorerConfig, keys: PublishedKeys, answer: Record<string, V1EntryJson>): Hit {
  const [uuid] = Object.keys(answer);
  const e = uuid === undefined ? undefined : answer[uuid];
  if (!e) throw new Error("the log answered with no entry");
  const origin = keys.v1Origins.get(e.logID);
  const shard =
    cfg.shards.find((s) => s.origin === origin)?.name ?? (cfg.shards.length === 1 ? cfg.shards[0]!.name : undefined);
  if (!shard) throw new Error(`the entry's log ID ${e.logID} is not one this log publishes`);
  return {
    shard,
    index: e.verification?.inclusionProof?.logIndex ?? e.logIndex,
    globalIndex: e.logIndex,
    leaf: fromBase64(e.body, "body"),
    integratedTime: e.integratedTime,
    claimed: { [uuid!]: e },
  };
}

async function v1Lookup(cfg: ExplorerConfig, keys: PublishedKeys, path: string): Promise<Hit[]> {
  try {
    return [hitFromV1(cfg, keys, await getJson<Record<string, V1EntryJson>>(path))];
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return [];
    throw e;
  }
}

/** The Rekor v1 view of an entry found by its leaf hash: its global index and integrated time. */
export async function v1Details(cfg: ExplorerConfig, keys: PublishedKeys, leafHashHex: string): Promise<Hit | null> {
  const [hit] = await v1Lookup(cfg, keys, `/api/v1/log/entries/${leafHashHex}`);
  return hit ?? null;
}

export async function search(
  cfg: ExplorerConfig,
  keys: PublishedKeys,
  by: SearchBy,
  value: string,
  cursor?: string,
): Promise<SearchPage> {
  if (by === "index") return { hits: await v1Lookup(cfg, keys, `/api/v1/log/entries?logIndex=${value}`) };
  if (by === "uuid") {
    const hits = await v1Lookup(cfg, keys, `/api/v1/log/entries/${value}`);
    // A bare 64-hex value may be an artifact digest rather than a leaf hash.
    if (hits.length === 0 && value.length === 64) return search(cfg, keys, "digest", `sha256:${value}`);
    return { hits };
  }
  const params = new URLSearchParams({ [by]: value, limit: "20" });
  if (cursor) params.set("cursor", cursor);
  const page = await getJson<{ hits?: { shard: string; entry: TleJson }[]; nextCursor?: string }>(
    `/api/v2/search?${params}`,
  );
  return { hits: (page.hits ?? []).map((h) => hitFromTle(h.shard, h.entry)), nextCursor: page.nextCursor };
}
