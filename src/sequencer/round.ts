/**
 * One sequencing round, read top to bottom; the order is the protocol (Sunlight sequencePool,
 * Azul log_ops.rs, docs/DESIGN.md "Life of a leaf"):
 *
 *  1. assign consecutive indices, hash the leaves, extend the tree from the right edge;
 *  2. build every new or changed hash tile and entry bundle, compute the root, sign the checkpoint;
 *  3. COMMIT in one SQLite transaction (compare-and-swap on the previous checkpoint);
 *  4. upload the staged objects, then publish the checkpoint (with witness cosignatures, if
 *     configured; without the quorum it is not published and the round answers no one);
 *  5. build each leaf's inclusion proof against exactly that checkpoint.
 *
 * `deps.onStep` marks the points between these steps; it does nothing outside test/faults.
 *
 * If this throws after step 3, the log's durable state is ahead of what was published: the caller
 * must drop its in-memory state and reload, which re-uploads what is staged (Azul incident #84).
 * @module
 */
import { formatCheckpoint } from "../tlog/checkpoint.ts";
import { assert } from "../tlog/errors.ts";
import { EMPTY_ROOT, type Hash } from "../tlog/hash.ts";
import { signNoteAsync, type Ed25519NoteSigner } from "../tlog/note.ts";
import { tileHashReader } from "../tlog/proof.ts";
import { proveTailInclusion } from "../tlog/tail-proofs.ts";
import { entryBundlesForSize, TILE_WIDTH, tilePath } from "../tlog/tile.ts";
import { appendLeaves, concatHashes, edgeRoot, edgeTiles, emptyEdge, type RightEdge } from "../tlog/tree.ts";
import type { CommittedCheckpoint, NewLeaf, RoundRows, StagedObject } from "./database.ts";
import { bundleObject, publishStaged, type PublishStores } from "./publish.ts";

/** Staged objects up to this size are kept as one SQLite row (the row limit is 2 MB). */
const MAX_STAGED_BYTES = 1_500_000;

/** The sequencer's in-memory view; changed only after the SQLite commit. */
export interface LogState {
  checkpoint: CommittedCheckpoint;
  edge: RightEdge;
}

export interface RoundDeps extends PublishStores {
  signer: Ed25519NoteSigner;
  origin: string;
  /** Milliseconds since the epoch (injectable for tests). */
  now: () => number;
}

export interface PendingLeaf {
  data: Uint8Array;
  /**
   * RFC 6962 leaf hash SHA-256(0x00 || data), computed once at add time. It is also the dedup
   * identity: a full 32-byte SHA-256 like Tessera's SHA-256(data), with no second hash per leaf.
   */
  leafHash: Uint8Array;
  /** Its search keys (src/search/index-keys.ts), computed at the edge; they ride the outbox to D1. */
  indexKeys: readonly string[];
}

/** The log's checkpoint for (size, root), signed with the platform's native Ed25519 (the same bytes as @noble's). */
async function signCheckpoint(deps: RoundDeps, size: number, root: Hash): Promise<CommittedCheckpoint> {
  const text = formatCheckpoint({ origin: deps.origin, size, root, extensions: [] });
  return { size, root, note: await signNoteAsync(text, [deps.signer]) };
}

/** Creates the empty log: a signed size-0 checkpoint, committed and then published (null: awaits its witnesses). */
export async function createLog(deps: RoundDeps): Promise<{ state: LogState; published: string | null }> {
  const checkpoint = await signCheckpoint(deps, 0, EMPTY_ROOT);
  deps.db.commitRound(null, checkpoint, emptyEdge(), { storedLeaves: [], dedup: [], outbox: null }, []);
  const state = { checkpoint, edge: emptyEdge() };
  return { state, published: await publishStaged(deps, state) };
}

/** A committed round: the new state, each leaf's inclusion proof, and the note published (null: awaits its witnesses). */
export interface RoundResult {
  state: LogState;
  inclusionProofs: Hash[][];
  integratedTime: number;
  published: string | null;
}

export async function sequenceRound(
  state: LogState,
  pending: readonly PendingLeaf[],
  deps: RoundDeps,
): Promise<RoundResult> {
  assert(pending.length > 0, "a round needs leaves");
  const oldSize = state.checkpoint.size;

  // 1. Indices oldSize.. in pool order; extend the tree from the stored right edge.
  const { edge, tiles } = appendLeaves(
    state.edge,
    pending.map((p) => p.leafHash),
  );
  const newSize = edge.size;

  // 2. Stage every changed hash tile and entry bundle (write-once names), sign the new checkpoint.
  const time = Math.floor(deps.now() / 1000);
  const leaves: NewLeaf[] = pending.map((p, i) => ({ index: oldSize + i, data: p.data, leafHash: p.leafHash, time }));
  const staged: StagedObject[] = tiles.map((t) => ({
    key: tilePath(t.tile),
    kind: "bytes",
    body: t.data,
    partial: t.tile.width < TILE_WIDTH,
  }));
  // Bundles go in as bytes when they fit one SQLite row, so their leaves need no rows of their own;
  // only the partial tail's leaves are stored, for the bundles of later rounds.
  const tailStart = Math.floor(newSize / TILE_WIDTH) * TILE_WIDTH;
  const storedLeaves = leaves.filter((l) => l.index >= tailStart);
  for (const b of entryBundlesForSize(newSize, oldSize)) {
    const start = b.index * TILE_WIDTH;
    const earlier = start < oldSize ? deps.db.leaves(start, oldSize - start) : [];
    const mine = leaves.slice(Math.max(start, oldSize) - oldSize, start + b.width - oldSize);
    const bundle = await bundleObject(deps, b.index, [...earlier, ...mine]);
    const partial = b.width < TILE_WIDTH;
    if (bundle.data.length <= MAX_STAGED_BYTES) {
      staged.push({ key: tilePath(b), kind: "bytes", body: bundle.data, metadata: bundle.metadata, partial });
    } else {
      staged.push({ key: tilePath(b), kind: "bundle", start, count: b.width, partial });
      if (!partial) storedLeaves.push(...mine);
    }
  }
  const checkpoint = await signCheckpoint(deps, newSize, edgeRoot(edge));
  const rows: RoundRows = {
    storedLeaves,
    dedup: leaves,
    outbox: {
      firstIndex: oldSize,
      leafHashes: concatHashes(leaves.map((l) => l.leafHash)),
      indexKeys: pending.map((p) => p.indexKeys),
    },
  };

  await deps.onStep?.("built");

  // 3. Commit. From here the new tree is durable and the log will never sign another root for newSize.
  deps.db.commitRound(state.checkpoint, checkpoint, edge, rows, staged);
  const next: LogState = { checkpoint, edge };
  await deps.onStep?.("committed");

  // 4. Upload staged objects, then publish the checkpoint. A failure throws: no waiter is answered.
  //    Null: the witnesses' quorum did not cosign it; the round is durable but not published.
  const published = await publishStaged(deps, next);
  if (published === null) return { state: next, inclusionProofs: [], integratedTime: time, published };
  await deps.onStep?.("published");

  // 5. Proofs against this checkpoint, all in one pass over the round's leaves (they are the tree's
  //    last ones); the few older hashes it needs are in the tiles this round built plus the right edge.
  const byPath = new Map<string, Uint8Array>();
  for (const t of [...tiles, ...edgeTiles(edge)]) byPath.set(tilePath(t.tile), t.data);
  const reader = tileHashReader(newSize, async (wanted) =>
    wanted.map((t) => {
      const data = byPath.get(tilePath(t));
      assert(data !== undefined, `round has tile ${tilePath(t)}`);
      return data;
    }),
  );
  const inclusionProofs = await proveTailInclusion(
    oldSize,
    pending.map((p) => p.leafHash),
    reader,
  );
  return { state: next, inclusionProofs, integratedTime: time, published };
}
