/**
 * `npm run bench -- --reads` (and part of the full run): what a read costs. A log of its own under
 * Miniflare, filled with real Rekor v2 hashedrekord entries (indexed in D1), then for every read route:
 *
 *   - its rate at a fixed concurrency against the same log's no-op rate (`GET /healthz`, measured before
 *     and after the routes; the ratio uses their mean). A route whose answer is made per entry (v1 by index, by
 *     UUID, retrieve, v2 search) is loaded twice: over 500 entries each read the first time during the load, and over
 *     entries read before, its serve-many rate (the target's figure, what one URL read again and again measures);
 *     what a first read costs is the CPU figures' business below. Tiles and bundles are asked for as C2SP tells clients to
 *     (`Accept-Encoding: gzip, identity`), the explorer's page and script as a browser does (`gzip, deflate, br`):
 *     bundles and the script come back gzip'd; the load counts their bytes without decoding them (bench/http.ts);
 *   - the CPU of each read, µs: the workerd process's, from the scheduler's own account, read one request at
 *     a time without the profiler (a sampling profiler costs the isolate more than a warm read does). It
 *     holds the runtime's HTTP and Miniflare's local storage simulators too, so the no-op's figure is the
 *     floor and a read's own CPU is its figure above the no-op's. Each read is sent once workerd is quiet, so
 *     other objects' background work is not charged to it. Warm: the route's caches filled. First: an entry
 *     not read before. Cold: the first read after the tree grew (nothing per tree size is cached yet), the
 *     worst case. Also the Worker isolate's own CPU per first and cold read, from a V8 profile of that read
 *     alone; a route's median over them is its worst-case figure (a single read's can hold a JIT compilation or a
 *     collection it did not cause alone: the max is printed beside). Where a first read's CPU goes: the isolate's V8 profile;
 *   - a hammer-style reader (like Tessera's hammer): random entries by index over the v1 API, each answer's
 *     inclusion proof and v1 checkpoint signature verified by the client: verified reads/s and p99.
 *
 * A cost model turns the CPU into dollars per million reads with the Workers Standard price list.
 * @module
 */
import { createPublicKey, generateKeyPairSync, verify as nodeVerify } from "node:crypto";
import { performance } from "node:perf_hooks";
import { openCheckpoint, v1LogKey, type V1LogKey } from "../src/client/verify-checkpoint.ts";
import { verifyEntryInclusion } from "../src/client/verify-entry.ts";
import { fromBase64, fromHex, toHex } from "../src/tlog/encoding.ts";
import { hashLeaf } from "../src/tlog/hash.ts";
import { noopRequest, runLoad, type HttpRequest, type LoadResult } from "./http.ts";
import { descendantCpuNs } from "./machine.ts";
import { startLog, type Bundle, type RunningLog } from "./miniflare.ts";
import { busyMicros, startProfiler, summarise, type ProfileSummary } from "./profile.ts";
import { rekorV2Scenario } from "./rekor-v2.ts";
import { USD_PER_MILLION } from "./prices.ts";

export interface ReadsOptions {
  /** Entries in the log before the reads. */
  entries: number;
  connections: number;
  seconds: number;
  /** Sequential requests per route for the warm CPU figure; cold reads per route. */
  cpuSamples: number;
  coldSamples: number;
  hammerClients: number;
}

/** Entries read again and again for the warm figure. */
const WARM_POOL = 20;

export const READS_DEFAULTS: ReadsOptions = {
  entries: 1_000,
  connections: 64,
  seconds: 5,
  cpuSamples: 60,
  coldSamples: 8,
  hammerClients: 16,
};

/** Targets (issue: reads at internet scale). */
export const READS_TARGET_VS_NOOP = 0.5;
export const READS_TARGET_V1_ENTRY_CPU_US = 1_000;
export const READS_TARGET_WORST_CPU_US = 10_000;

/**
 * Workers Standard requests and CPU ms (bench/prices.ts). R2 class B reads are left out: a read served from
 * the edge cache makes none.
 */
const USD_PER_MILLION_REQUESTS = USD_PER_MILLION.workerRequests;
const USD_PER_MILLION_CPU_MS = USD_PER_MILLION.workerCpuMs;

export interface RouteFigures {
  route: string;
  /** The load over the route's pool of 500 entries, each read for the first time during it (the whole route when it reads no entry). */
  load: LoadResult;
  /**
   * A route with per-entry answers: the same load over entries read before (the warm pool), the rate at which it
   * serves what it has made once — what one URL read again and again measures (the issue's own table). Null when
   * the route reads no entry of a pool.
   */
  warmLoad: LoadResult | null;
  /** The target's figure: warmLoad's rate (else load's) over the same run's no-op rate. */
  vsNoop: number;
  /** load's rate over the no-op's: first reads of 500 entries included (each a D1 query or an edge cache put). */
  vsNoopWithFirstReads: number;
  /**
   * The workerd process's CPU per warm read (the same few entries again), µs, from the scheduler's account, read
   * one request at a time without the profiler: the Worker, the runtime's HTTP and Miniflare's local R2/KV/D1/cache
   * simulators (an upper bound on the Worker's own). Robust to a busy machine, unlike a sampling profile.
   */
  cpuUs: { mean: number; p99: number; max: number };
  /** The first read of an entry under a tree already verified (what per-entry caches cannot save). */
  firstCpuUs: { mean: number; max: number };
  /** The first read after the tree grew (nothing per tree size cached yet): the worst case. */
  coldCpuUs: { mean: number; max: number } | null;
  /**
   * The Worker isolate's own CPU per read, µs, from a V8 profile of that one read (its busy samples: JavaScript,
   * GC, the runtime's work on the isolate's thread), without Miniflare's storage simulators or other processes'
   * work: a first read, and a first read after the tree grew.
   */
  isolateCpuUs: { first: IsolateFigure; cold: IsolateFigure | null };
  /** Where a first read's CPU went (inclusive, top functions). */
  profile: ProfileSummary["inclusive"];
  usdPerMillion: number;
}

/**
 * One route's isolate CPU over its profiled reads, µs. The median is the route's figure; the max holds what a single
 * read can be charged for besides its own work (the first such read's JIT compilation, a collection, the sampler).
 */
export interface IsolateFigure {
  mean: number;
  median: number;
  max: number;
}

export interface ReadsResult {
  entries: number;
  noop: { before: LoadResult; after: LoadResult; perSecond: number };
  routes: RouteFigures[];
  readsVsNoop: Record<string, number>;
  /** Each route's load over 500 entries read for the first time during it, over the no-op's rate. */
  readsVsNoopWithFirstReads: Record<string, number>;
  /** A warm v1 entry read's process CPU above the same run's no-op's (the runtime's own cost of any request). */
  v1EntryReadCpuMicros: number;
  v1EntryReadProcessCpuMicros: number;
  v1EntryFirstReadCpuMicros: number;
  noopProcessCpuMicros: number;
  /**
   * The largest process figure of any single read (the worst-case target), each sent once workerd was quiet; work
   * that starts during a read still lands in it, and so do the simulators the read calls: an upper bound.
   */
  worstCpuMicros: { route: string; us: number };
  /**
   * The worst-case target: the largest route figure (the median of a route's profiled first reads, or of its reads right
   * after the tree grew) of the Worker isolate's CPU (isolateCpuUs): no simulator or other object in it, but the
   * profiler's own start and stop are (the no-op's figure is that floor).
   */
  worstIsolateCpuMicros: { route: string; us: number };
  /** The largest single profiled read of any route (see IsolateFigure.max). */
  worstIsolateSingleReadMicros: { route: string; us: number };
  /**
   * Background work the quiet wait kept out of the per-read figures: workerd's CPU in the windows it waited out
   * (total, largest 50 ms window), and a probe: after a few appends, the isolate's profile with no read in flight.
   */
  background: Background & {
    afterAppends: {
      appends: number;
      ms: number;
      processCpuMs: number;
      isolateBusyMs: number;
      top: ProfileSummary["self"];
    };
  };
  hammer: { clients: number; seconds: number; verifiedPerSecond: number; p50Ms: number; p99Ms: number; failed: number };
  measuredOn: string;
}

/** A read route: a name and a request generator (drawing random entries where it reads one). */
interface Route {
  name: string;
  next: () => HttpRequest;
  /** Read again right after the tree grew (its answer depends on the tree size). */
  cold: boolean;
  /** Its answer is made per entry of the pool (by index, UUID or digest): loaded over first reads and over warm ones. */
  perEntry?: boolean;
}

interface Fixture {
  size: number;
  indices: number[];
  uuids: string[];
  digests: string[];
}

/** Entries `from`..`to` of the fixture (by index; UUIDs and digests by the order their appends were answered). */
const pool = (f: Fixture, from: number, to: number): Fixture => ({
  size: f.size,
  indices: f.indices.slice(from, to),
  uuids: f.uuids.slice(from, to),
  digests: f.digests.slice(from, to),
});

/** Each pool's items in turn: a pool of n read n times has been read whole. */
function cycle<T>(xs: readonly T[]): () => T {
  let i = 0;
  return () => xs[i++ % xs.length]!;
}

function routes(f: Fixture): Route[] {
  const nextIndex = cycle(f.indices);
  const index = () => String(nextIndex());
  const nextUuid = cycle(f.uuids);
  const nextDigest = cycle(f.digests);
  const get = (path: string, acceptEncoding?: string): HttpRequest => ({
    method: "GET",
    path,
    ...(acceptEncoding ? { headers: { "accept-encoding": acceptEncoding } } : {}),
  });
  const tile = (path: string) => get(path, TILE_CLIENT_ACCEPT_ENCODING);
  const page = (path: string) => get(path, BROWSER_ACCEPT_ENCODING);
  const lastFull = Math.floor(f.size / 256) - 1;
  return [
    // The no-op itself: its rate is the reference, its "CPU" the floor of this way of measuring.
    { name: NOOP_ROUTE, next: () => get("/healthz"), cold: false },
    { name: "GET /checkpoint", next: () => get("/checkpoint"), cold: true },
    {
      name: "GET /tile/0/<N> (full)",
      next: () => tile(`/tile/0/${String(Math.floor(Math.random() * (lastFull + 1))).padStart(3, "0")}`),
      cold: false,
    },
    { name: "GET /tile/1/000.p/<W>", next: () => tile(`/tile/1/000.p/${Math.floor(f.size / 256)}`), cold: false },
    {
      name: "GET /tile/entries/<N> (full bundle)",
      next: () => tile(`/tile/entries/${String(Math.floor(Math.random() * (lastFull + 1))).padStart(3, "0")}`),
      cold: false,
    },
    {
      name: "GET /api/v1/log/entries?logIndex=",
      next: () => get(`/api/v1/log/entries?logIndex=${index()}`),
      cold: true,
      perEntry: true,
    },
    {
      name: "GET /api/v1/log/entries/<uuid>",
      next: () => get(`/api/v1/log/entries/${nextUuid()}`),
      cold: true,
      perEntry: true,
    },
    {
      name: "POST /api/v1/log/entries/retrieve (1 index + 1 UUID)",
      next: () => ({
        method: "POST",
        path: "/api/v1/log/entries/retrieve",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ logIndexes: [Number(index())], entryUUIDs: [nextUuid()] }),
      }),
      cold: true,
      perEntry: true,
    },
    {
      name: "GET /api/v1/log/proof?firstSize=100&lastSize=<size>",
      next: () => get(`/api/v1/log/proof?firstSize=100&lastSize=${f.size}`),
      cold: false,
    },
    { name: "GET /api/v1/log", next: () => get("/api/v1/log"), cold: true },
    { name: "GET /api/v1/log/publicKey", next: () => get("/api/v1/log/publicKey"), cold: false },
    {
      name: "GET /api/v2/search?digest=",
      next: () => get(`/api/v2/search?digest=${nextDigest()}`),
      cold: true,
      perEntry: true,
    },
    { name: "GET /api/v1/trust/trusted_root.json", next: () => get("/api/v1/trust/trusted_root.json"), cold: false },
    {
      name: "GET /api/v1/trust/signing_config.json",
      next: () => get("/api/v1/trust/signing_config.json"),
      cold: false,
    },
    { name: "GET / (explorer page)", next: () => page("/"), cold: false },
    { name: "GET /explorer/app.js", next: () => page("/explorer/app.js"), cold: false },
  ];
}

/**
 * What a tlog-tiles client sends for tiles and bundles (C2SP tlog-tiles: clients SHOULD send it; bundles then come
 * gzip'd) and what a browser sends for the explorer's page and script. The load sends these bytes and counts what comes
 * back without decoding it, not even as UTF-8 (bench/http.ts).
 */
const TILE_CLIENT_ACCEPT_ENCODING = "gzip, identity";
const BROWSER_ACCEPT_ENCODING = "gzip, deflate, br";

/** The route names in readsVsNoop (stable keys for the results JSON). */
const V1_ENTRY_ROUTE = "GET /api/v1/log/entries?logIndex=";
const NOOP_ROUTE = "GET /healthz (no-op)";

function v1KeyPem(): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

async function send(base: URL, r: HttpRequest): Promise<Response> {
  const res = await fetch(new URL(r.path, base), {
    method: r.method,
    ...(r.headers ? { headers: r.headers } : {}),
    ...(r.body !== undefined ? { body: r.body } : {}),
  });
  return res;
}

const DIGEST_ALGORITHM: Record<number, string> = { 32: "sha256", 48: "sha384", 64: "sha512" };

/** Sends the scenario's next append and reads its answer; anything but 201 stops the bench, naming `what`. */
async function appendOne(log: RunningLog, scenario: ReturnType<typeof rekorV2Scenario>, what: string): Promise<void> {
  const res = await send(log.url, scenario.next());
  if (res.status !== 201) throw new Error(`reads bench: ${what} answered ${res.status}`);
  await res.arrayBuffer();
}

/** Appends `count` pre-signed Rekor v2 entries, 32 in flight; their UUIDs (leaf hashes) and artifact digests. */
async function fill(log: RunningLog, count: number): Promise<Fixture> {
  const scenario = rekorV2Scenario(count);
  const uuids: string[] = [];
  const digests: string[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (sent < count) {
        sent++;
        const req = scenario.next();
        const res = await send(log.url, req);
        const body = (await res.json()) as { canonicalizedBody?: string };
        if (res.status !== 201 || !body.canonicalizedBody)
          throw new Error(`reads bench: append answered ${res.status}`);
        uuids.push(toHex(hashLeaf(fromBase64(body.canonicalizedBody))));
        const digest = Buffer.from(
          (JSON.parse(String(req.body)) as { hashedRekordRequestV002: { digest: string } }).hashedRekordRequestV002
            .digest,
          "base64",
        );
        // The key-type mix signs with SHA-256, SHA-384 and SHA-512: a search names the algorithm by the length.
        digests.push(`${DIGEST_ALGORITHM[digest.length]}:${digest.toString("hex")}`);
      }
    }),
  );
  const status = await (await log.sequencer()).status(); // waits for the search index outbox to drain
  return { size: status.size, indices: Array.from({ length: status.size }, (_, i) => i), uuids, digests };
}

/** Where the CPU of `requests`, read one at a time, goes in the Worker isolate (its V8 profile). */
async function profiledReads(
  inspectorPort: number,
  requests: Array<() => Promise<void>>,
): Promise<{ summary: ProfileSummary }> {
  await settle();
  const profiler = await startProfiler(inspectorPort);
  for (const run of requests) await run();
  await new Promise((r) => setTimeout(r, 20));
  return { summary: summarise(await profiler.stop(), 12) };
}

/** What workerd did with no read in flight: the CPU seen while waiting for quiet, and its largest window. */
interface Background {
  cpuMicros: number;
  maxWindowMicros: number;
}

const background: Background = { cpuMicros: 0, maxWindowMicros: 0 };

/**
 * workerd is quiet when it used under QUIET_CPU_NS in a QUIET_WINDOW_MS window: no other object's round, alarm, D1
 * write or collection is running. Its CPU is the whole process's, so a read measured while something else runs would
 * be charged for it (one first read of GET /api/v1/log measured 146 ms that way, after the previous route's appends).
 */
const QUIET_WINDOW_MS = 50;
const QUIET_CPU_NS = 300_000;
const MAX_QUIET_WAIT_MS = 10_000;

async function quiet(): Promise<void> {
  const end = performance.now() + MAX_QUIET_WAIT_MS;
  while (performance.now() < end) {
    const cpu0 = descendantCpuNs("workerd");
    await new Promise((r) => setTimeout(r, QUIET_WINDOW_MS));
    const ns = descendantCpuNs("workerd") - cpu0;
    if (ns < QUIET_CPU_NS) return;
    background.cpuMicros += Math.round(ns / 1000);
    background.maxWindowMicros = Math.max(background.maxWindowMicros, Math.round(ns / 1000));
  }
}

/**
 * Reads `route` one request at a time without the profiler (whose sampling costs the isolate more than a
 * warm read does): the workerd process's CPU for each request, µs, from the scheduler's own account, each
 * sent once workerd is quiet (quiet()), so the figure is the read's and not another object's background work.
 */
async function processCpuReads(requests: Array<() => Promise<void>>): Promise<number[]> {
  await settle();
  const us: number[] = [];
  for (const run of requests) {
    await quiet();
    const cpu0 = descendantCpuNs("workerd");
    await run();
    us.push(Math.round((descendantCpuNs("workerd") - cpu0) / 1000));
  }
  return us;
}

/** First reads profiled one at a time per route for the isolate's own figure. */
const ISOLATE_SAMPLES = 10;

/**
 * The Worker isolate's CPU for each request, µs: a V8 profile of that request alone (started once workerd is quiet),
 * its samples that are not idle. Miniflare's storage simulators and workerd's other threads are not in it.
 */
async function isolateCpuReads(inspectorPort: number, requests: Array<() => Promise<void>>): Promise<number[]> {
  await settle();
  const us: number[] = [];
  for (const run of requests) {
    await quiet();
    const profiler = await startProfiler(inspectorPort);
    await run();
    us.push(busyMicros(await profiler.stop()));
  }
  return us;
}

/**
 * Where workerd's CPU goes with no read in flight after a few appends: the isolate's V8 profile over `ms` (it holds
 * the Worker and the Durable Objects) and the process's CPU. What a per-read figure taken without quiet() would
 * have been charged for.
 */
async function backgroundAfterAppends(
  log: RunningLog,
  inspectorPort: number,
  appends: number,
  ms: number,
): Promise<{ processCpuMs: number; isolateBusyMs: number; top: ProfileSummary["self"] }> {
  await settle();
  const scenario = rekorV2Scenario(appends);
  for (let k = 0; k < appends; k++) await appendOne(log, scenario, "append");
  await (await log.sequencer()).status();
  const profiler = await startProfiler(inspectorPort);
  const cpu0 = descendantCpuNs("workerd");
  await new Promise((r) => setTimeout(r, ms));
  const processCpuMs = Math.round((descendantCpuNs("workerd") - cpu0) / 1e6);
  const summary = summarise(await profiler.stop(), 8);
  return { processCpuMs, isolateBusyMs: summary.totalMs - summary.idleMs, top: summary.self };
}

/** Lets requests of a finished load drain, so that none is in the isolate while the next one is profiled. */
const settle = () => new Promise((r) => setTimeout(r, 1500));

const mean = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));

const isolateFigure = (xs: number[]): IsolateFigure => ({
  mean: mean(xs),
  median: quantile(xs, 0.5),
  max: quantile(xs, 1),
});

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN);
}

async function expectOk(res: Response, what: string): Promise<string> {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`reads bench: ${what} answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

/**
 * The hammer: `clients` loops reading random entries by index (v1), each answer checked by the client: the
 * v1 checkpoint's ECDSA signature with the log's v1 public key, its root and size against the proof's, and
 * the inclusion proof of the entry's leaf hash to that root.
 */
async function hammer(base: URL, f: Fixture, clients: number, seconds: number): Promise<ReadsResult["hammer"]> {
  const pem = await (await fetch(new URL("/api/v1/log/publicKey", base))).text();
  // The client's checkpoint rules (src/client) with Node's native ECDSA, so the clients' CPU stays out of the latencies.
  const key = createPublicKey(pem);
  const v1Key: V1LogKey = {
    logIdHex: v1LogKey(pem).logIdHex,
    verify: (message, sig) => nodeVerify("sha256", message, key, sig),
  };
  const latencies: number[] = [];
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const res = await fetch(new URL(`/api/v1/log/entries?logIndex=${Math.floor(Math.random() * f.size)}`, base));
          const entry = Object.values((await res.json()) as Record<string, any>)[0];
          const p = entry.verification.inclusionProof;
          const cp = openCheckpoint(p.checkpoint, [], [v1Key]);
          if (cp.size !== p.treeSize || toHex(cp.root) !== p.rootHash)
            throw new Error("v1 checkpoint does not match the proof");
          verifyEntryInclusion(
            fromBase64(entry.body),
            p.logIndex,
            p.hashes.map((h: string) => fromHex(h)),
            cp,
          );
          latencies.push(performance.now() - t0);
        } catch {
          failed++;
        }
      }
    }),
  );
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const s = [...latencies].sort((a, b) => a - b);
  return {
    clients,
    seconds,
    verifiedPerSecond: Math.round(latencies.length / seconds),
    p50Ms: r1(s[Math.floor(s.length / 2)] ?? NaN),
    p99Ms: r1(s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? NaN),
    failed,
  };
}

export async function runReads(
  bundle: Bundle,
  inspectorPort: number,
  opts: ReadsOptions = READS_DEFAULTS,
  say: (line: string) => void = () => {},
): Promise<ReadsResult> {
  // The deployed defaults, with a v1 key (the v1 routes need one) and a round every 100 ms for the fill.
  const log = await startLog({
    scriptPath: bundle.scriptPath,
    port: 0,
    tickMs: 100,
    inspectorPort,
    vars: { CHECKPOINT_MAX_AGE: "1", LOG_V1_SIGNING_KEY: v1KeyPem() },
  });
  try {
    const f = await fill(log, opts.entries);
    say(`   log of ${f.size} Rekor v2 hashedrekord entries, indexed`);
    background.cpuMicros = 0;
    background.maxWindowMicros = 0;
    const probe = { appends: opts.coldSamples, ms: 3000 };
    const afterAppends = { ...probe, ...(await backgroundAfterAppends(log, inspectorPort, probe.appends, probe.ms)) };
    // Three pools: the first half for the load, a few of them for warm reads (read once first, then
    // profiled), the second half for first reads (an entry not read before, under a tree already verified).
    const half = Math.floor(f.size / 2);
    const list = routes(pool(f, 0, half));
    const warmList = routes(pool(f, 0, WARM_POOL));
    const firstList = routes(pool(f, half, f.size));
    for (const r of list) await expectOk(await send(log.url, r.next()), r.name); // every route answers 200 (and warms up)
    for (const r of warmList) for (let k = 0; k < WARM_POOL; k++) await expectOk(await send(log.url, r.next()), r.name);
    const load = (next: () => HttpRequest) =>
      runLoad({ url: log.url, connections: opts.connections, seconds: opts.seconds, next });
    await load(noopRequest); // warm-up
    const before = await load(noopRequest);
    const checked = (name: string, l: LoadResult): LoadResult => {
      if (l.non2xx + l.errors > 0)
        throw new Error(
          `reads bench: ${name}: ${l.non2xx} non-2xx, ${l.errors} errors ${JSON.stringify(l.statusCodes)}`,
        );
      return l;
    };
    const loads: LoadResult[] = [];
    const warmLoads: Array<LoadResult | null> = [];
    for (const [i, r] of list.entries()) {
      loads.push(checked(r.name, await load(r.next)));
      // Per-entry answers: the warm pool (read before, the tree unchanged since) at the same concurrency.
      warmLoads.push(r.perEntry ? checked(r.name, await load(warmList[i]!.next)) : null);
    }
    const after = await load(noopRequest);
    const noopRate = (before.perSecond + after.perSecond) / 2;

    const figures: RouteFigures[] = [];
    for (const [i, r] of list.entries()) {
      const reads = (route: Route, n: number) =>
        Array.from(
          { length: n },
          () => async () => void (await expectOk(await send(log.url, route.next()), route.name)),
        );
      // The warm pool read once more first: an earlier route's new-tree reads grew the tree since it was warmed.
      for (const run of reads(warmList[i]!, WARM_POOL)) await run();
      const warm = await processCpuReads(reads(warmList[i]!, opts.cpuSamples));
      const first = await processCpuReads(reads(firstList[i]!, opts.cpuSamples));
      const { summary } = await profiledReads(inspectorPort, reads(firstList[i]!, Math.min(20, opts.cpuSamples)));
      let cold: number[] | null = null;
      const coldIsolate: number[] = [];
      if (r.cold) {
        // The first read after the tree grew: one append (not measured), then the read (measured).
        cold = [];
        const scenario = rekorV2Scenario(2 * opts.coldSamples); // two appends per sample: one per way of measuring
        for (let k = 0; k < opts.coldSamples; k++) {
          await appendOne(log, scenario, "append for a cold read");
          await (await log.sequencer()).status(); // the round's outbox drained: the isolate is idle again
          cold.push(...(await processCpuReads(reads(firstList[i]!, 1))));
          // Once more, its isolate's own CPU: another append, then the read under the profiler.
          await appendOne(log, scenario, "append for a cold read");
          await (await log.sequencer()).status();
          coldIsolate.push(...(await isolateCpuReads(inspectorPort, reads(firstList[i]!, 1))));
        }
      }
      const firstIsolate = await isolateCpuReads(inspectorPort, reads(firstList[i]!, ISOLATE_SAMPLES));
      const cpu = { mean: mean(warm), p99: quantile(warm, 0.99), max: quantile(warm, 1) };
      const ratio = (l: LoadResult) => Math.round((l.perSecond / noopRate) * 100) / 100;
      const vsNoop = ratio(warmLoads[i] ?? loads[i]!);
      // The process's CPU overstates the Worker's own (it holds the runtime and the simulators): an upper bound.
      const bound = cpu.mean;
      const usdPerMillion =
        Math.round((USD_PER_MILLION_REQUESTS + (bound / 1000) * USD_PER_MILLION_CPU_MS) * 1000) / 1000;
      figures.push({
        route: r.name,
        load: loads[i]!,
        warmLoad: warmLoads[i] ?? null,
        vsNoop,
        vsNoopWithFirstReads: ratio(loads[i]!),
        cpuUs: cpu,
        firstCpuUs: { mean: mean(first), max: quantile(first, 1) },
        coldCpuUs: cold ? { mean: mean(cold), max: quantile(cold, 1) } : null,
        isolateCpuUs: {
          first: isolateFigure(firstIsolate),
          cold: coldIsolate.length > 0 ? isolateFigure(coldIsolate) : null,
        },
        usdPerMillion,
        profile: summary.inclusive,
      });
    }
    const v1 = figures.find((x) => x.route === V1_ENTRY_ROUTE)!;
    const noop = figures.find((x) => x.route === NOOP_ROUTE)!;
    const hammerResult = await hammer(log.url, f, opts.hammerClients, opts.seconds);
    const largest = (pick: (f: IsolateFigure) => number) =>
      figures
        .map((x) => ({
          route: x.route,
          us: Math.max(pick(x.isolateCpuUs.first), x.isolateCpuUs.cold ? pick(x.isolateCpuUs.cold) : 0),
        }))
        .reduce((a, b) => (b.us > a.us ? b : a));
    const worst = figures
      .map((x) => ({ route: x.route, us: Math.max(x.cpuUs.max, x.firstCpuUs.max, x.coldCpuUs?.max ?? 0) }))
      .reduce((a, b) => (b.us > a.us ? b : a));
    return {
      entries: f.size,
      noop: { before, after, perSecond: Math.round(noopRate) },
      routes: figures,
      readsVsNoop: Object.fromEntries(figures.map((x) => [x.route, x.vsNoop])),
      readsVsNoopWithFirstReads: Object.fromEntries(figures.map((x) => [x.route, x.vsNoopWithFirstReads])),
      v1EntryReadCpuMicros: Math.max(0, v1.cpuUs.mean - noop.cpuUs.mean),
      v1EntryReadProcessCpuMicros: v1.cpuUs.mean,
      v1EntryFirstReadCpuMicros: Math.max(0, v1.firstCpuUs.mean - noop.firstCpuUs.mean),
      noopProcessCpuMicros: noop.cpuUs.mean,
      worstCpuMicros: worst,
      worstIsolateCpuMicros: largest((f) => f.median),
      worstIsolateSingleReadMicros: largest((f) => f.max),
      background: { ...background, afterAppends },
      hammer: hammerResult,
      measuredOn:
        "Miniflare (workerd) HTTP port on localhost, local R2/KV/D1 simulators; Worker CPU from the isolate's V8 profile",
    };
  } finally {
    await log.dispose();
  }
}

type Target = { value: number; target: string; met: boolean };

/** The reads phase of `npm run bench`: runs, prints, stores `reads`, `readsVsNoop` and `v1EntryReadCpuMicros` in `results`; its targets. */
export async function readsPhase(
  bundle: Bundle,
  inspectorPort: number,
  seconds: number,
  results: Record<string, unknown>,
  out: (line: string) => void,
): Promise<Record<string, Target>> {
  const opts = { ...READS_DEFAULTS, seconds: Math.min(seconds, READS_DEFAULTS.seconds) };
  out(
    `4. reads: every read route at ${opts.connections} connections for ${opts.seconds} s against the same log's no-op; CPU per read from the scheduler's account of workerd`,
  );
  const r = await runReads(bundle, inspectorPort, opts, out);
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  out(`   no-op GET /healthz: ${n(r.noop.before.perSecond)}/s before, ${n(r.noop.after.perSecond)}/s after the routes`);
  out(
    `   ${"route".padEnd(58)} ${"reads/s".padStart(8)} ${"x no-op".padStart(8)} ${"p99 ms".padStart(7)}  ${"first reads in: /s, x".padEnd(22)} process CPU µs: warm mean/p99/max  first mean/max  new tree mean/max  $/M reads  isolate µs: first median/max  new tree median/max`,
  );
  for (const x of r.routes) {
    const cold = x.coldCpuUs ? `${n(x.coldCpuUs.mean)}/${n(x.coldCpuUs.max)}` : "-";
    const shown = x.warmLoad ?? x.load;
    const withFirst = x.warmLoad ? `${n(x.load.perSecond)}, ${x.vsNoopWithFirstReads.toFixed(2)}` : "-";
    out(
      `   ${x.route.padEnd(58)} ${n(shown.perSecond).padStart(8)} ${x.vsNoop.toFixed(2).padStart(8)} ${String(shown.latencyMs.p99).padStart(7)}  ${withFirst.padEnd(22)} ` +
        `${`${n(x.cpuUs.mean)}/${n(x.cpuUs.p99)}/${n(x.cpuUs.max)}`.padEnd(24)} ${`${n(x.firstCpuUs.mean)}/${n(x.firstCpuUs.max)}`.padEnd(15)} ${cold.padEnd(17)} ${x.usdPerMillion.toFixed(3).padEnd(10)} ${`${n(x.isolateCpuUs.first.median)}/${n(x.isolateCpuUs.first.max)}`.padEnd(15)} ${x.isolateCpuUs.cold ? `${n(x.isolateCpuUs.cold.median)}/${n(x.isolateCpuUs.cold.max)}` : "-"}`,
    );
  }
  out(
    "   (per-entry routes: reads/s over entries read before, the target's figure; 'first reads in': over 500 entries each read the first time during the load)",
  );
  const v1 = r.routes.find((x) => x.route === V1_ENTRY_ROUTE)!;
  out(
    `   where a first v1 entry read's CPU goes (inclusive): ${v1.profile
      .slice(0, 12)
      .map((p) => `${p.fn.split(" ")[0]} ${p.pct}%`)
      .join(", ")}`,
  );
  const b = r.background;
  out(
    `   background (not in the per-read figures): workerd used ${n(b.cpuMicros / 1000)} ms of CPU with no read in flight while the reads waited for quiet (largest 50 ms window ${n(b.maxWindowMicros)} µs); ` +
      `in ${b.afterAppends.ms / 1000} s after ${b.afterAppends.appends} appends, no read in flight: workerd ${n(b.afterAppends.processCpuMs)} ms, the Worker's isolate ${n(b.afterAppends.isolateBusyMs)} ms` +
      (b.afterAppends.top.length > 0
        ? ` (${b.afterAppends.top
            .slice(0, 6)
            .map((p) => `${p.fn} ${p.ms} ms`)
            .join(", ")})`
        : ""),
  );
  const h = r.hammer;
  out(
    `   hammer: ${h.clients} clients reading random entries by index, each proof and v1 checkpoint verified: ${n(h.verifiedPerSecond)} verified reads/s, p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms, failed ${h.failed}`,
  );
  const slowest = r.routes.filter((x) => !x.route.includes("no-op")).reduce((a, b) => (b.vsNoop < a.vsNoop ? b : a));
  out(
    `   slowest route ${slowest.route}: ${slowest.vsNoop} x no-op  target >= ${READS_TARGET_VS_NOOP}: ${slowest.vsNoop >= READS_TARGET_VS_NOOP ? "met" : "MISSED"}`,
  );
  out(
    `   v1 entry read: ${n(r.v1EntryReadCpuMicros)} µs CPU above the no-op's ${n(r.noopProcessCpuMicros)} (first read of an entry: ${n(r.v1EntryFirstReadCpuMicros)} µs above)  target <= ${READS_TARGET_V1_ENTRY_CPU_US}: ${r.v1EntryReadCpuMicros <= READS_TARGET_V1_ENTRY_CPU_US ? "met" : "MISSED"}`,
  );
  out(
    `   worst read, the Worker isolate's CPU from profiles of single reads (a route's median over its first reads, and over its reads right after the tree grew; the profiler's own start and stop included: the no-op's is the floor): ${n(r.worstIsolateCpuMicros.us)} µs (${r.worstIsolateCpuMicros.route})  target <= ${READS_TARGET_WORST_CPU_US}: ${r.worstIsolateCpuMicros.us <= READS_TARGET_WORST_CPU_US ? "met" : "MISSED"}; ` +
      `the largest single profiled read ${n(r.worstIsolateSingleReadMicros.us)} µs (${r.worstIsolateSingleReadMicros.route}); ` +
      `workerd's whole process for one read (Miniflare's storage simulators, the runtime's HTTP and any background that started during it included; not the Worker's bill): ${n(r.worstCpuMicros.us)} µs (${r.worstCpuMicros.route})`,
  );
  results.reads = r;
  results.readsVsNoop = r.readsVsNoop;
  results.readsVsNoopWithFirstReads = r.readsVsNoopWithFirstReads;
  results.v1EntryReadCpuMicros = r.v1EntryReadCpuMicros;
  return {
    readsSlowestVsNoop: {
      value: slowest.vsNoop,
      target: `>= ${READS_TARGET_VS_NOOP}`,
      met: slowest.vsNoop >= READS_TARGET_VS_NOOP,
    },
    readsV1EntryCpuMicros: {
      value: r.v1EntryReadCpuMicros,
      target: `<= ${READS_TARGET_V1_ENTRY_CPU_US}`,
      met: r.v1EntryReadCpuMicros <= READS_TARGET_V1_ENTRY_CPU_US,
    },
    readsWorstCpuMicros: {
      value: r.worstIsolateCpuMicros.us,
      target: `<= ${READS_TARGET_WORST_CPU_US}`,
      met: r.worstIsolateCpuMicros.us <= READS_TARGET_WORST_CPU_US,
    },
    readsHammerFailed: { value: h.failed, target: "0", met: h.failed === 0 },
  };
}
