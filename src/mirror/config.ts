/**
 * Which logs this deployment mirrors (C2SP tlog-mirror: "For each supported origin log, the mirror is
 * configured with the log's public key [and] the log's URL prefix"), and the mirror's own key.
 *
 *   MIRRORED_LOGS       = "<log verifier key> <https URL prefix>, ..."   comma- or newline-separated; the
 *                         key's name is the log's origin (C2SP tlog-checkpoint), the prefix is where its
 *                         tlog-tiles `checkpoint` and `tile/...` are read
 *   MIRROR_SIGNING_KEY  = a cosignature key (`edgelog witness key <mirror name>`): the mirror's name and the
 *                         key it cosigns each mirrored checkpoint with (secret)
 *
 * The minimum index is 0: tlog-mirror §"Pruning and Retention Policies" — without a retention policy a
 * mirror MUST NOT be pruned. Each log is served under /mirror/<origin hash>/ (hex SHA-256 of the origin,
 * tlog-mirror §Introduction).
 * @module
 */
import { toHex, utf8Encode } from "../tlog/encoding.ts";
import { sha256Bytes } from "../tlog/hash.ts";
import { parseVerifierKey } from "../tlog/note.ts";
import { setting } from "../config.ts";

export interface MirroredLog {
  origin: string;
  /** hex SHA-256 of the origin: the log's URL path element under /mirror/. */
  originHash: string;
  /** The log's checkpoint verifier key. */
  vkey: string;
  /** The log's tlog-tiles URL prefix, without a trailing slash. */
  url: string;
}

/** Where a mirrored log's copy lives in the bucket: not a shard name (those cannot start with "_"). */
export const MIRROR_STORE_PREFIX = "_mirror";

export function originHash(origin: string): string {
  return toHex(sha256Bytes(utf8Encode(origin)));
}

/** Parses MIRRORED_LOGS; throws a config error naming the setting. */
export function parseMirroredLogs(value: string | undefined): MirroredLog[] {
  const bad = (why: string) => new Error(`config: MIRRORED_LOGS: ${why}`);
  const logs: MirroredLog[] = [];
  for (const entry of (value ?? "")
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean)) {
    const parts = entry.split(/\s+/);
    if (parts.length !== 2) throw bad(`entry ${JSON.stringify(entry)} must be "<log verifier key> <https URL prefix>"`);
    const [vkey, url] = parts as [string, string];
    let origin: string;
    try {
      origin = parseVerifierKey(vkey).name;
    } catch (e) {
      throw bad(`${JSON.stringify(vkey)}: ${(e as Error).message}`);
    }
    if (!/^https?:\/\/[^\s/]+/.test(url)) throw bad(`${JSON.stringify(url)} is not an http(s) URL prefix`);
    if (logs.some((l) => l.origin === origin)) throw bad(`the log ${origin} is listed twice`);
    logs.push({ origin, originHash: originHash(origin), vkey, url: url.replace(/\/+$/, "") });
  }
  return logs;
}

export function mirroredLogs(env: Env): MirroredLog[] {
  return parseMirroredLogs(setting(env, "MIRRORED_LOGS"));
}
