/**
 * Rekor v1 across shards, as Rekor v1 does it (rekor-api.md §2.1, §2.5): one API over every shard.
 * - Entry UUIDs carry the shard's tree ID (80 hex); lookups by UUID search every shard's entries in
 *   the D1 index, and an 80-hex UUID names its shard.
 * - The global (virtual) log index = the sizes of the shards listed before the entry's shard + its
 *   index in the shard. Shards before the active one are frozen, so those sizes are final: they are
 *   read from the frozen shards' signed checkpoints (cached a minute per isolate).
 * - `GET /api/v1/log` describes the current shard and lists the others as `inactiveShards`.
 * Pending shards (listed after the active one) hold no entries and take no part.
 * @module
 */
import type { VerifiedCheckpoint } from "../client/tile-reader.ts";
import { v1Checkpoint } from "../rekor/v1/log-entry.ts";
import { fromHex, toHex } from "../tlog/encoding.ts";
import type { Deployment } from "./deployment.ts";
import { treeIdHex, type V1Key } from "../rekor/v1/signing-key.ts";
import type { Log } from "./log.ts";
import { freshCheckpoint, logIdOf } from "./reader.ts";

/** A UUID or tree ID that is not one (`malformed`), or a tree ID no shard has (`unknown`). */
export class V1LookupError extends Error {
  readonly reason: "malformed" | "unknown";

  constructor(reason: "malformed" | "unknown", message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface ShardIndex {
  shard: string;
  /** The index within the shard's own tree. */
  index: number;
}

/** A shard's v1 key, with every shard's tree ID checked distinct (UUIDs and lookups depend on it). */
export async function shardV1Key(d: Deployment, shard: string): Promise<V1Key> {
  const shards = d.logs;
  const keys = await Promise.all(shards.map((s) => s.v1Key()));
  const seen = new Map<string, string>();
  keys.forEach((k, i) => {
    const other = seen.get(k.treeId);
    if (other !== undefined) {
      throw new Error(
        `config: shards ${other} and ${shards[i]!.name} have the same Rekor v1 tree ID ${k.treeId}; give each its own LOG_V1_SIGNING_KEY_<SHARD> or V1_TREE_ID_<SHARD>`,
      );
    }
    seen.set(k.treeId, shards[i]!.name);
  });
  const i = shards.findIndex((s) => s.name === shard);
  return i >= 0 ? keys[i]! : d.log(shard).v1Key();
}

const FROZEN_TTL_MS = 60_000;
const frozenCheckpoints = new Map<string, { cp: VerifiedCheckpoint; at: number }>();

/**
 * A shard's latest checkpoint, verified with its key, of at least `atLeast` entries if it has them (see
 * LogReader.checkpoint); a frozen shard's is cached (it no longer changes).
 */
export async function shardCheckpoint(shard: Log, atLeast = 0): Promise<VerifiedCheckpoint> {
  const logId = logIdOf(shard.name, shard.checkpointKey().vkey);
  if (shard.state !== "frozen") {
    return (
      freshCheckpoint(logId, atLeast, shard.config.checkpointMaxAgeSeconds * 1000) ?? shard.reader().checkpoint(atLeast)
    );
  }
  const hit = frozenCheckpoints.get(logId);
  if (hit && Date.now() - hit.at < FROZEN_TTL_MS) return hit.cp;
  const cp = await shard.reader().checkpoint();
  frozenCheckpoints.set(logId, { cp, at: Date.now() });
  return cp;
}

/** Global index of the first entry of `shard`: the sizes of the shards before it. */
export async function globalOffset(d: Deployment, shard: string): Promise<number> {
  let offset = 0;
  for (const s of d.entryLogs()) {
    if (s.name === shard) return offset;
    offset += (await shardCheckpoint(s)).size;
  }
  return 0; // a shard that is not listed (tests address Sequencers by other names): its own numbering
}

/** The shard and in-shard index of a global index, or null if no shard holds it. */
export async function locateGlobalIndex(d: Deployment, globalIndex: number): Promise<ShardIndex | null> {
  let offset = 0;
  for (const s of d.entryLogs()) {
    const size = (await shardCheckpoint(s, globalIndex - offset + 1)).size;
    if (globalIndex < offset + size) return { shard: s.name, index: globalIndex - offset };
    offset += size;
  }
  return null;
}

/**
 * The shard and index of the entry with this UUID among `candidates`, the shards uuidCandidates gives for
 * it in the order it prefers them: 64 hex (leaf hash; every shard, the newest first) or 80 hex (tree ID +
 * leaf hash; a tree ID of 0 counts as none, as in Rekor).
 */
export async function findByUuid(d: Deployment, id: string, candidates: readonly Log[]): Promise<ShardIndex | null> {
  if (candidates.length === 0) return null;
  const hits = await d.index.findByLeafHash(fromHex(id.toLowerCase().slice(-64)));
  for (const { name } of candidates) {
    const hit = hits.find((h) => h.shard === name);
    if (hit) return { shard: hit.shard, index: hit.index };
  }
  return null;
}

/** The shards a UUID lookup searches, in the order it prefers them (the newest first). @throws V1LookupError */
export async function uuidCandidates(d: Deployment, id: string): Promise<Log[]> {
  if (!/^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$/.test(id)) {
    throw new V1LookupError(
      "malformed",
      "entry UUID must be 64 hex characters (leaf hash) or 80 (tree ID + leaf hash)",
    );
  }
  const lower = id.toLowerCase();
  const shards = d.entryLogs().reverse();
  if (lower.length !== 80 || lower.slice(0, 16) === "0".repeat(16)) return shards;
  const tree = lower.slice(0, 16);
  const candidates: Log[] = [];
  for (const s of shards) if (treeIdHex((await shardV1Key(d, s.name)).treeId) === tree) candidates.push(s);
  return candidates;
}

/** The shard a Rekor v1 `treeID` query parameter names (decimal), or `fallback` if absent. */
export async function shardForTreeId(d: Deployment, treeId: string | undefined, fallback: Log): Promise<Log> {
  if (treeId === undefined || treeId === "") return fallback;
  if (!/^[0-9]{1,19}$/.test(treeId)) throw new V1LookupError("malformed", "treeID must be a decimal integer");
  for (const s of d.logs) if ((await shardV1Key(d, s.name)).treeId === String(BigInt(treeId))) return s;
  throw new V1LookupError("unknown", `no shard has tree ID ${treeId}`);
}

export interface V1TreeInfo {
  rootHash: string;
  treeSize: number;
  signedTreeHead: string;
  treeID: string;
}

/** One shard's v1 log info: its tree as a v1 checkpoint signed with its v1 key (once per tree, log-entry.ts). */
export async function treeInfo(d: Deployment, shard: Log, nowMs: number): Promise<V1TreeInfo> {
  const cp = await shardCheckpoint(shard);
  const key = await shardV1Key(d, shard.name);
  return {
    rootHash: toHex(cp.root),
    treeSize: cp.size,
    signedTreeHead: await v1Checkpoint(key, shard.config.origin, cp.size, cp.root, nowMs),
    treeID: key.treeId,
  };
}

/** GET /api/v1/log: the shard `current` and, as `inactiveShards`, every other shard holding entries. */
export async function logInfo(
  d: Deployment,
  current: Log,
  nowMs: number,
): Promise<V1TreeInfo & { inactiveShards: V1TreeInfo[] }> {
  const others = d.entryLogs().filter((s) => s.name !== current.name);
  const [info, ...inactiveShards] = await Promise.all([
    treeInfo(d, current, nowMs),
    ...others.map((s) => treeInfo(d, s, nowMs)),
  ]);
  return { ...info!, inactiveShards };
}
