// A tlog-tiles log written by someone else's code (test/go/tlog-tiles/main.go: Go's golang.org/x/mod sumdb/tlog
// and sumdb/note, from Debian's golang-golang-x-mod-dev), served over HTTP from a temporary directory.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize, resolve } from "node:path";

const cache = mkdtempSync(join(tmpdir(), "edgelog-gocache-"));

/** Writes a log of `n` entries "<prefix> <i>" signed with `skey` (Go note format) into a new directory. */
export function writeGoTileLog(n: number, origin: string, skey: string, prefix = "entry"): string {
  const dir = mkdtempSync(join(tmpdir(), "edgelog-golog-"));
  execFileSync(
    "go",
    [
      "run",
      resolve("test/go/tlog-tiles/main.go"),
      "-dir",
      dir,
      "-origin",
      origin,
      "-n",
      String(n),
      "-prefix",
      prefix,
      "-skey",
      skey,
    ],
    {
      // GOPATH mode over Debian's packaged sources: no module download, no network.
      env: { ...process.env, GO111MODULE: "off", GOPATH: "/usr/share/gocode", GOCACHE: cache },
      stdio: "pipe",
    },
  );
  return dir;
}

export interface StaticLog {
  url: string;
  /** The directory served now (swap it to make the log grow, or lie). */
  dir: string;
  /** Changes a served object on its way out (tampering), or null. */
  tamper: ((path: string, body: Buffer) => Buffer) | null;
  stop(): Promise<void>;
}

/** Serves a directory's `checkpoint` and `tile/...` files at http://127.0.0.1:<port>/. */
export async function serveStaticLog(dir: string): Promise<StaticLog> {
  const log: StaticLog = { url: "", dir, tamper: null, stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
    const file = normalize(join(log.dir, path));
    let body: Buffer;
    try {
      if (!file.startsWith(log.dir)) throw new Error("outside");
      body = readFileSync(file);
    } catch {
      res.writeHead(404).end("not found");
      return;
    }
    if (log.tamper) body = log.tamper(path, body);
    res
      .writeHead(200, {
        "Content-Type": path === "checkpoint" ? "text/plain; charset=utf-8" : "application/octet-stream",
      })
      .end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  log.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  log.stop = () => new Promise((r) => server.close(() => r()));
  return log;
}

/**
 * Follows the log at `url` as a Go mirror would (test/go/tlog-follow/main.go: x/mod sumdb/note and the tiles
 * authenticated by sumdb/tlog's TileHashReader) and copies what verified into a new directory.
 */
export function followWithGo(url: string, vkey: string): { code: number; output: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "edgelog-gofollow-"));
  try {
    const output = execFileSync(
      "go",
      ["run", resolve("test/go/tlog-follow/main.go"), "-url", url, "-vkey", vkey, "-out", dir],
      {
        env: { ...process.env, GO111MODULE: "off", GOPATH: "/usr/share/gocode", GOCACHE: cache },
        stdio: "pipe",
      },
    ).toString();
    return { code: 0, output, dir };
  } catch (e) {
    const err = e as { status?: number; stderr?: Buffer };
    return { code: err.status ?? 99, output: err.stderr?.toString() ?? String(e), dir };
  }
}
