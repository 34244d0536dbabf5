/**
 * The monitor's core: from a saved checkpoint to the log's current one, it
 * 1. verifies the new checkpoint's signature and origin (and the saved one's: the state file is not
 *    trusted blindly) and its witness cosignatures (src/client/verify-checkpoint.ts),
 * 2. checks the new tree extends the saved one: a consistency proof built from the log's tiles, and, as
 *    a second witness of the same fact, the saved tree's right edge read from the tiles must hash to the
 *    saved root;
 * 3. fetches every new entry bundle, hashes every entry and appends it to that right edge: the
 *    recomputed root must equal the new checkpoint's root, which proves each entry is in the tree at
 *    its index (a proof of inclusion for all of them at once, at one SHA-256 per entry and per node);
 * 4. reports entries matching the watch list.
 * Any mismatch is a fork (or a log serving bad data): a ForkError with the evidence.
 * @module
 */
import { createHash } from "node:crypto";
import { TileReader, type PathFetcher } from "../src/client/tile-reader.ts";
import { checkCosignatures, type CosignatureReport } from "../src/client/verify-checkpoint.ts";
import type { CosignatureVerifier } from "../src/tlog/cosignature.ts";
import type { Quorum } from "../src/witnessing/policy.ts";
import { parseBundle } from "../src/tlog/bundle.ts";
import type { Checkpoint } from "../src/tlog/checkpoint.ts";
import { bytesEqual, toBase64 } from "../src/tlog/encoding.ts";
import { MalformedError, ProofError } from "../src/tlog/errors.ts";
import { EMPTY_ROOT, HASH_SIZE, type Hash } from "../src/tlog/hash.ts";
import type { NoteVerifier } from "../src/tlog/note.ts";
import { ENTRIES_LEVEL, TILE_WIDTH, tilePath, tileWidth } from "../src/tlog/tile.ts";
import { appendLeaves, edgeRoot, type RightEdge } from "../src/tlog/tree.ts";
import {
  leafFacts,
  matchFacts,
  watchIsEmpty,
  watchNeedsKeys,
  type LeafFacts,
  type MatchReason,
  type Watch,
} from "./facts.ts";

export class ForkError extends Error {
  override name = "ForkError";
  constructor(
    message: string,
    readonly saved: string,
    readonly served: string,
  ) {
    super(message);
  }
}

export interface Match {
  index: number;
  leafHash: string;
  kind: string;
  reasons: MatchReason[];
  facts: LeafFacts;
}

export interface MonitorOptions {
  fetchPath: PathFetcher;
  verifiers: readonly NoteVerifier[];
  /** Witness keys: a cosignature by one that does not verify fails the step; at least `witnessQuorum` must have cosigned. */
  witnesses?: readonly CosignatureVerifier[];
  witnessQuorum?: number | Quorum;
  /** The saved checkpoint note, or null to start from the empty tree. */
  saved: string | null;
  watch: Watch;
  onMatch?: (m: Match) => void | Promise<void>;
  /** Called as entries are verified: (verified so far, total to verify). */
  onProgress?: (done: number, total: number) => void;
  /** Bundles fetched ahead of the one being verified. */
  concurrency?: number;
  /** Stop at this size instead of the current checkpoint's (for tests); must still be a size the log signed. */
  checkpointNote?: string;
}

export interface MonitorResult {
  from: number;
  to: number;
  /** The checkpoint verified up to, to save. */
  note: string;
  checkpoint: Checkpoint;
  matches: number;
  /** True if the log served a checkpoint older than the saved one (consistent: a stale cache, not a fork). */
  stale: boolean;
  /** The witness cosignatures on the served checkpoint. */
  cosignatures: CosignatureReport;
}

/** RFC 6962 leaf hash with Node's native SHA-256 (the monitor's hot loop). */
function leafHash(entry: Uint8Array): Hash {
  return new Uint8Array(createHash("sha256").update(LEAF_PREFIX).update(entry).digest());
}
const LEAF_PREFIX = new Uint8Array([0]);

function b64(h: Uint8Array) {
  return toBase64(h);
}

/** The right edge of the tree of `size` leaves, read from tiles as they are at `servedSize` (a prefix of each). */
async function edgeFromTiles(fetchPath: PathFetcher, size: number, servedSize: number): Promise<RightEdge> {
  const levels: Hash[][] = [];
  for (let level = 0; Math.pow(TILE_WIDTH, level) <= size; level++) {
    const count = Math.floor(size / Math.pow(TILE_WIDTH, level));
    const k = count % TILE_WIDTH;
    const row: Hash[] = [];
    if (k > 0) {
      const index = Math.floor(count / TILE_WIDTH);
      const tile = { level, index, width: tileWidth(level, index, servedSize) };
      const data = await fetchPath(tilePath(tile));
      if (data === null) throw new MalformedError(`${tilePath(tile)} is not available`);
      if (data.length !== tile.width * HASH_SIZE)
        throw new MalformedError(`${tilePath(tile)} has ${data.length} bytes`);
      for (let i = 0; i < k; i++) row.push(data.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    }
    levels.push(row);
  }
  while (levels.length > 0 && levels[levels.length - 1]!.length === 0) levels.pop();
  return { size, levels };
}

export async function monitorOnce(opts: MonitorOptions): Promise<MonitorResult> {
  const reader = new TileReader(opts.fetchPath, opts.verifiers);
  const served = opts.checkpointNote ? reader.verifyCheckpoint(opts.checkpointNote) : await reader.checkpoint();
  const cosignatures = checkCosignatures(served.note, opts.verifiers, opts.witnesses ?? [], opts.witnessQuorum ?? 0);
  let old: Checkpoint = { origin: served.origin, size: 0, root: EMPTY_ROOT, extensions: [] };
  if (opts.saved !== null) {
    let savedCp;
    try {
      savedCp = reader.verifyCheckpoint(opts.saved);
    } catch (e) {
      throw new MalformedError(`the saved checkpoint does not verify with the log key: ${(e as Error).message}`);
    }
    if (savedCp.origin !== served.origin)
      throw new MalformedError(`the saved checkpoint is for ${savedCp.origin}, the log serves ${served.origin}`);
    old = savedCp;
  }
  const fork = (why: string) => new ForkError(why, opts.saved ?? "", served.note);

  if (served.size < old.size) {
    // An older checkpoint: fine if the saved tree extends it (a stale cache), a fork otherwise.
    try {
      await reader.verifyConsistency(served, old);
    } catch (e) {
      if (e instanceof ProofError)
        throw fork(
          `the log serves size ${served.size}, older than the saved ${old.size}, and it is not a prefix of the saved tree`,
        );
      throw e;
    }
    return { from: old.size, to: old.size, note: opts.saved!, checkpoint: old, matches: 0, stale: true, cosignatures };
  }
  if (served.size === old.size) {
    if (!bytesEqual(served.root, old.root))
      throw fork(`two different roots for size ${old.size}: saved ${b64(old.root)}, served ${b64(served.root)}`);
    return {
      from: old.size,
      to: old.size,
      note: opts.saved ?? served.note,
      checkpoint: old,
      matches: 0,
      stale: false,
      cosignatures,
    };
  }
  if (old.size > 0) {
    try {
      await reader.verifyConsistency(old, served);
    } catch (e) {
      if (e instanceof ProofError)
        throw fork(
          `the checkpoint of size ${served.size} is not consistent with the saved checkpoint of size ${old.size} (consistency proof from the log's tiles fails)`,
        );
      throw e;
    }
  }
  let edge = await edgeFromTiles(opts.fetchPath, old.size, served.size);
  if (!bytesEqual(edgeRoot(edge), old.root))
    throw fork(`the log's tiles do not hash to the saved root at size ${old.size}`);

  const total = served.size - old.size;
  const watching = !watchIsEmpty(opts.watch);
  const needKeys = watchNeedsKeys(opts.watch);
  let matches = 0;
  const first = Math.floor(old.size / TILE_WIDTH);
  const last = Math.ceil(served.size / TILE_WIDTH) - 1;
  const fetchBundle = async (n: number): Promise<Uint8Array[]> => {
    const tile = { level: ENTRIES_LEVEL, index: n, width: tileWidth(ENTRIES_LEVEL, n, served.size) };
    const data = await opts.fetchPath(tilePath(tile));
    if (data === null) throw new MalformedError(`${tilePath(tile)} is not available`);
    const entries = parseBundle(data);
    if (entries.length !== tile.width)
      throw fork(`${tilePath(tile)} holds ${entries.length} entries, not ${tile.width}`);
    return entries;
  };
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  const inflight = new Map<number, Promise<Uint8Array[]>>();
  const want = (n: number) => {
    if (n <= last && !inflight.has(n)) {
      const p = fetchBundle(n);
      p.catch(() => undefined); // observed when awaited
      inflight.set(n, p);
    }
  };
  for (let n = first; n < first + concurrency; n++) want(n);
  let done = 0;
  for (let n = first; n <= last; n++) {
    want(n + concurrency);
    const entries = await inflight.get(n)!;
    inflight.delete(n);
    const start = Math.max(old.size, n * TILE_WIDTH) - n * TILE_WIDTH;
    const hashes: Hash[] = new Array(entries.length - start);
    for (let i = start; i < entries.length; i++) {
      const entry = entries[i]!;
      const h = leafHash(entry);
      hashes[i - start] = h;
      if (watching) {
        const facts = leafFacts(entry, needKeys);
        const reasons = matchFacts(facts, opts.watch);
        if (reasons.length > 0) {
          matches++;
          await opts.onMatch?.({
            index: n * TILE_WIDTH + i,
            leafHash: Buffer.from(h).toString("hex"),
            kind: facts.kind,
            reasons,
            facts,
          });
        }
      }
    }
    edge = appendLeaves(edge, hashes).edge;
    done += hashes.length;
    opts.onProgress?.(done, total);
  }
  if (edge.size !== served.size) throw new Error(`bad math: verified ${edge.size} of ${served.size}`);
  if (!bytesEqual(edgeRoot(edge), served.root)) {
    throw fork(
      `the entries the log serves from ${old.size} to ${served.size} do not hash to its checkpoint root ${b64(served.root)}`,
    );
  }
  return {
    from: old.size,
    to: served.size,
    note: served.note,
    checkpoint: served,
    matches,
    stale: false,
    cosignatures,
  };
}
