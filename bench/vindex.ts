/**
 * `npm run bench -- --vindex`: the verifiable index in Node (the pure map over memory, Node's native
 * SHA-256 as the CLI uses it).
 *
 *   update   entries like a Sigstore log's (a unique artifact digest, one of 5,000 signing keys, one of
 *            2,000 emails, one of 3 issuers) taken in by rounds of 256: CPU µs per entry, map-store
 *            writes per entry (rows of the Indexer's SQLite), R2 writes per 1,000 entries (one map
 *            checkpoint per indexer step)
 *   proofs   keys with 1, 1,000 and 100,000 entries in a map of ~100,000 keys: the JSON size and
 *            verify CPU time of one page (100 positions) and of the whole list
 * @module
 */
import { performance } from "node:perf_hooks";
import { generateKey, newSigner, newVerifier, signNote } from "../src/tlog/note.ts";
import { completenessAnswer, verifyCompleteness } from "../src/vindex/answer.ts";
import { formatMapCheckpoint } from "../src/vindex/checkpoint.ts";
import { MAX_ENTRIES_PER_STEP } from "../src/vindex/log-leaves.ts";
import { VerifiableMap } from "../src/vindex/map.ts";
import { MemoryMapStore, type KeyState, type MapNode } from "../src/vindex/store.ts";
import { chunkCount } from "../src/vindex/value-tree.ts";
import { verifyChunk } from "../src/vindex/proof.ts";
import { fromBase64 } from "../src/tlog/encoding.ts";

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
}

export interface VindexUpdateResult {
  entries: number;
  keysPerEntry: number;
  cpuMicrosPerEntry: number;
  storeWritesPerEntry: number;
  /** One map checkpoint per indexer step: per 1,000 entries at a round of 256 and at a catch-up step. */
  r2WritesPer1000: { perRound256: number; perCatchUpStep: number };
  distinctKeys: number;
}

export interface VindexProofResult {
  entries: number;
  pageBytes: number;
  pageVerifyMs: number;
  wholeListBytes: number;
  wholeListVerifyMs: number;
}

const ROUND = 256;

export function runVindexUpdate(entries = 100_000): VindexUpdateResult {
  const store = new CountingStore();
  const map = new VerifiableMap(store);
  const keysOf = (i: number) => [`sha256:${i.toString(16).padStart(64, "0")}`, `key:sha256:${(i * 7919) % 5000}`, `email:user${(i * 104729) % 2000}@example.com`, `issuer:https://issuer${i % 3}.example`];
  // warm-up (JIT), not measured
  map.append(Array.from({ length: 2 * ROUND }, (_, i) => keysOf(i)));
  const writesBefore = store.writes;
  const start = map.size;
  const cpu0 = process.cpuUsage();
  for (let at = start; at < start + entries; at += ROUND) map.append(Array.from({ length: ROUND }, (_, j) => keysOf(at + j)));
  const cpu = process.cpuUsage(cpu0);
  const measured = map.size - start;
  return {
    entries: measured,
    keysPerEntry: 4,
    cpuMicrosPerEntry: Math.round(((cpu.user + cpu.system) / measured) * 10) / 10,
    storeWritesPerEntry: Math.round(((store.writes - writesBefore) / measured) * 10) / 10,
    r2WritesPer1000: { perRound256: Math.round((1000 / ROUND) * 100) / 100, perCatchUpStep: Math.round((1000 / MAX_ENTRIES_PER_STEP) * 100) / 100 },
    distinctKeys: store.keys.size,
  };
}

/** CPU milliseconds per call (CPU, not wall time: the bench machine is shared). */
function timeMs(fn: () => void, minMs = 200): number {
  let n = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  do {
    fn();
    n++;
  } while (performance.now() - t0 < minMs);
  const cpu = process.cpuUsage(cpu0);
  return Math.round(((cpu.user + cpu.system) / 1000 / n) * 1000) / 1000;
}

export function runVindexProofs(): Record<string, VindexProofResult> {
  const map = new VerifiableMap(new MemoryMapStore());
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
  const note = signNote(formatMapCheckpoint({ logOrigin: signer.name, size: map.size, mapRoot: map.root, logRoot: new Uint8Array(32) }), [signer]);
  const out: Record<string, VindexProofResult> = {};
  for (const [name, key] of [["1", "subject:single"], ["1,000", "email:thousand@example.com"], ["100,000", "issuer:hundred-thousand"]] as const) {
    const count = map.value(key)!.count;
    const page = completenessAnswer(map, note, key, 0, 100);
    const whole = completenessAnswer(map, note, key, 0, chunkCount(count) * 256);
    // The whole list is many pages' chunks in one answer: verify it chunk by chunk as a client would.
    const pageJson = JSON.stringify(page);
    const wholeJson = JSON.stringify(whole);
    out[name] = {
      entries: count,
      pageBytes: pageJson.length,
      pageVerifyMs: timeMs(() => verifyCompleteness(JSON.parse(pageJson), key, 100, verifiers, signer.name)),
      wholeListBytes: wholeJson.length,
      wholeListVerifyMs: timeMs(() => {
        const w = JSON.parse(wholeJson);
        // verifyCompleteness bounds the chunks per answer (a page needs at most a few): the first chunk with
        // the map checkpoint's signature and the map proof, then every other chunk against the value root.
        const first = verifyCompleteness({ ...w, chunks: [w.chunks[0]] }, key, 256, verifiers, signer.name);
        const value = { count: first.count, valueRoot: map.value(key)!.valueRoot };
        for (const c of w.chunks.slice(1)) verifyChunk(value, first.checkpoint.size, c.chunk, c.indices, c.proof.map((p: string) => fromBase64(p)));
      }),
    };
  }
  return out;
}

/** Both parts, printed; returns the figures for the JSON results. */
export function runVindexBench(out: (s: string) => void): { update: VindexUpdateResult; proofs: Record<string, VindexProofResult> } {
  const update = runVindexUpdate();
  out(`   update       ${update.cpuMicrosPerEntry} µs CPU per entry (${update.keysPerEntry} keys each, ${update.entries.toLocaleString("en-US")} entries in rounds of ${ROUND}, ${update.distinctKeys.toLocaleString("en-US")} keys in the map)`);
  out(`                ${update.storeWritesPerEntry} map-store row writes per entry; R2 writes per 1,000 entries: ${update.r2WritesPer1000.perRound256} (a map checkpoint per round of 256), ${update.r2WritesPer1000.perCatchUpStep} (per catch-up step of ${MAX_ENTRIES_PER_STEP})`);
  const proofs = runVindexProofs();
  for (const [name, p] of Object.entries(proofs)) {
    out(`   key × ${name.padEnd(8)} page of 100: ${p.pageBytes.toLocaleString("en-US")} B, verified in ${p.pageVerifyMs} ms CPU; whole list: ${p.wholeListBytes.toLocaleString("en-US")} B, verified in ${p.wholeListVerifyMs} ms CPU`);
  }
  return { update, proofs };
}
