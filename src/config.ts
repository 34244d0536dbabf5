/**
 * A log's settings, read from Worker vars (wrangler.toml [vars]) and secrets; each limit with its unit
 * and reason. Which logs a deployment serves (SHARDS, ACTIVE_SHARD, FROZEN_SHARDS) is
 * src/log/shards.ts.
 *
 * Per-shard settings are the plain names with the shard's suffix, falling back to the plain name:
 *   LOG_ORIGIN_LOG2026B, secrets LOG_SIGNING_KEY_LOG2026B and LOG_V1_SIGNING_KEY_LOG2026B, ...
 * (suffix = the name upper-cased, "-" → "_"). A single-shard deployment needs no suffixes at all.
 * @module
 */
import { DEFAULT_CHECKPOINT_WRITE_GAP_MS } from "./sequencer/checkpoint-publisher.ts";
import { MAX_ENTRY_BYTES } from "./tlog/bundle.ts";
import { isValidKeyName } from "./tlog/note.ts";
import { parseWitnessPolicy, type WitnessPolicy } from "./witnessing/policy.ts";

/** Default MAX_POOL_BYTES (pool and round in progress) and MAX_ROUND_BYTES: see LogConfig. */
export const DEFAULT_MAX_POOL_BYTES = 24 << 20;
export const DEFAULT_MAX_ROUND_BYTES = 8 << 20;
/** Default STORAGE_DEADLINE_MS: far above R2's, KV's and D1's normal latency, far below "hung". */
export const DEFAULT_STORAGE_DEADLINE_MS = 10_000;

/**
 * Default REKORD_MAX_DATA_BYTES: 512 KiB of rekord inline data (683 KiB as base64, inside the 1 MiB body limit).
 * Rekor v1 streams the artifact; a Worker holds it in memory to hash and verify it, so it is bounded.
 */
export const DEFAULT_REKORD_MAX_DATA_BYTES = 512 * 1024;

/** rekor-tiles' answer to a write on a frozen (read-only) log: HTTP 405 with this body. */
export const FROZEN_MESSAGE = "This log has been frozen, please switch to the latest log.";
/** A listed shard after the active one: its keys are published, it takes writes once it is made active. */
export const PENDING_MESSAGE = "This log is not active yet, please use the current log.";

/**
 * Settings a shard can override with `<NAME>_<SUFFIX>`. Everything else is deployment-wide.
 * LOG_VALID_FROM / LOG_VALID_UNTIL: RFC 3339 times published as the key's validity in the trust files.
 */
export const PER_SHARD_SETTINGS = [
  "LOG_ORIGIN",
  "LOG_SIGNING_KEY",
  "LOG_V1_SIGNING_KEY",
  "V1_TREE_ID",
  "LOG_VALID_FROM",
  "LOG_VALID_UNTIL",
  "LOG_OPERATOR",
  "TICK_MS",
  "MAX_POOL_LEAVES",
  "MAX_POOL_BYTES",
  "MAX_ROUND_LEAVES",
  "MAX_ROUND_BYTES",
  "ROUND_TRIGGER_LEAVES",
  "CHECKPOINT_REPUBLISH_MS",
  "CHECKPOINT_WRITE_GAP_MS",
  "MAX_LEAF_BYTES",
  "WITNESSES",
  "WITNESS_QUORUM",
  "WITNESS_TIMEOUT_MS",
  "WITNESS_POLICY",
  "ACCEPT_NON_DEFAULT_KEY_DETAILS",
] as const;
export type PerShardSetting = (typeof PER_SHARD_SETTINGS)[number];

/** active: takes writes; frozen: read-only for good; pending: listed after the active shard, not yet in use. */
export type ShardState = "active" | "frozen" | "pending";

export interface LogConfig {
  /** The shard (log) this configuration is for: its Sequencer is idFromName(shard), its objects live under "<shard>/". */
  shard: string;
  state: ShardState;
  /** Checkpoint origin = signed-note key name; clients match it against the log's host. */
  origin: string;
  /** Sequencing round period, ms (DESIGN: 250 ms, Tessera's batch max age). */
  tickMs: number;
  /** Pool cap in leaves; beyond it submissions get 503 + Retry-After (Tessera pushback default 4,096). */
  maxPoolLeaves: number;
  /**
   * Pool cap in leaf bytes, the round in progress included; beyond it 503 + Retry-After. A Durable Object
   * has 128 MB of memory, and a round holds its leaves about three times over (the leaves, their bundles,
   * the SQLite rows), so the default (24 MiB) keeps pool and round well inside it.
   */
  maxPoolBytes: number;
  /** A round takes at most this many leaves and leaf bytes from the pool; the rest wait for the next round. */
  maxRoundLeaves: number;
  maxRoundBytes: number;
  /** Deadline on each storage call (R2, KV, D1) of the sequencer, ms: past it the call fails like a failed put. */
  storageDeadlineMs: number;
  /**
   * A pool this large starts its round without waiting for its oldest leaf's tick, though never sooner
   * than a tick after the previous round started (Tessera's batch max size, 256: one entry bundle).
   */
  roundTriggerLeaves: number;
  /** The checkpoint is re-published at least this often even when idle, ms. */
  republishMs: number;
  /**
   * The public checkpoint object is written at most once per this many ms, always the newest (R2 and KV take
   * about one write per second to the same key); rounds run every tick regardless.
   */
  checkpointWriteGapMs: number;
  /** Canonical leaf limit: entry bundles use a 16-bit length prefix. */
  maxLeafBytes: number;
  /** Edge cache lifetime of /checkpoint, seconds (C2SP: "no more than a few seconds"). 0 disables it. */
  checkpointMaxAgeSeconds: number;
  /** Request body limit in bytes → 413 (DESIGN: 1 MiB; Rekor v2 allows 4 MiB, but a leaf is at most 64 KiB). */
  maxBodyBytes: number;
  /**
   * Largest inline data of a Rekor v1 rekord entry, in bytes (decoded) → 413 (REKORD_MAX_DATA_BYTES). The data is
   * verified and hashed at the edge, never stored; its base64 must also fit in maxBodyBytes.
   */
  rekordMaxDataBytes: number;
  /** The raw test-append endpoint (POST /add); off unless explicitly enabled. */
  enableTestAppend: boolean;
  /** Start (and end) of the log keys' validity in the trust files, RFC 3339. */
  validFrom: string;
  validUntil: string | undefined;
  /** SigningConfig operator: a scheme-less URI naming who runs the log (default: the origin's host). */
  operator: string;
  /**
   * Rekor v2 entries whose key details are not the key's default (RSA-PSS): Go clients cannot rebuild their leaves
   * (src/rekor/v2/verifier.ts VerifierPolicy), so they are refused unless the operator opts in.
   */
  acceptNonDefaultKeyDetails: boolean;
  /** Witnesses asked to cosign each checkpoint, and how many must before it is published (src/witnessing/policy.ts). */
  witnesses: WitnessPolicy;
}

function int(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`config: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  return n;
}

function bool(value: string | undefined, name: string): boolean {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  throw new Error(`config: ${name} must be true or false, got ${value}`);
}

/**
 * A var or secret by name, if set and not empty. Settings are plain string properties of the environment,
 * and a shard's suffixed names are only known at run time, so they are read by name.
 */
export function setting(env: object, name: string): string | undefined {
  const value: unknown = Reflect.get(env, name);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** LOG_ORIGIN + log2026-b → LOG_ORIGIN_LOG2026_B. */
export function shardSettingName(name: string, shard: string): string {
  return `${name}_${shard.toUpperCase().replace(/-/g, "_")}`;
}

/** A per-shard setting: `<NAME>_<SUFFIX>`, else the deployment-wide `<NAME>`. */
export function shardSetting(env: object, name: PerShardSetting, shard: string): string | undefined {
  return setting(env, shardSettingName(name, shard)) ?? setting(env, name);
}

/** Why a write to this shard is refused (HTTP 405), or null if it takes writes. */
export function writeRefusal(config: Pick<LogConfig, "state">): string | null {
  return config.state === "frozen" ? FROZEN_MESSAGE : config.state === "pending" ? PENDING_MESSAGE : null;
}

function rfc3339(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new Error(`config: ${name} must be an RFC 3339 time such as 2026-01-01T00:00:00Z, got ${value}`);
  }
  return new Date(value).toISOString().replace(/\.000Z$/, "Z");
}

/** The configuration of shard `name`, whose state the deployment's shard list decides. */
export function parseLogConfig(env: object, name: string, state: ShardState): LogConfig {
  const s = (k: PerShardSetting) => shardSetting(env, k, name);
  const origin = s("LOG_ORIGIN") ?? "localhost:8787";
  if (!isValidKeyName(origin))
    throw new Error(`config: LOG_ORIGIN ${JSON.stringify(origin)} for shard ${name} is not a valid key name`);
  const validFromName = shardSettingName("LOG_VALID_FROM", name);
  return {
    shard: name,
    state,
    origin,
    tickMs: int(s("TICK_MS"), 250, "TICK_MS", 1, 60_000),
    maxPoolLeaves: int(s("MAX_POOL_LEAVES"), 4096, "MAX_POOL_LEAVES", 1, 100_000),
    maxPoolBytes: int(s("MAX_POOL_BYTES"), DEFAULT_MAX_POOL_BYTES, "MAX_POOL_BYTES", MAX_ENTRY_BYTES, 96 << 20),
    maxRoundLeaves: int(s("MAX_ROUND_LEAVES"), 8192, "MAX_ROUND_LEAVES", 1, 100_000),
    maxRoundBytes: int(s("MAX_ROUND_BYTES"), DEFAULT_MAX_ROUND_BYTES, "MAX_ROUND_BYTES", MAX_ENTRY_BYTES, 32 << 20),
    storageDeadlineMs: int(
      setting(env, "STORAGE_DEADLINE_MS"),
      DEFAULT_STORAGE_DEADLINE_MS,
      "STORAGE_DEADLINE_MS",
      100,
      600_000,
    ),
    roundTriggerLeaves: int(s("ROUND_TRIGGER_LEAVES"), 256, "ROUND_TRIGGER_LEAVES", 1, 100_000),
    republishMs: int(s("CHECKPOINT_REPUBLISH_MS"), 60_000, "CHECKPOINT_REPUBLISH_MS", 1_000, 86_400_000),
    checkpointWriteGapMs: int(
      s("CHECKPOINT_WRITE_GAP_MS"),
      DEFAULT_CHECKPOINT_WRITE_GAP_MS,
      "CHECKPOINT_WRITE_GAP_MS",
      0,
      60_000,
    ),
    maxLeafBytes: int(s("MAX_LEAF_BYTES"), MAX_ENTRY_BYTES, "MAX_LEAF_BYTES", 1, MAX_ENTRY_BYTES),
    checkpointMaxAgeSeconds: int(setting(env, "CHECKPOINT_MAX_AGE"), 1, "CHECKPOINT_MAX_AGE", 0, 10),
    maxBodyBytes: int(setting(env, "MAX_BODY_BYTES"), 1 << 20, "MAX_BODY_BYTES", 1024, 100 << 20),
    rekordMaxDataBytes: int(
      setting(env, "REKORD_MAX_DATA_BYTES"),
      DEFAULT_REKORD_MAX_DATA_BYTES,
      "REKORD_MAX_DATA_BYTES",
      1,
      100 << 20,
    ),
    enableTestAppend: setting(env, "ENABLE_TEST_APPEND") === "true",
    // Without a configured start the keys are published as valid since the Unix epoch: permissive,
    // never wrong for this log's entries. scripts/keys.ts prints the real one with each new key.
    validFrom: rfc3339(s("LOG_VALID_FROM"), validFromName) ?? "1970-01-01T00:00:00Z",
    validUntil: rfc3339(s("LOG_VALID_UNTIL"), shardSettingName("LOG_VALID_UNTIL", name)),
    operator: s("LOG_OPERATOR") ?? origin.split("/")[0]!.replace(/:\d+$/, ""),
    acceptNonDefaultKeyDetails: bool(
      s("ACCEPT_NON_DEFAULT_KEY_DETAILS"),
      shardSettingName("ACCEPT_NON_DEFAULT_KEY_DETAILS", name),
    ),
    witnesses: parseWitnessPolicy(
      s("WITNESSES"),
      s("WITNESS_QUORUM"),
      s("WITNESS_TIMEOUT_MS"),
      `witnesses of shard ${name}`,
      s("WITNESS_POLICY"),
    ),
  };
}
