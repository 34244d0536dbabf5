/**
 * `npm run bench -- --overload`: drives the log past its capacity and then checks the three promises
 * on what it acknowledged.
 *
 * The Worker runs under Miniflare on localhost only, with a small pool (MAX_POOL_LEAVES) and a short
 * tick, and many concurrent clients POST /add (raw leaves) for a bounded time and count; one request in
 * five resubmits an entry already acknowledged. Every answer is sorted: acknowledged (200 + index),
 * rejected (503 + Retry-After: backpressure), or wrong (anything else). A poller keeps every
 * checkpoint served. Afterwards, reading the log back over HTTP:
 *   lost         acknowledged but not in the log at its index with its content (must be 0);
 *   forks        two checkpoints served that are not consistent (consistency proofs from the tiles);
 *   dup. wrong   a resubmission answered with another index than the first one.
 * Exits non-zero if any of them is not 0, or if no request was rejected (the load did not overload).
 * @module
 */
import { parseBundle } from "../src/tlog/bundle.ts";
import { TileReader } from "../src/client/tile-reader.ts";
import { logKey } from "../src/client/verify-checkpoint.ts";
import type { Checkpoint } from "../src/tlog/checkpoint.ts";
import { bytesEqual } from "../src/tlog/encoding.ts";
import { HASH_SIZE, hashLeaf } from "../src/tlog/hash.ts";
import { ENTRIES_LEVEL, TILE_WIDTH, tilePath, tileWidth } from "../src/tlog/tile.ts";
import type { Bundle } from "./miniflare.ts";
import { startLog } from "./miniflare.ts";

export interface OverloadOptions {
  /** Load window, s (bounded: at most 30). */
  seconds: number;
  /** Concurrent clients. */
  clients: number;
  /** Requests in all, at most. */
  maxRequests: number;
  maxPoolLeaves: number;
  tickMs: number;
  entrySize: number;
}

export const OVERLOAD_DEFAULTS: OverloadOptions = {
  seconds: 15,
  clients: 256,
  maxRequests: 200_000,
  maxPoolLeaves: 64,
  tickMs: 100,
  entrySize: 200,
};

export interface OverloadResult {
  options: OverloadOptions;
  requests: number;
  acknowledged: number;
  duplicatesAnswered: number;
  rejected: number;
  rejectedWithoutRetryAfter: number;
  wrong: number;
  wrongStatuses: Record<string, number>;
  lost: number;
  lostExamples: string[];
  duplicateIndexWrong: number;
  checkpointsSeen: number;
  forks: number;
  finalSize: number;
  perSecond: { acknowledged: number; rejected: number };
  seconds: number;
  ok: boolean;
}

function entry(client: number, n: number, size: number): Uint8Array {
  const head = new TextEncoder().encode(`overload client ${client} entry ${n} `);
  const b = new Uint8Array(Math.max(size, head.length));
  b.fill(0x2e);
  b.set(head);
  return b;
}

export async function runOverload(bundle: Bundle, opts: OverloadOptions = OVERLOAD_DEFAULTS): Promise<OverloadResult> {
  const seconds = Math.min(opts.seconds, 30);
  const log = await startLog({
    scriptPath: bundle.scriptPath,
    port: 0,
    tickMs: opts.tickMs,
    maxPoolLeaves: opts.maxPoolLeaves,
  });
  const base = log.url;
  if (!["127.0.0.1", "localhost", "[::1]"].includes(base.hostname))
    throw new Error(`refusing to load ${base.host}: localhost only`);
  try {
    await fetch(new URL("/checkpoint", base)); // the first request creates the log
    const acked = new Map<string, { index: number; entry: Uint8Array }>();
    const checkpoints = new Set<string>();
    const r = {
      requests: 0,
      acknowledged: 0,
      duplicatesAnswered: 0,
      rejected: 0,
      rejectedWithoutRetryAfter: 0,
      wrong: 0,
      duplicateIndexWrong: 0,
    };
    const wrongStatuses: Record<string, number> = {};
    const start = Date.now();
    const deadline = start + seconds * 1000;
    let stop = false;

    const poller = (async () => {
      while (!stop) {
        const res = await fetch(new URL("/checkpoint", base)).catch(() => null);
        if (res?.ok) checkpoints.add(await res.text());
        await new Promise((ok) => setTimeout(ok, 50));
      }
    })();

    const client = async (c: number) => {
      let last: { index: number; entry: Uint8Array } | undefined;
      for (let n = 0; !stop && Date.now() < deadline && r.requests < opts.maxRequests; n++) {
        r.requests++;
        // One request in five resubmits the entry this client last had acknowledged: it must get the same index.
        const again = n % 5 === 4 ? last : undefined;
        const body = again ? again.entry : entry(c, n, opts.entrySize);
        let res: Response;
        try {
          res = await fetch(new URL("/add", base), { method: "POST", body });
        } catch (e) {
          r.wrong++;
          wrongStatuses[`fetch: ${(e as Error).message}`] = (wrongStatuses[`fetch: ${(e as Error).message}`] ?? 0) + 1;
          continue;
        }
        const text = await res.text();
        if (res.status === 200) {
          const index = Number(text.trim());
          if (again) {
            r.duplicatesAnswered++;
            if (index !== again.index) r.duplicateIndexWrong++;
          } else {
            r.acknowledged++;
            last = { index, entry: body };
            acked.set(`${c}/${n}`, last);
          }
        } else if (res.status === 503) {
          r.rejected++;
          if (!/^[1-9]\d*$/.test(res.headers.get("Retry-After") ?? "")) r.rejectedWithoutRetryAfter++;
        } else {
          r.wrong++;
          wrongStatuses[String(res.status)] = (wrongStatuses[String(res.status)] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
    const elapsed = (Date.now() - start) / 1000;
    stop = true;
    await poller;

    // Read everything back over HTTP, as a monitor would.
    const cache = new Map<string, Promise<Uint8Array | null>>();
    const get = async (path: string) => {
      const res = await fetch(new URL(`/${path}`, base));
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`GET /${path}: ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    };
    const fetchPath = (path: string) => {
      if (path === "checkpoint") return get(path);
      let p = cache.get(path);
      if (!p) cache.set(path, (p = get(path)));
      return p;
    };
    const reader = new TileReader(fetchPath, [logKey(log.vkey)]);
    const verifyCheckpoint = (note: string): Checkpoint => reader.verifyCheckpoint(note);
    const latestNote = await (await fetch(new URL("/checkpoint", base))).text();
    const latest = verifyCheckpoint(latestNote);
    checkpoints.add(latestNote);

    // 1. Never lost: every acknowledged entry is at its index with its content (bundle vs level-0 tile).
    let lost = 0;
    const lostExamples: string[] = [];
    const inLog = new Map<number, Uint8Array>();
    const bundles = new Set(
      [...acked.values()].filter((a) => a.index < latest.size).map((a) => Math.floor(a.index / TILE_WIDTH)),
    );
    for (const n of bundles) {
      const width = tileWidth(0, n, latest.size);
      const [b, h] = await Promise.all([
        fetchPath(tilePath({ level: ENTRIES_LEVEL, index: n, width })),
        fetchPath(tilePath({ level: 0, index: n, width })),
      ]);
      if (!b || !h) continue;
      parseBundle(b).forEach((e, k) => {
        if (bytesEqual(hashLeaf(e), h.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE))) inLog.set(n * TILE_WIDTH + k, e);
      });
    }
    for (const [id, a] of acked) {
      const stored = inLog.get(a.index);
      if (!stored || !bytesEqual(stored, a.entry)) {
        lost++;
        if (lostExamples.length < 5) lostExamples.push(`${id} at ${a.index}`);
      }
    }
    // And a sample by inclusion proof against the final checkpoint.
    const sample = [...acked.values()].filter((_, i) => i % Math.max(1, Math.floor(acked.size / 200)) === 0);
    for (const a of sample) {
      try {
        await reader.verifyInclusion(a.entry, a.index, latest);
      } catch {
        if (inLog.get(a.index)) lost++; // counted once: only if the bundle check passed
      }
    }

    // 2. Never forked: every checkpoint seen is consistent with the next larger one and with the last.
    let forks = 0;
    const seen: Checkpoint[] = [];
    for (const note of checkpoints) {
      try {
        seen.push(verifyCheckpoint(note));
      } catch {
        forks++; // a checkpoint not signed by the log's key
      }
    }
    seen.sort((a, b) => a.size - b.size);
    for (let i = 0; i + 1 < seen.length; i++) {
      const [a, b] = [seen[i]!, seen[i + 1]!];
      try {
        if (a.size === b.size) {
          if (!bytesEqual(a.root, b.root)) throw new Error("two roots for one size");
        } else await reader.verifyConsistency(a, b);
        await reader.verifyConsistency(a, latest);
      } catch {
        forks++;
      }
    }

    const result: OverloadResult = {
      options: { ...opts, seconds },
      ...r,
      wrongStatuses,
      lost,
      lostExamples,
      checkpointsSeen: seen.length,
      forks,
      finalSize: latest.size,
      perSecond: { acknowledged: Math.round(r.acknowledged / elapsed), rejected: Math.round(r.rejected / elapsed) },
      seconds: Math.round(elapsed * 10) / 10,
      ok: false,
    };
    result.ok =
      lost === 0 &&
      forks === 0 &&
      r.duplicateIndexWrong === 0 &&
      r.rejectedWithoutRetryAfter === 0 &&
      r.wrong === 0 &&
      r.rejected > 0;
    return result;
  } finally {
    await log.dispose();
  }
}
