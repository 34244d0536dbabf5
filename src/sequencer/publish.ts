/**
 * Uploading staged objects and publishing the checkpoint. The normal round and restart recovery
 * share this code, so the recovery path runs every round (Sunlight applyStagedUploads).
 * @module
 */
import { encodeBundle } from "../tlog/bundle.ts";
import { utf8Encode } from "../tlog/encoding.ts";
import type { HotStore, ObjectStore } from "../storage/object-store.ts";
import type { LogDatabase, StagedObject } from "./database.ts";
import type { NoteSigner } from "../tlog/note.ts";
import { TILE_WIDTH } from "../tlog/tile.ts";
import { signedIntegratedTimes } from "./integrated-times.ts";

export const CHECKPOINT_KEY = "checkpoint";
export const CHECKPOINT_CONTENT_TYPE = "text/plain; charset=utf-8";
export const TILE_CONTENT_TYPE = "application/octet-stream";

export interface PublishStores {
  db: LogDatabase;
  objects: ObjectStore;
  hot: HotStore;
  /** The log's origin and key: entry bundles carry their integrated times signed with it. */
  origin: string;
  signer: Pick<NoteSigner, "sign">;
  /** Write counters for the benchmark's "R2 and KV writes per 1,000 entries". */
  stats?: WriteStats;
  /**
   * Test-only pause points between the steps of a round (test/faults blocks here, then restarts the
   * Durable Object). Absent, or answering undefined, in production.
   */
  onStep?: (step: RoundStep) => Promise<void> | undefined;
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
}

export const newWriteStats = (): WriteStats => ({ rounds: 0, entries: 0, objectPuts: 0, hotPuts: 0 });

function object(stores: PublishStores, s: StagedObject): { data: Uint8Array; metadata?: Record<string, string> } {
  if (s.kind === "bytes") return { data: s.body, metadata: s.metadata };
  return bundleObject(stores, s.start / TILE_WIDTH, stores.db.leaves(s.start, s.count));
}

/**
 * Entry bundle `index` with its integrated times, signed by the log (R2 custom metadata, see
 * integrated-times.ts).
 */
export function bundleObject(
  stores: Pick<PublishStores, "origin" | "signer">,
  index: number,
  leaves: readonly { data: Uint8Array; time: number }[],
): { data: Uint8Array; metadata: Record<string, string> } {
  const position = { origin: stores.origin, index, width: leaves.length };
  return { data: encodeBundle(leaves.map((l) => l.data)), metadata: signedIntegratedTimes(leaves.map((l) => l.time), position, stores.signer) };
}

/**
 * Uploads every staged object (in parallel), then the checkpoint, then records the publication.
 * Throws if any object-store write fails: nothing may be acknowledged for a tree that readers
 * cannot fetch. KV copies of partial tiles are best effort (readers fall back to R2).
 */
export async function publishStaged(stores: PublishStores, checkpoint: { size: number; note: string }): Promise<void> {
  const { db, objects, hot, stats } = stores;
  const staged = db.staged();
  await Promise.all(
    staged.map(async (s) => {
      await stores.onStep?.("uploading");
      const { data, metadata } = object(stores, s);
      await objects.put(s.key, data, { immutable: true, contentType: TILE_CONTENT_TYPE, metadata });
      if (stats) stats.objectPuts++;
      if (s.partial) {
        await hot.put(s.key, data).catch((e) => console.warn(`kv copy of ${s.key} failed: ${e}`));
        if (stats) stats.hotPuts++;
      }
    }),
  );
  await stores.onStep?.("uploaded");
  await objects.put(CHECKPOINT_KEY, utf8Encode(checkpoint.note), { immutable: false, contentType: CHECKPOINT_CONTENT_TYPE });
  if (stats) stats.objectPuts++;
  db.markPublished(checkpoint.size);
}
