/**
 * `npm run bench -- --vindex`: the verifiable index in Node (the pure map over memory, Node's native
 * SHA-256 as the CLI uses it), with its publication as the Indexer does it (objects counted, not written).
 *
 *   update   entries like a Sigstore log's (a unique artifact digest, one of 5,000 signing keys, one of
 *            2,000 emails, one of 3 issuers) taken in by rounds of 256 and by catch-up steps of 4,096,
 *            each step published: CPU µs per entry (map and publication), map-store writes per entry (rows
 *            of the Indexer's SQLite), R2 writes per 1,000 entries (map tiles, value chunks and tiles, and
 *            one map checkpoint per step)
 *   proofs   keys with 1, 1,000 and 100,000 entries in a map of ~100,000 keys, answers assembled from the
 *            published objects as the edge does: one page of 20 (the API's largest) in JSON bytes, objects
 *            read and verify CPU; and the whole list walked page by page as `edgelog search --complete` does
 * @module
 */
import { performance } from "node:perf_hooks";
import { toHex } from "../src/tlog/encoding.ts";
import { generateKey, newSigner, newVerifier, signNote } from "../src/tlog/note.ts";
import { verifyCompleteness } from "../src/vindex/answer.ts";
import { formatMapCheckpoint, MAP_CHECKPOINT_KEY } from "../src/vindex/checkpoint.ts";
import { keyPath } from "../src/vindex/hash.ts";
import { MAX_ENTRIES_PER_STEP } from "../src/vindex/log-leaves.ts";
import { VerifiableMap } from "../src/vindex/map.ts";
import { publicationObjects } from "../src/vindex/publication.ts";
import { completenessFromObjects } from "../src/vindex/published-answer.ts";
import { MemoryMapStore, type KeyState, type MapNode } from "../src/vindex/store.ts";
import { utf8Encode } from "../src/tlog/encoding.ts";

/** Counts the rows a map writes (what the Indexer's SQLite would write). */
class CountingStore extends MemoryMapStore {
  writes = 0;
  override setNode(id: string, node: MapNode): void {
    this.writes++;
    super.setNode(id, node);
  }
  override setKeyState(path: string, state: KeyState): void {
    this.writes++;
    super.setKeyState(path, state);
  }
  override setChunk(path: string, i: number, indices: readonly number[]): void {
    this.writes++;
    super.setChunk(path, i, indices);
  }
  override setValueHash(path: string, level: number, i: number, hash: Uint8Array): void {
    this.writes++;
    super.setValueHash(path, level, i, hash);
  }
}

export interface VindexUpdateResult {
  entries: number;
  keysPerEntry: number;
  /** Per step size (256: a round; 4,096: a catch-up step). */
  steps: Record<
    string,
    { cpuMicrosPerEntry: number; storeWritesPerEntry: number; r2WritesPer1000: number; bytesPer1000: number }
  >;
  distinctKeys: number;
}

export interface VindexProofResult {
  entries: number;
  pageBytes: number;
  pageObjectsRead: number;
  pageVerifyMs: number;
  pages: number;
  wholeListBytes: number;
  wholeListVerifyMs: number;
}

/** The API's largest page. */
const PAGE = 20;

const keysOf = (i: number) => [
  `sha256:${i.toString(16).padStart(64, "0")}`,
  `key:sha256:${(i * 7919) % 5000}`,
  `email:user${(i * 104729) % 2000}@example.com`,
  `issuer:https://issuer${i % 3}.example`,
];

/** Entries taken in by steps of `step`, each published: what the Indexer does. */
function updateRun(entries: number, step: number) {
  const store = new CountingStore();
  const map = new VerifiableMap(store);
  const published = new Map<string, number>();
  let r2Writes = 0;
  let bytes = 0;
  const takeIn = (from: number, n: number) => {
    const batch = Array.from({ length: n }, (_, j) => keysOf(from + j));
    const changed = [...new Set(batch.flat())].map((k) => {
      const path = toHex(keyPath(k));
      return { path, publishedCount: published.get(path) ?? 0 };
    });
    map.append(batch);
    const objects = publicationObjects(store, changed);
    for (const c of changed) published.set(c.path, store.keyState(c.path)!.count);
    r2Writes += objects.size + 1; // and the map checkpoint
    for (const body of objects.values()) bytes += body.length;
  };
  takeIn(0, 2 * 256); // warm-up (JIT), not measured
  const writesBefore = store.writes;
  r2Writes = 0;
  bytes = 0;
  const start = map.size;
  const cpu0 = process.cpuUsage();
  for (let at = start; at < start + entries; at += step) takeIn(at, step);
  const cpu = process.cpuUsage(cpu0);
  const measured = map.size - start;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    result: {
      cpuMicrosPerEntry: round1((cpu.user + cpu.system) / measured),
      storeWritesPerEntry: round1((store.writes - writesBefore) / measured),
      r2WritesPer1000: round1((r2Writes / measured) * 1000),
      bytesPer1000: Math.round((bytes / measured) * 1000),
    },
    distinctKeys: store.keys.size,
  };
}

export function runVindexUpdate(entries = 20_000): VindexUpdateResult {
  const steps: VindexUpdateResult["steps"] = {};
  let distinctKeys = 0;
  for (const step of [256, MAX_ENTRIES_PER_STEP]) {
    const r = updateRun(entries, step);
    steps[String(step)] = r.result;
    distinctKeys = r.distinctKeys;
  }
  return { entries, keysPerEntry: 4, steps, distinctKeys };
}

/** CPU milliseconds per call (CPU, not wall time: the bench machine is shared). */
async function timeMs(fn: () => unknown, minMs = 200): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  do {
    await fn();
    n++;
  } while (performance.now() - t0 < minMs);
  const cpu = process.cpuUsage(cpu0);
  return Math.round(((cpu.user + cpu.system) / 1000 / n) * 1000) / 1000;
}

export async function runVindexProofs(): Promise<Record<string, VindexProofResult>> {
  const store = new MemoryMapStore();
  const map = new VerifiableMap(store);
  const N = 100_000;
  const batch: string[][] = [];
  for (let i = 0; i < N; i++) {
    const keys = [`sha256:${i.toString(16).padStart(64, "0")}`, "issuer:hundred-thousand"];
    if (i % 100 === 0) keys.push("email:thousand@example.com");
    if (i === 4242) keys.push("subject:single");
    batch.push(keys);
    if (batch.length === 4096) map.append(batch.splice(0));
  }
  map.append(batch);
  const { skey } = generateKey("bench.example/log");
  const signer = newSigner(skey);
  const verifiers = [newVerifier(signer.vkey)];
  const note = signNote(
    formatMapCheckpoint({ logOrigin: signer.name, size: map.size, mapRoot: map.root, logRoot: new Uint8Array(32) }),
    [signer],
  );
  const objects = publicationObjects(
    store,
    [...store.keys.keys()].map((path) => ({ path, publishedCount: 0 })),
  );
  objects.set(MAP_CHECKPOINT_KEY, utf8Encode(note));
  let reads = 0;
  const fetch = async (path: string) => (reads++, objects.get(path) ?? null);
  const out: Record<string, VindexProofResult> = {};
  for (const [name, key] of [
    ["1", "subject:single"],
    ["1,000", "email:thousand@example.com"],
    ["100,000", "issuer:hundred-thousand"],
  ] as const) {
    const count = map.value(key)!.count;
    reads = 0;
    const pageJson = JSON.stringify(await completenessFromObjects(fetch, key, 0, PAGE));
    const pageObjectsRead = reads;
    // The whole list, page by page: each page assembled from the objects, then verified as a client does.
    const pages: string[] = [];
    for (let start = 0; start < count; start += PAGE)
      pages.push(JSON.stringify(await completenessFromObjects(fetch, key, start, PAGE)));
    out[name] = {
      entries: count,
      pageBytes: pageJson.length,
      pageObjectsRead,
      pageVerifyMs: await timeMs(() => verifyCompleteness(JSON.parse(pageJson), key, PAGE, verifiers, signer.name)),
      pages: pages.length,
      wholeListBytes: pages.reduce((n, p) => n + p.length, 0),
      wholeListVerifyMs: await timeMs(() => {
        for (const p of pages) verifyCompleteness(JSON.parse(p), key, PAGE, verifiers, signer.name);
      }, 0),
    };
  }
  return out;
}

/** Both parts, printed; returns the figures for the JSON results. */
export async function runVindexBench(
  out: (s: string) => void,
): Promise<{ update: VindexUpdateResult; proofs: Record<string, VindexProofResult> }> {
  const update = runVindexUpdate();
  out(
    `   update       ${update.entries.toLocaleString("en-US")} entries of ${update.keysPerEntry} keys each, ${update.distinctKeys.toLocaleString("en-US")} keys in the map at the end`,
  );
  for (const [step, r] of Object.entries(update.steps)) {
    out(
      `     steps of ${step.padEnd(5)} ${r.cpuMicrosPerEntry} µs CPU per entry (map and publication); ${r.storeWritesPerEntry} map-store row writes per entry; ${r.r2WritesPer1000} R2 writes (${(r.bytesPer1000 / 1024).toFixed(0)} KiB) per 1,000 entries`,
    );
  }
  const proofs = await runVindexProofs();
  for (const [name, p] of Object.entries(proofs)) {
    out(
      `   key × ${name.padEnd(8)} page of ${PAGE}: ${p.pageBytes.toLocaleString("en-US")} B from ${p.pageObjectsRead} objects, verified in ${p.pageVerifyMs} ms CPU; whole list in ${p.pages.toLocaleString("en-US")} pages: ${p.wholeListBytes.toLocaleString("en-US")} B, verified in ${p.wholeListVerifyMs} ms CPU`,
    );
  }
  return { update, proofs };
}
