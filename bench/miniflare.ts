/**
 * Shared start-up for the workerd phases: bundle index.ts the way a deploy would
 * (`wrangler deploy --dry-run`), then run it under Miniflare's API with the bindings of
 * wrangler.toml plus benchmark settings. Each phase gets a fresh, in-memory log.
 * @module
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import type { AddResult, SequencerStatus } from "../src/sequencer/protocol.ts";
import { generateKey } from "../src/tlog/note.ts";

/**
 * The checkout whose Worker is bundled and run: this one, or EDGELOG_BENCH_WORKER_ROOT (another
 * checkout with its own node_modules or a symlink to ours), for A/B runs of a sequencer change.
 */
const ROOT = resolve(process.env.EDGELOG_BENCH_WORKER_ROOT ?? resolve(import.meta.dirname, ".."));

export const BENCH_ORIGIN = "localhost:8787";
/** Name of the in-workerd driver Worker (see StartOptions.driver). */
export const DRIVER = "driver";

/** What the benchmark calls on the Sequencer DO over RPC (durable-objects/sequencer.ts). */
export interface SequencerRpc {
  addBatch(leaves: Uint8Array[]): Promise<AddResult[]>;
  add(leaf: Uint8Array): Promise<AddResult>;
  status(): Promise<SequencerStatus>;
}

export interface WranglerConfig {
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  /** Binding name → class name. */
  durableObjects: Record<string, string>;
  r2Buckets: string[];
  kvNamespaces: string[];
  d1Databases: Array<{ binding: string; migrationsDir?: string }>;
}

/**
 * The parts of wrangler.toml the benchmark needs: top-level strings and string arrays, [vars] and
 * the binding tables. A deliberately small reader (TOML basic strings and string arrays are JSON).
 */
export function readWranglerToml(path = join(ROOT, "wrangler.toml")): WranglerConfig {
  const text = readFileSync(path, "utf8");
  const top: Record<string, unknown> = {};
  const tables: Record<string, Record<string, unknown>> = {};
  const arrays: Record<string, Array<Record<string, unknown>>> = {};
  let current: Record<string, unknown> = top;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const arrayHeader = /^\[\[([^\]]+)\]\]$/.exec(line);
    const tableHeader = /^\[([^\]]+)\]$/.exec(line);
    if (arrayHeader) {
      current = {};
      (arrays[arrayHeader[1]!.trim()] ??= []).push(current);
      continue;
    }
    if (tableHeader) {
      current = tables[tableHeader[1]!.trim()] ??= {};
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
    if (!kv) continue;
    try {
      current[kv[1]!] = JSON.parse(kv[2]!) as unknown;
    } catch {
      /* not a value we need (numbers with _, inline tables, ...) */
    }
  }
  const date = top.compatibility_date;
  if (typeof date !== "string") throw new Error("wrangler.toml: no compatibility_date");
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(tables.vars ?? {})) if (typeof v === "string") vars[k] = v;
  const str = (v: unknown): string => String(v);
  return {
    compatibilityDate: date,
    compatibilityFlags: (top.compatibility_flags as string[] | undefined) ?? [],
    vars,
    durableObjects: Object.fromEntries(
      (arrays["durable_objects.bindings"] ?? []).map((b) => [str(b.name), str(b.class_name)]),
    ),
    r2Buckets: (arrays.r2_buckets ?? []).map((b) => str(b.binding)),
    kvNamespaces: (arrays.kv_namespaces ?? []).map((b) => str(b.binding)),
    d1Databases: (arrays.d1_databases ?? []).map((b) => ({
      binding: str(b.binding),
      ...(typeof b.migrations_dir === "string" ? { migrationsDir: b.migrations_dir } : {}),
    })),
  };
}

/** Applies each D1 database's migrations (wrangler d1 migrations apply, locally), in file order. */
async function applyD1Migrations(mf: Miniflare, toml: WranglerConfig): Promise<void> {
  for (const d of toml.d1Databases) {
    if (!d.migrationsDir) continue;
    const dir = join(ROOT, d.migrationsDir);
    if (!existsSync(dir)) continue;
    const db = await mf.getD1Database(d.binding);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".sql"))
      .sort()) {
      // D1 exec runs one statement per line: drop comments, put each statement on one line.
      const sql = readFileSync(join(dir, file), "utf8").replace(/--.*$/gm, "").replace(/\s+/g, " ");
      await db.exec(sql);
    }
  }
}

export interface Bundle {
  scriptPath: string;
  dir: string;
  dispose(): void;
}

/**
 * `wrangler deploy --dry-run --outdir <tmp>`: the exact Worker a deploy would upload; with `entry` (a
 * path relative to the checkout), that module bundled in place of wrangler.toml's main.
 */
export async function bundleWorker(entry?: string): Promise<Bundle> {
  const dir = mkdtempSync(join(tmpdir(), "edgelog-bench-"));
  // Run wrangler's entry with this Node (its bin's `env node` may find an older system Node).
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  await promisify(execFile)(
    process.execPath,
    [wrangler, "deploy", "--dry-run", "--outdir", dir, ...(entry ? [entry] : [])],
    {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error", NO_COLOR: "1" },
      maxBuffer: 16 << 20,
    },
  );
  // The bundle is named after its entry (index.js for index.ts).
  const script = entry ? basename(entry).replace(/\.ts$/, ".js") : "index.js";
  return { scriptPath: join(dir, script), dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StartOptions {
  scriptPath: string;
  /** Serve HTTP on this port (0 = any free port); omit for no benchmark traffic over HTTP. */
  port?: number;
  tickMs?: number;
  maxPoolLeaves?: number;
  /** Extra or overriding Worker vars (e.g. MAX_LEAF_BYTES for the transport probe). */
  vars?: Record<string, string>;
  /** Also run bench/driver.worker.js, an in-workerd load driver for the Sequencer DO. */
  driver?: boolean;
  /** Open workerd's inspector here, for CPU profiles of the Worker and its Durable Object (bench/profile.ts). */
  inspectorPort?: number;
}

export interface RunningLog {
  mf: Miniflare;
  /** The Worker's own HTTP address (workerd's socket, not wrangler dev). */
  url: URL;
  /** The checkpoint verifier key of this run's throwaway signing key. */
  vkey: string;
  sequencer(): Promise<SequencerRpc>;
  dispose(): Promise<void>;
}

export async function startLog(opts: StartOptions): Promise<RunningLog> {
  const toml = readWranglerToml();
  const key = generateKey(BENCH_ORIGIN);
  const bindings: Record<string, string> = {
    ...toml.vars,
    LOG_SIGNING_KEY: key.skey,
    LOG_ORIGIN: BENCH_ORIGIN,
    TICK_MS: String(opts.tickMs ?? 250),
    MAX_POOL_LEAVES: String(opts.maxPoolLeaves ?? 100_000),
    ENABLE_TEST_APPEND: "true",
    // The check after the HTTP phase reads /checkpoint and must not see an edge-cached older one.
    CHECKPOINT_MAX_AGE: "0",
    ...opts.vars,
  };
  const WORKER = "edgelog";
  const worker = {
    name: WORKER,
    modules: true,
    scriptPath: opts.scriptPath,
    modulesRoot: dirname(opts.scriptPath), // module names must not climb out of the root ("..")
    compatibilityDate: toml.compatibilityDate,
    compatibilityFlags: toml.compatibilityFlags,
    bindings,
    // Every binding wrangler.toml declares (SEQUENCER, TILES, HOT, INDEX, ...), local and in memory.
    durableObjects: Object.fromEntries(
      Object.entries(toml.durableObjects).map(([name, className]) => [name, { className, useSQLite: true }]),
    ),
    r2Buckets: toml.r2Buckets,
    kvNamespaces: toml.kvNamespaces,
    d1Databases: toml.d1Databases.map((d) => d.binding),
  };
  // The in-workerd load driver (bench/driver.worker.js) reaches the same DO namespace by script name.
  const driver = {
    name: DRIVER,
    modules: true,
    scriptPath: join(import.meta.dirname, "driver.worker.js"),
    modulesRoot: import.meta.dirname,
    compatibilityDate: toml.compatibilityDate,
    durableObjects: Object.fromEntries(
      Object.entries(toml.durableObjects).map(([name, className]) => [
        name,
        { className, scriptName: WORKER, useSQLite: true },
      ]),
    ),
  };
  // Miniflare 5 takes a new options shape; its converter accepts the familiar v4 one.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: opts.driver ? [worker, driver] : [worker],
      host: "127.0.0.1",
      port: opts.port ?? 0,
      ...(opts.inspectorPort !== undefined ? { inspectorPort: opts.inspectorPort } : {}),
      cf: false, // no network: don't fetch Request.cf
      log: new Log(LogLevel.WARN),
    }),
  );
  const url = await mf.ready;
  await applyD1Migrations(mf, toml);
  const shard = bindings.SHARD || "default";
  return {
    mf,
    url,
    vkey: key.vkey,
    async sequencer() {
      const ns = await mf.getDurableObjectNamespace("SEQUENCER");
      return ns.get(ns.idFromName(shard)) as unknown as SequencerRpc;
    },
    dispose: () => mf.dispose(),
  };
}
