/**
 * The core workload on golang.org/x/mod/sumdb/tlog (bench/go/tlog-core.go), run in the same bench run as
 * ours for `coreVsGo`: Debian's golang-go and golang-golang-x-mod-dev (GOPATH /usr/share/gocode), which
 * .ci/run installs. Null when `go` or the module is absent.
 * @module
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CoreOptions } from "./core.ts";

const GOPATH = "/usr/share/gocode";

export interface GoCoreResult {
  entries: number;
  seconds: number;
  entriesPerSecond: number;
  root: string;
  go: string;
}

export async function runGoCore(opts: CoreOptions): Promise<GoCoreResult | null> {
  if (!existsSync(join(GOPATH, "src/golang.org/x/mod/sumdb/tlog"))) return null;
  const cache = mkdtempSync(join(tmpdir(), "edgelog-gocache-"));
  const env = { ...process.env, GO111MODULE: "off", GOPATH, GOCACHE: cache, GOFLAGS: "" };
  try {
    const run = promisify(execFile);
    const version = (await run("go", ["version"], { env })).stdout.trim();
    const args = [
      "run",
      "tlog-core.go",
      "-entry",
      String(opts.entrySize),
      "-round",
      String(opts.roundSize),
      "-min-entries",
      String(opts.minEntries),
      "-min-seconds",
      String(opts.minSeconds),
    ];
    const { stdout } = await run("go", args, { env, cwd: join(import.meta.dirname, "go"), maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout) as { entries: number; seconds: number; entriesPerSecond: number; root: string };
    return {
      entries: r.entries,
      seconds: Math.round(r.seconds * 1000) / 1000,
      entriesPerSecond: Math.round(r.entriesPerSecond),
      root: r.root,
      go: version,
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null; // no `go` on PATH
    throw e;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
