// Starts the real Worker (bundled from index.ts) under Miniflare on a free localhost port,
// with fresh keys whose origin matches the URL, for end-to-end tests with real clients (Node side).
import { execFileSync } from "node:child_process";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { createServer } from "node:net";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateKey, newSigner } from "../../src/tlog/note.ts";
import { v1TestKey } from "../setup/bindings.ts";

export interface LocalLog {
  url: string;
  origin: string;
  vkey: string;
  /** The checkpoint signing key (a test may start a second log with the same key: a forged fork). */
  skey: string;
  /** The log's Ed25519 checkpoint public key. */
  publicKey: Uint8Array;
  /** The Rekor v1 ECDSA P-256 key (PKCS#8 PEM): its public half verifies SETs and v1 checkpoints. */
  v1PrivateKeyPem: string;
  mf: Miniflare;
  stop(): Promise<void>;
}

/** A TCP port free on loopback right now (Miniflare needs a fixed one to restart on). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

let bundled: string | undefined;

/** Bundles the Worker once per process exactly as a deploy would (`wrangler deploy --dry-run`). */
export function bundleWorker(): string {
  if (bundled) return bundled;
  const outdir = mkdtempSync(join(tmpdir(), "edgelog-worker-"));
  execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir], { stdio: "pipe" });
  bundled = join(outdir, "index.js");
  return bundled;
}

export function wranglerVar(name: string): string {
  const m = new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(readFileSync("wrangler.toml", "utf8"));
  if (!m) throw new Error(`wrangler.toml has no ${name}`);
  return m[1]!;
}

/** `derived`: more bindings computed from the log's origin and verifier key (e.g. a witness that witnesses it). */
export async function startLocalLog(
  vars: Record<string, string> = {},
  derived?: (log: { origin: string; vkey: string }) => Record<string, string>,
): Promise<LocalLog> {
  const scriptPath = bundleWorker();
  const port = await freePort();
  // A given LOG_SIGNING_KEY (and LOG_ORIGIN, its key name) makes a log that signs as another one.
  const origin = vars.LOG_ORIGIN ?? `localhost:${port}`;
  const skey = vars.LOG_SIGNING_KEY ?? generateKey(origin).skey;
  const vkey = newSigner(skey).vkey;
  const v1Pem = v1TestKey();
  // Miniflare 5 has a new options shape; convertV4MiniflareOptions accepts the familiar (v4) one.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port,
      workers: [
        {
          name: "edgelog",
          modules: true,
          scriptPath,
          modulesRoot: dirname(scriptPath), // module names must not climb out of the root ("..")
          compatibilityDate: wranglerVar("compatibility_date"),
          compatibilityFlags: ["nodejs_compat"],
          durableObjects: {
            SEQUENCER: { className: "Sequencer", useSQLite: true },
            WITNESS: { className: "Witness", useSQLite: true },
            INDEXER: { className: "Indexer", useSQLite: true },
            BATCHER: { className: "Batcher", useSQLite: true },
            MIRROR: { className: "Mirror", useSQLite: true },
          },
          r2Buckets: ["TILES"],
          kvNamespaces: ["HOT"],
          d1Databases: ["INDEX"],
          bindings: {
            LOG_ORIGIN: origin,
            SHARD: "default",
            TICK_MS: "50",
            CHECKPOINT_MAX_AGE: "0",
            LOG_SIGNING_KEY: skey,
            LOG_V1_SIGNING_KEY: v1Pem,
            ...vars,
            ...derived?.({ origin, vkey }),
          },
        },
      ],
    }),
  );
  await mf.ready;
  const d1 = await mf.getD1Database("INDEX");
  for (const file of readdirSync("migrations").sort())
    await d1.exec(readFileSync(join("migrations", file), "utf8").replace(/--.*$/gm, "").replace(/\s+/g, " "));
  return {
    url: `http://localhost:${port}`,
    origin,
    vkey,
    skey,
    publicKey: newSigner(skey).publicKey,
    v1PrivateKeyPem: v1Pem,
    mf,
    stop: () => mf.dispose(),
  };
}
