/**
 * `npm run bench -- --search`: the search figure. Indexes 10,000 real entries (pre-signed Rekor v2
 * hashedrekord, 100 signing keys, so each key has 100 entries and each digest one), through the Worker's
 * HTTP port under Miniflare (workerd itself, not `wrangler dev`, which runs the same workerd behind a
 * proxy), waits for the index outbox to drain into D1, then times `GET /api/v2/search` one query at a
 * time: by digest (one hit) and by key (a full page of 20 hits), each hit an entry read from the tiles
 * with its inclusion proof. Every answer is checked: the hits expected, each proof verified against the
 * checkpoint signed by the log's key.
 * @module
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { performance } from "node:perf_hooks";
import { verifySearchHit } from "../cli/search.ts";
import { logKey } from "../src/client/verify-checkpoint.ts";
import { startLog, type Bundle } from "./miniflare.ts";

export interface SearchBenchOptions {
  entries: number;
  keys: number;
  /** Queries of each kind (digest, key). */
  queries: number;
  /** Requests in flight while indexing. */
  concurrency: number;
}

export const SEARCH_BENCH_DEFAULTS: SearchBenchOptions = { entries: 10_000, keys: 100, queries: 300, concurrency: 64 };

export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

export interface SearchBenchResult {
  entries: number;
  keys: number;
  indexSeconds: number;
  indexedPerSecond: number;
  indexRows: number | null;
  digest: Latency & { queries: number; hitsPerQuery: number };
  key: Latency & { queries: number; hitsPerQuery: number };
  hitsVerified: number;
  wrong: number;
  measuredOn: string;
}

function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

/** A log to measure: one this bench starts under Miniflare, or one already running (`npm start`). */
interface Target {
  base: string;
  vkey: string;
  /** Resolves once every entry appended so far is in the search index. */
  indexed(lastDigestHex: string): Promise<void>;
  indexRows(): Promise<number | null>;
  measuredOn: string;
  dispose(): Promise<void>;
}

async function miniflareTarget(bundle: Bundle): Promise<Target> {
  const log = await startLog({ scriptPath: bundle.scriptPath, port: 0, tickMs: 50 });
  return {
    base: log.url.toString().replace(/\/$/, ""),
    vkey: log.vkey,
    indexed: async () => void (await (await log.sequencer()).status()), // status() waits for the outbox drain
    indexRows: async () => {
      const d1 = await log.mf.getD1Database("INDEX");
      return ((await d1.prepare("SELECT COUNT(*) AS n FROM index_keys").first()) as { n: number }).n;
    },
    measuredOn: "Miniflare (workerd) HTTP port on localhost, local D1/R2 simulators; not wrangler dev",
    dispose: () => log.dispose(),
  };
}

/** A running log, e.g. `npm start` (wrangler dev): the index is caught up once the last digest is found. */
export function runningTarget(base: string, vkey: string): Target {
  return {
    base: base.replace(/\/$/, ""),
    vkey,
    async indexed(lastDigestHex) {
      for (let i = 0; i < 600; i++) {
        const r = await fetch(`${base}/api/v2/search?digest=sha256:${lastDigestHex}`);
        if (r.ok && ((await r.json()) as { hits: unknown[] }).hits.length > 0) return;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error("the index did not catch up within 60 s");
    },
    indexRows: async () => null,
    measuredOn: `a running log at ${base} (e.g. npm start: wrangler dev with its dev proxy, local D1/R2)`,
    dispose: async () => undefined,
  };
}

export async function runSearchBench(
  where: { bundle: Bundle } | { target: Target },
  opts: SearchBenchOptions = SEARCH_BENCH_DEFAULTS,
): Promise<SearchBenchResult> {
  const keys = Array.from({ length: opts.keys }, () => generateKeyPairSync("ec", { namedCurve: "P-256" }));
  const spkis = keys.map((k) => k.publicKey.export({ format: "der", type: "spki" }));
  const run = `${process.pid}-${Date.now()}`;
  const digests: string[] = [];
  const bodies: string[] = [];
  for (let i = 0; i < opts.entries; i++) {
    const artifact = `edgelog search bench ${run} #${i}`;
    const digest = createHash("sha256").update(artifact).digest();
    const k = i % opts.keys;
    bodies.push(
      JSON.stringify({
        hashedRekordRequestV002: {
          digest: digest.toString("base64"),
          signature: {
            content: sign("sha256", Buffer.from(artifact), keys[k]!.privateKey).toString("base64"),
            verifier: { publicKey: { rawBytes: spkis[k]!.toString("base64") }, keyDetails: "PKIX_ECDSA_P256_SHA_256" },
          },
        },
      }),
    );
    digests.push(digest.toString("hex"));
  }

  const log = "target" in where ? where.target : await miniflareTarget(where.bundle);
  try {
    const base = log.base;
    const indexOf: number[] = new Array(opts.entries);
    let wrong = 0;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < opts.entries) {
          const i = next++;
          const r = await fetch(`${base}/api/v2/log/entries`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: bodies[i],
          });
          const text = await r.text();
          if (r.status !== 201) {
            wrong++;
            continue;
          }
          indexOf[i] = Number(/"logIndex":"(\d+)"/.exec(text)![1]);
        }
      }),
    );
    await log.indexed(digests[digests.length - 1]!); // the last round's outbox has drained into D1
    const indexSeconds = (performance.now() - t0) / 1000;
    const indexRows = await log.indexRows();

    const verifiers = [logKey(log.vkey)];
    let hitsVerified = 0;
    const check = (answer: { hits: any[] }, expected: number[]) => {
      const got = answer.hits.map((h) => Number(h.entry.logIndex));
      if (JSON.stringify(got) !== JSON.stringify(expected)) wrong++;
      for (const h of answer.hits) {
        // Every claim of the hit, as `edgelog search` checks it.
        try {
          verifySearchHit(h, verifiers);
          hitsVerified++;
        } catch {
          wrong++;
        }
      }
    };
    const timed = async (query: string): Promise<{ ms: number; answer: { hits: any[] } }> => {
      const start = performance.now();
      const r = await fetch(`${base}/api/v2/search?${query}`);
      const answer = (await r.json()) as { hits: any[] };
      const ms = performance.now() - start;
      if (r.status !== 200) wrong++;
      return { ms, answer };
    };
    // Warm-up (isolate start, first D1 and R2 reads), not counted.
    for (let i = 0; i < 5; i++) await timed(`digest=sha256:${digests[i]}`);

    const digestMs: number[] = [];
    for (let q = 0; q < opts.queries; q++) {
      const i = Math.floor(Math.random() * opts.entries);
      const { ms, answer } = await timed(`digest=sha256:${digests[i]}`);
      digestMs.push(ms);
      check(answer, indexOf[i] === undefined ? [] : [indexOf[i]!]);
    }
    const keyMs: number[] = [];
    const fingerprints = spkis.map((s) => createHash("sha256").update(s).digest("hex"));
    for (let q = 0; q < opts.queries; q++) {
      const k = Math.floor(Math.random() * opts.keys);
      const { ms, answer } = await timed(`key=key:sha256:${fingerprints[k]}&limit=20`);
      keyMs.push(ms);
      const mine = indexOf.filter((_, i) => i % opts.keys === k).sort((a, b) => a - b);
      check(answer, mine.slice(0, 20));
    }
    return {
      entries: opts.entries,
      keys: opts.keys,
      indexSeconds: Math.round(indexSeconds * 10) / 10,
      indexedPerSecond: Math.round(opts.entries / indexSeconds),
      indexRows,
      digest: { ...latency(digestMs), queries: opts.queries, hitsPerQuery: 1 },
      key: { ...latency(keyMs), queries: opts.queries, hitsPerQuery: 20 },
      hitsVerified,
      wrong,
      measuredOn: log.measuredOn,
    };
  } finally {
    await log.dispose();
  }
}
