/**
 * Limits and defaults, read once from Worker vars (wrangler.toml [vars]); each with its unit and reason.
 * @module
 */
import { MAX_ENTRY_BYTES } from "./tlog/bundle.ts";
import { isValidKeyName } from "./tlog/note.ts";

export interface LogConfig {
  /** Checkpoint origin = signed-note key name; clients match it against the log's host. */
  origin: string;
  /** Sequencing round period, ms (DESIGN: 250 ms, Tessera's batch max age). */
  tickMs: number;
  /** Pool cap in leaves; beyond it submissions get 503 + Retry-After (Tessera pushback default 4,096). */
  maxPoolLeaves: number;
  /** The checkpoint is re-published at least this often even when idle, ms. */
  republishMs: number;
  /** Canonical leaf limit: entry bundles use a 16-bit length prefix. */
  maxLeafBytes: number;
  /** Edge cache lifetime of /checkpoint, seconds (C2SP: "no more than a few seconds"). 0 disables it. */
  checkpointMaxAgeSeconds: number;
  /** Request body limit in bytes → 413 (DESIGN: 1 MiB; Rekor v2 allows 4 MiB, but a leaf is at most 64 KiB). */
  maxBodyBytes: number;
  /** The raw test-append endpoint (POST /add); off unless explicitly enabled. */
  enableTestAppend: boolean;
}

function int(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`config: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  return n;
}

export function readConfig(env: Partial<Record<string, unknown>>): LogConfig {
  const s = (k: string): string | undefined => (typeof env[k] === "string" ? (env[k] as string) : undefined);
  const origin = s("LOG_ORIGIN") ?? "localhost:8787";
  if (!isValidKeyName(origin)) throw new Error(`config: LOG_ORIGIN ${JSON.stringify(origin)} is not a valid key name`);
  return {
    origin,
    tickMs: int(s("TICK_MS"), 250, "TICK_MS", 1, 60_000),
    maxPoolLeaves: int(s("MAX_POOL_LEAVES"), 4096, "MAX_POOL_LEAVES", 1, 100_000),
    republishMs: int(s("CHECKPOINT_REPUBLISH_MS"), 60_000, "CHECKPOINT_REPUBLISH_MS", 1_000, 86_400_000),
    maxLeafBytes: int(s("MAX_LEAF_BYTES"), MAX_ENTRY_BYTES, "MAX_LEAF_BYTES", 1, MAX_ENTRY_BYTES),
    checkpointMaxAgeSeconds: int(s("CHECKPOINT_MAX_AGE"), 1, "CHECKPOINT_MAX_AGE", 0, 10),
    maxBodyBytes: int(s("MAX_BODY_BYTES"), 1 << 20, "MAX_BODY_BYTES", 1024, 100 << 20),
    enableTestAppend: s("ENABLE_TEST_APPEND") === "true",
  };
}
