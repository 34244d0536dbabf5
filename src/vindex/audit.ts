/**
 * Auditing the verifiable index: replay the log from its tiles, rebuild the map from scratch and check
 * each signed map checkpoint against it (map root and log root at its size). Because the map is a
 * deterministic function of the log prefix, an honest index matches at every size; the first checkpoint
 * that does not is reported. The replayed leaves are authenticated by the log's own checkpoint (a
 * consistency proof from the replayed root). Resumable: the rebuilt state serializes to JSON.
 * @module
 */
import { TileReader, type PathFetcher } from "../client/tile-reader.ts";
import { indexKeysOf } from "../search/index-keys.ts";
import { bytesEqual, fromBase64, fromHex, toBase64, toHex, utf8Decode } from "../tlog/encoding.ts";
import { hashLeaf } from "../tlog/hash.ts";
import { parseNote, type NoteVerifier } from "../tlog/note.ts";
import { appendLeaves, edgeRoot, emptyEdge, type RightEdge } from "../tlog/tree.ts";
import { checkPublishedObjects } from "./audit-objects.ts";
import { MAP_CHECKPOINT_KEY, openMapCheckpoint, parseMapCheckpoint, type MapCheckpoint } from "./checkpoint.ts";
import { readLeaves } from "./log-leaves.ts";
import { VerifiableMap } from "./map.ts";
import { MemoryMapStore } from "./store.ts";

export interface AuditState {
  edge: RightEdge;
  store: MemoryMapStore;
  /** Signed map checkpoints seen but beyond the replay so far: checked once the replay reaches them. */
  pending: string[];
}

export interface AuditReport {
  /** How far the replay got (log entries). */
  replayedSize: number;
  /** Map checkpoints that matched the rebuilt map, by log size. */
  matched: number[];
  /** Checkpoints given for sizes the resumed state had already passed (not checkable). */
  skipped: number[];
  /** The first map checkpoint that does not match the log, and how (or the first published object that does not). */
  divergence?: { size: number; reason: string };
  /** Published objects (map tiles, value chunks and tiles) found equal to the rebuilt map's. */
  objectsChecked?: number;
}

export interface AuditOptions {
  fetch: PathFetcher;
  /** The log's verifier key(s): they sign the log's checkpoints and the map checkpoints. */
  verifiers: readonly NoteVerifier[];
  state?: AuditState;
  /** More signed map checkpoints to check (e.g. saved from complete search answers). */
  checkpoints?: readonly string[];
  /** Entries per replay step. */
  batch?: number;
  /** Compare the published objects of the latest map checkpoint with the rebuilt map (default true). */
  checkObjects?: boolean;
  /** After each replay step, with the state so far (a caller may save it to resume from there). */
  onProgress?: (replayed: number, target: number, state: AuditState) => void;
}

export function newAuditState(): AuditState {
  return { edge: emptyEdge(), store: new MemoryMapStore(), pending: [] };
}

export async function auditIndex(opts: AuditOptions): Promise<{ report: AuditReport; state: AuditState }> {
  const state = opts.state ?? newAuditState();
  const reader = new TileReader(opts.fetch, opts.verifiers);
  const cp = await reader.checkpoint();
  const map = new VerifiableMap(state.store);
  const notes = [...state.pending, ...(opts.checkpoints ?? [])];
  const latest = await opts.fetch(MAP_CHECKPOINT_KEY);
  if (latest) notes.push(utf8Decode(latest));
  let latestSize: number | undefined;
  try {
    latestSize = latest ? parseMapCheckpoint(parseNote(utf8Decode(latest)).text).size : undefined;
  } catch {
    // a malformed published checkpoint is reported below, where every note is opened
  }
  const report: AuditReport = { replayedSize: map.size, matched: [], skipped: [] };
  const targets = new Map<number, { note: string; c: MapCheckpoint }>();
  for (const note of notes) {
    let c: MapCheckpoint;
    try {
      c = openMapCheckpoint(note, opts.verifiers, cp.origin);
    } catch (e) {
      report.divergence = { size: -1, reason: `a map checkpoint does not verify: ${(e as Error).message}` };
      return { report, state };
    }
    const seen = targets.get(c.size);
    if (seen && !bytesEqual(seen.c.mapRoot, c.mapRoot)) {
      report.divergence = {
        size: c.size,
        reason: "two signed map checkpoints for the same log size with different roots",
      };
      return { report, state };
    }
    if (c.size < map.size) report.skipped.push(c.size);
    else targets.set(c.size, { note, c });
  }
  const sizes = [...targets.keys()].sort((a, b) => a - b);
  const beyond = sizes.find((s) => s > cp.size);
  if (beyond !== undefined) {
    report.divergence = {
      size: beyond,
      reason: `a map checkpoint for log size ${beyond}, beyond the log's checkpoint (${cp.size})`,
    };
    return { report, state };
  }
  const batch = opts.batch ?? 4096;
  const goal = sizes[sizes.length - 1] ?? map.size;
  for (const size of sizes) {
    while (map.size < size) {
      const to = Math.min(size, map.size + batch);
      const leaves = await readLeaves(opts.fetch, cp.size, map.size, to);
      state.edge = appendLeaves(state.edge, leaves.map(hashLeaf)).edge;
      map.append(leaves.map(indexKeysOf));
      opts.onProgress?.(map.size, goal, { ...state, pending: notes });
    }
    const { c } = targets.get(size)!;
    if (!bytesEqual(edgeRoot(state.edge), c.logRoot)) {
      report.divergence = { size, reason: `the map checkpoint's log root is not the log's root at size ${size}` };
      break;
    }
    if (!bytesEqual(map.root, c.mapRoot)) {
      report.divergence = {
        size,
        reason: `the map root signed for size ${size} is not the root of the map rebuilt from the log's first ${size} entries`,
      };
      break;
    }
    report.matched.push(size);
  }
  report.replayedSize = map.size;
  if (!report.divergence && opts.checkObjects !== false && latestSize === map.size) {
    const { checked, bad } = await checkPublishedObjects(opts.fetch, state.store);
    report.objectsChecked = checked;
    if (bad) report.divergence = { size: map.size, reason: bad.reason };
  }
  // The replayed entries are the log's: their root extends to the log's signed checkpoint.
  await reader.verifyConsistency({ origin: cp.origin, size: map.size, root: edgeRoot(state.edge), extensions: [] }, cp);
  state.pending = [...targets.values()].filter(({ c }) => c.size > map.size).map(({ note }) => note);
  return { report, state };
}

/** The audit state as JSON (for `edgelog audit-index --state`). */
export function saveAuditState(s: AuditState): string {
  const st = s.store;
  return JSON.stringify({
    size: st.size(),
    edge: { size: s.edge.size, levels: s.edge.levels.map((l) => l.map(toBase64)) },
    nodes: [...st.nodes].map(([id, n]) => [id, toBase64(n.hash), n.leaf ? toHex(n.leaf) : null]),
    keys: [...st.keys].map(([p, k]) => [p, k.count, k.frontier.map(toBase64), toBase64(k.valueRoot)]),
    chunks: [...st.chunks],
    valueHashes: [...st.valueHashes].map(([id, h]) => [id, toBase64(h)]),
    pending: s.pending,
  });
}

export function loadAuditState(json: string): AuditState {
  const j = JSON.parse(json);
  const store = new MemoryMapStore();
  store.setSize(j.size);
  for (const [id, h, leaf] of j.nodes)
    store.nodes.set(id, leaf ? { hash: fromBase64(h), leaf: fromHex(leaf) } : { hash: fromBase64(h) });
  for (const [p, count, frontier, root] of j.keys)
    store.keys.set(p, { count, frontier: frontier.map((f: string) => fromBase64(f)), valueRoot: fromBase64(root) });
  for (const [id, indices] of j.chunks) store.chunks.set(id, indices);
  if (!Array.isArray(j.valueHashes))
    throw new Error("audit state: no value hashes (saved by an older edgelog); start without it");
  for (const [id, h] of j.valueHashes) store.valueHashes.set(id, fromBase64(h));
  const edge = { size: j.edge.size, levels: j.edge.levels.map((l: string[]) => l.map((h) => fromBase64(h))) };
  if (edge.size !== j.size) throw new Error("audit state: the replayed log and the map disagree on their size");
  return { edge, store, pending: j.pending };
}
