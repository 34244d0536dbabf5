// A deployment under Miniflare that can be redeployed with another configuration over the same
// state (Durable Objects, R2, KV, D1 persisted in a temporary directory, same port), the way
// `wrangler deploy` with new vars restarts a real deployment: for testing shard rotation end to end.
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { bundleWorker, freePort, wranglerVar } from "./local-log.ts";

export interface Deployment {
  url: string;
  port: number;
  mf: Miniflare;
  /** Stops this deployment and starts the same Worker with `bindings` over the same state and port. */
  redeploy(bindings: Record<string, string>): Promise<Deployment>;
  /** Stops it and deletes its state. */
  destroy(): Promise<void>;
}

async function launch(
  port: number,
  persist: string,
  bindings: Record<string, string>,
  fresh: boolean,
): Promise<Deployment> {
  const scriptPath = bundleWorker();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port,
      resourcePersistencePath: persist,
      workers: [
        {
          name: "edgelog",
          modules: true,
          scriptPath,
          modulesRoot: dirname(scriptPath),
          compatibilityDate: wranglerVar("compatibility_date"),
          compatibilityFlags: ["nodejs_compat"],
          durableObjects: {
            SEQUENCER: { className: "Sequencer", useSQLite: true },
            BATCHER: { className: "Batcher", useSQLite: true },
          },
          r2Buckets: ["TILES"],
          kvNamespaces: ["HOT"],
          d1Databases: ["INDEX"],
          bindings: { TICK_MS: "50", CHECKPOINT_MAX_AGE: "0", ...bindings },
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  await mf.ready;
  if (fresh) {
    const d1 = await mf.getD1Database("INDEX");
    for (const file of readdirSync("migrations").sort())
      await d1.exec(readFileSync(join("migrations", file), "utf8").replace(/--.*$/gm, "").replace(/\s+/g, " "));
  }
  const deployment: Deployment = {
    url: `http://localhost:${port}`,
    port,
    mf,
    async redeploy(next) {
      await mf.dispose();
      return launch(port, persist, next, false);
    },
    async destroy() {
      await mf.dispose();
      rmSync(persist, { recursive: true, force: true });
    },
  };
  return deployment;
}

/** A fresh deployment on a free port; `bindings(port)` gives its vars and secrets (origins name the port). */
export async function deploy(bindings: (port: number) => Record<string, string>): Promise<Deployment> {
  const port = await freePort();
  return launch(port, mkdtempSync(join(tmpdir(), "edgelog-state-")), bindings(port), true);
}
