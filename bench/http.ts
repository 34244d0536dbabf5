/**
 * Phase 3 machinery: HTTP load against the Worker's own port with autocannon (as a library).
 * Generic: a load is a request generator plus an optional response handler, so other request
 * kinds (e.g. signed Rekor v2 entries) plug in by supplying their own generator and checker.
 * @module
 */
import autocannon from "autocannon";
import { createRequire } from "node:module";

/**
 * autocannon appends every body chunk to a string (`req.body += chunk`) whether or not anything reads it: a UTF-8
 * decode of each response in the client. For a gzip'd 54 KB script that decode saturated the client's core (node 1.00
 * core, workerd 0.69: 1,039/s; the same load without it: node 0.18 core, workerd 1.0, 1,555/s, 2026-12-03), so the
 * load measured the client. Bodies are kept only for a load with a response handler; bytes are counted either way.
 */
let keepBodies = false;
{
  const require = createRequire(import.meta.url);
  const queuePath = require.resolve("autocannon").replace(/autocannon\.js$/, "lib/pipelinedRequestsQueue.js");
  const Queue = require(queuePath) as { prototype: { addBody(this: unknown, data: unknown): void } };
  const addBody = Queue.prototype.addBody;
  Queue.prototype.addBody = function (this: unknown, data: unknown) {
    if (keepBodies) addBody.call(this, data);
  };
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT";
  /** Path and query, e.g. "/add". */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/** Called once per request sent; must return a fresh request each time (e.g. a unique body). */
export type RequestGenerator = () => HttpRequest;

/** Sees every response (status and body text); use it to collect or check answers. */
export type ResponseHandler = (status: number, body: string) => void;

export interface LoadOptions {
  url: URL;
  connections: number;
  seconds: number;
  next: RequestGenerator;
  onResponse?: ResponseHandler;
  /** Per-request timeout, s (autocannon counts expiries as timeouts). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  /** Completed responses (any status). */
  responses: number;
  perSecond: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const { next, onResponse } = opts;
  keepBodies = onResponse !== undefined;
  const result = await autocannon({
    url: opts.url.origin,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: opts.timeoutSeconds ?? 10,
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const r = next();
          const body =
            r.body === undefined
              ? undefined
              : typeof r.body === "string"
                ? r.body
                : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
          return {
            ...req,
            method: r.method,
            path: r.path,
            headers: { ...(req.headers as object), ...r.headers },
            body,
          };
        },
        ...(onResponse ? { onResponse: (status: number, body: string) => onResponse(status, body) } : {}),
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats as Record<string, { count: number }>))
    statusCodes[code] = s.count;
  const responses = result.requests.total as number;
  const duration = result.duration as number;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    connections: opts.connections,
    seconds: r1(duration),
    responses,
    perSecond: Math.round(responses / duration),
    ok2xx: result["2xx"] as number,
    non2xx: result.non2xx as number,
    errors: result.errors as number,
    timeouts: result.timeouts as number,
    statusCodes,
    latencyMs: {
      p50: r1(result.latency.p50),
      p90: r1(result.latency.p90),
      p99: r1(result.latency.p99),
      mean: r1(result.latency.mean),
      max: r1(result.latency.max),
    },
  };
}

/** One kind of append over HTTP: how to make a unique request and read the acknowledged index. */
export interface AppendScenario {
  name: string;
  next: RequestGenerator;
  /** The log index a successful answer acknowledges; null if a success answer does not say. */
  parseIndex(status: number, body: string): number | null;
}

/** POST /add with a unique random body (the test-only raw append: 200 + decimal index). */
export function rawAppendScenario(entrySize: number): AppendScenario {
  // Random bytes, made in large blocks; every body also carries a counter, so none repeats.
  const block = 4096;
  let pool = new Uint8Array(0);
  let used = block;
  let counter = 0;
  return {
    name: `raw POST /add, ${entrySize}-byte random entries`,
    next() {
      if (used === block) {
        pool = new Uint8Array(block * entrySize);
        crypto.getRandomValues(pool.subarray(0, Math.min(pool.length, 65_536)));
        for (let o = 65_536; o < pool.length; o += 65_536)
          crypto.getRandomValues(pool.subarray(o, Math.min(pool.length, o + 65_536)));
        used = 0;
      }
      const body = pool.subarray(used * entrySize, (used + 1) * entrySize);
      used++;
      new DataView(body.buffer, body.byteOffset, 8).setFloat64(0, counter++);
      return { method: "POST", path: "/add", headers: { "content-type": "application/octet-stream" }, body };
    },
    parseIndex(status, body) {
      if (status !== 200 || !/^(0|[1-9][0-9]*)\n?$/.test(body)) return null;
      return Number(body.trim());
    },
  };
}

/**
 * On a log of its own (`start`), after a 2 s warm-up with `load`: that log's no-op rate, then `load`'s,
 * and their ratio. Each probe is compared with its own server's no-op, never another run's.
 */
export async function rateAgainstNoop<T extends LoadResult>(
  start: () => Promise<{ url: URL; dispose(): Promise<void> }>,
  connections: number,
  seconds: number,
  load: (url: URL, seconds: number) => Promise<T>,
): Promise<{ noop: LoadResult; measured: T; ratio: number }> {
  const log = await start();
  try {
    await load(log.url, Math.min(2, seconds)); // warm-up
    const noop = await runLoad({ url: log.url, connections, seconds, next: noopRequest });
    const measured = await load(log.url, seconds);
    return { noop, measured, ratio: Math.round((measured.perSecond / noop.perSecond) * 100) / 100 };
  } finally {
    await log.dispose();
  }
}

/**
 * The runtime's own ceiling for "one Durable Object call per request": the raw append load against a
 * log whose sequencer refuses every leaf at its first check (MAX_LEAF_BYTES below the entry size), so
 * each request is the edge, one DO RPC and a 413, with no pool, round or tick. Its rate against the same
 * log's no-op rate is the most any append path with one DO call per request can reach here.
 */
export async function runDoCallCeiling(
  start: (vars: Record<string, string>) => Promise<{ url: URL; dispose(): Promise<void> }>,
  entrySize: number,
  connections: number,
  seconds: number,
): Promise<{ noop: LoadResult; doCall: LoadResult; ratio: number }> {
  const scenario = rawAppendScenario(entrySize);
  const {
    noop,
    measured: doCall,
    ratio,
  } = await rateAgainstNoop(
    () => start({ MAX_LEAF_BYTES: String(entrySize - 1) }),
    connections,
    seconds,
    (url, s) => runLoad({ url, connections, seconds: s, next: scenario.next }),
  );
  if (doCall.statusCodes["413"] !== doCall.responses)
    throw new Error(`DO call ceiling: expected only 413 answers, got ${JSON.stringify(doCall.statusCodes)}`);
  return { noop, doCall, ratio };
}

/** GET /healthz: the same server's rate for a request that does nothing. */
export const noopRequest: RequestGenerator = () => ({ method: "GET", path: "/healthz" });

export interface AppendLoad extends LoadResult {
  /** 2xx answers whose body did not carry an index. */
  malformed: number;
}

/** Runs an append load, collecting every acknowledged index into `indices`. */
export async function runAppendLoad(
  url: URL,
  scenario: AppendScenario,
  connections: number,
  seconds: number,
  indices: number[],
): Promise<AppendLoad> {
  let malformed = 0;
  const r = await runLoad({
    url,
    connections,
    seconds,
    next: scenario.next,
    onResponse(status, body) {
      if (status < 200 || status > 299) return;
      const index = scenario.parseIndex(status, body);
      if (index === null) malformed++;
      else indices.push(index);
    },
  });
  return { ...r, malformed };
}
