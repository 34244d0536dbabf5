/**
 * Uploading staged objects and publishing the checkpoint. The normal round and restart recovery
 * share this code, so the recovery path runs every round (Sunlight applyStagedUploads). The
 * checkpoint itself goes through a CheckpointPublisher (checkpoint-publisher.ts), which keeps its
 * writes within the object store's limit on one key.
 * @module
 */
import { encodeBundle } from "../tlog/bundle.ts";
import type { HotStore, ObjectStore } from "../storage/object-store.ts";
import type { RightEdge } from "../tlog/tree.ts";
import type { LogDatabase, StagedObject } from "./database.ts";
import type { NoteSigner } from "../tlog/note.ts";
import type { CheckpointPublisher } from "./checkpoint-publisher.ts";
import { TILE_WIDTH } from "../tlog/tile.ts";
import { TILE_CONTENT_TYPE } from "../tlog/layout.ts";
import { signedIntegratedTimes } from "../log/integrated-times.ts";

export interface PublishStores {
  db: LogDatabase;
  objects: ObjectStore;
  hot: HotStore;
  /** The log's origin and key: entry bundles carry their integrated times signed with it. */
  origin: string;
  signer: Pick<NoteSigner, "sign" | "signAsync">;
  /** Write counters for the benchmark's "R2 and KV writes per 1,000 entries". */
  stats?: WriteStats;
  /** Writes the public checkpoint (at most once per gap, always the newest); see checkpoint-publisher.ts. */
  checkpoints: Pick<CheckpointPublisher, "publish" | "settled">;
  /**
   * Test-only pause points between the steps of a round (test/faults blocks here, then restarts the
   * Durable Object). Absent, or answering undefined, in production.
   */
  onStep?: (step: RoundStep) => Promise<void> | undefined;
  /**
   * Witness cosignatures (built in src/sequencer/parts.ts): given the log's state once its tiles are
   * uploaded, the checkpoint note to publish (the log's signed note, cosignature lines appended), or
   * null if the configured quorum of witnesses did not cosign it: then it is not published (yet).
   * Absent: publish the log's note as it is.
   */
  cosign?: (state: { checkpoint: { size: number; note: string }; edge: RightEdge }) => Promise<string | null>;
}

/**
 * The points between the steps of a round: after build (signed, not committed), after commit, before
 * each staged object's upload, after the uploads (checkpoint not yet published), after publication.
 */
export type RoundStep = "built" | "committed" | "uploading" | "uploaded" | "published";

export interface WriteStats {
  rounds: number;
  entries: number;
  objectPuts: number;
  hotPuts: number;
  /** RPC calls that brought leaves (add, addBatch): the benchmark's "sequencer calls per 1,000 entries". */
  calls: number;
  /** Rows the index outbox's inserts read and wrote in D1, by D1's own count (the benchmark's cost). */
  indexRowsRead: number;
  indexRowsWritten: number;
}

export const newWriteStats = (): WriteStats => ({
  rounds: 0,
  entries: 0,
  objectPuts: 0,
  hotPuts: 0,
  calls: 0,
  indexRowsRead: 0,
  indexRowsWritten: 0,
});

async function object(
  stores: PublishStores,
  s: StagedObject,
): Promise<{ data: Uint8Array; metadata?: Record<string, string> }> {
  if (s.kind === "bytes") return { data: s.body, metadata: s.metadata };
  return bundleObject(stores, s.start / TILE_WIDTH, stores.db.leaves(s.start, s.count));
}

/**
 * Entry bundle `index` with its integrated times, signed by the log (R2 custom metadata, see
 * integrated-times.ts).
 */
export async function bundleObject(
  stores: Pick<PublishStores, "origin" | "signer">,
  index: number,
  leaves: readonly { data: Uint8Array; time: number }[],
): Promise<{ data: Uint8Array; metadata: Record<string, string> }> {
  const position = { origin: stores.origin, index, width: leaves.length };
  return {
    data: encodeBundle(leaves.map((l) => l.data)),
    metadata: await signedIntegratedTimes(
      leaves.map((l) => l.time),
      position,
      stores.signer,
    ),
  };
}

/**
 * Uploads every staged object (in parallel), then hands the checkpoint (with the witnesses'
 * cosignatures, if configured) to the publisher. Throws if any tile or bundle upload fails: nothing
 * may be acknowledged for a tree that readers cannot fetch. KV copies of partial tiles are best
 * effort (readers fall back to R2). The checkpoint write itself fails no round: the note is signed
 * and durable, and the publisher writes it (or a newer one) within a gap, retrying on failure.
 * Returns the note the round answers with, or null if the witness quorum was not reached (the tiles
 * are uploaded; the checkpoint waits for a later attempt).
 */
export async function publishStaged(
  stores: PublishStores,
  state: { checkpoint: { size: number; note: string }; edge: RightEdge },
): Promise<string | null> {
  const { db, objects, hot, stats } = stores;
  const { checkpoint } = state;
  const staged = db.staged();
  await Promise.all(
    staged.map(async (s) => {
      await stores.onStep?.("uploading");
      const { data, metadata } = await object(stores, s);
      await objects.put(s.key, data, { immutable: true, contentType: TILE_CONTENT_TYPE, metadata });
      if (stats) stats.objectPuts++;
      if (s.partial) {
        await hot.put(s.key, data).catch((e) => console.warn(`kv copy of ${s.key} failed: ${e}`));
        if (stats) stats.hotPuts++;
      }
    }),
  );
  db.markUploaded(checkpoint.size);
  await stores.onStep?.("uploaded");
  const note = stores.cosign ? await stores.cosign(state) : checkpoint.note;
  if (note === null) return null;
  await stores.checkpoints.publish({ size: checkpoint.size, note });
  return note;
}
