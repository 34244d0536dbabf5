/**
 * `edgelog health`: the log's liveness and how far its search index lags (GET /healthz).
 * `edgelog reindex`: rebuild a shard's search index from the log's own bundles through the operator
 * route POST /admin/reindex (bearer ADMIN_TOKEN), a bounded slice per request, with a progress bar.
 * It resumes where the index stops by default (/healthz `indexed`), or from `--from`; every slice is
 * idempotent, so an interrupted run is simply started again. Why a Worker route and not
 * `wrangler d1 execute`: docs/DESIGN.md "Search index".
 * @module
 */
import cliProgress from "cli-progress";
import { CliError, EXIT, httpJson, serverMessage, usage } from "./common.ts";

/** GET /healthz's `index` (src/api/health.ts). */
interface IndexLag {
  shard: string;
  size?: number;
  indexed?: number;
  lag?: number;
  error?: string;
}

/** POST /admin/reindex's answer (src/api/admin.ts). */
interface ReindexAnswer {
  shard: string;
  size: number;
  from: number;
  next: number;
  indexed: number;
}

export interface HealthOptions {
  url: string;
  shard?: string;
  json?: boolean;
  maxLag?: string;
}

export interface ReindexOptions {
  url: string;
  shard?: string;
  token?: string;
  from?: string;
  batch: string;
  progress?: boolean;
  json?: boolean;
}

/** The shard's base URL: `--shard` adds its path prefix (README "Shards"). */
const shardBase = (url: string, shard: string | undefined) => url.replace(/\/+$/, "") + (shard ? `/${shard}` : "");

function count(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw usage(`${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

async function indexLag(base: string): Promise<IndexLag> {
  const r = await httpJson(`${base}/healthz`);
  if (r.status !== 200)
    throw new CliError(`GET ${base}/healthz: HTTP ${r.status}: ${serverMessage(r.body)}`, EXIT.SERVICE);
  const index = (r.body as { index?: IndexLag }).index;
  if (!index)
    throw new CliError(
      `${base}/healthz does not report the search index (not an edgelog, or an older one)`,
      EXIT.SERVICE,
    );
  return index;
}

/** Exit 0 when serving (and, with --max-lag, when the index lags by at most that many entries); else 1. */
export async function health(opts: HealthOptions, out: (s: string) => void): Promise<number> {
  const maxLag = opts.maxLag === undefined ? undefined : count(opts.maxLag, "--max-lag", 0);
  const index = await indexLag(shardBase(opts.url, opts.shard));
  if (opts.json) out(JSON.stringify(index));
  else if (index.error !== undefined) out(`serving; search index of ${index.shard}: unknown (${index.error})`);
  else
    out(
      `serving; search index of ${index.shard}: ${index.indexed} of ${index.size} entries searchable, lag ${index.lag}`,
    );
  if (maxLag === undefined) return EXIT.OK;
  return index.lag !== undefined && index.lag <= maxLag ? EXIT.OK : EXIT.VERIFY;
}

export async function reindex(
  opts: ReindexOptions,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const token = opts.token ?? process.env.EDGELOG_ADMIN_TOKEN;
  if (!token) throw usage("reindex needs the deployment's ADMIN_TOKEN: --token <token> (or EDGELOG_ADMIN_TOKEN)");
  const batch = count(opts.batch, "--batch", 1);
  const base = shardBase(opts.url, opts.shard);
  let next = opts.from !== undefined ? count(opts.from, "--from", 0) : ((await indexLag(base)).indexed ?? 0);
  const start = next;
  let bar: cliProgress.SingleBar | undefined;
  const showBar = opts.progress ?? process.stderr.isTTY;
  let answer: ReindexAnswer | undefined;
  try {
    do {
      const r = await httpJson(`${base}/admin/reindex`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify({ from: next, count: batch }),
      });
      if (r.status !== 200)
        throw new CliError(`POST ${base}/admin/reindex: HTTP ${r.status}: ${serverMessage(r.body)}`, EXIT.SERVICE);
      answer = r.body as ReindexAnswer;
      if (showBar && !bar) {
        bar = new cliProgress.SingleBar(
          {
            format: "reindexing {bar} {percentage}% | {value}/{total} entries | ETA {eta_formatted}",
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(answer.size - start, 0), 0);
      }
      next = answer.next;
      bar?.setTotal(Math.max(answer.size - start, 0));
      bar?.update(next - start);
    } while (next < answer.size);
  } catch (e) {
    bar?.stop();
    if (e instanceof CliError)
      throw new CliError(`${e.message}\nreindexed up to entry ${next}; resume with --from ${next}`, e.exitCode);
    throw e;
  }
  bar?.stop();
  const summary = { shard: answer.shard, from: start, to: next, size: answer.size };
  if (opts.json) out(JSON.stringify(summary));
  else err(`reindexed entries ${start}..${next} of ${answer.shard} (tree size ${answer.size})`);
  return EXIT.OK;
}
