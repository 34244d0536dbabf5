/**
 * Where a log's objects live and how they are served (C2SP tlog-tiles): the checkpoint, hash tiles and
 * entry bundles, their paths relative to the log's root and their content types. The sequencer writes
 * by these names, the edge serves and reads them back by the same ones.
 * @module
 */
import { ENTRIES_LEVEL, tilePath, tileWidth } from "./tile.ts";

/** The signed checkpoint (a note), rewritten as the tree grows. */
export const CHECKPOINT_PATH = "checkpoint";
export const CHECKPOINT_CONTENT_TYPE = "text/plain; charset=utf-8";
/**
 * The first checkpoint of each size that carried witness cosignatures, kept write-once: keys sort by size
 * (zero-padded to 20 digits, wider than any safe integer), so the earliest cosigned checkpoint covering an
 * entry is the first key after its index. Not a tlog-tiles path; the edge serves them checked, never raw.
 */
export const WITNESSED_CHECKPOINTS_PREFIX = "checkpoints/";

export function witnessedCheckpointPath(size: number): string {
  return `${WITNESSED_CHECKPOINTS_PREFIX}${String(size).padStart(20, "0")}`;
}

/** The size a witnessed checkpoint's path names, or null if it is not one. */
export function witnessedCheckpointSize(path: string): number | null {
  const m = /^checkpoints\/([0-9]{20})$/.exec(path);
  return m ? Number(m[1]) : null;
}

/** Hash tiles and entry bundles: write-once binary objects. */
export const TILE_CONTENT_TYPE = "application/octet-stream";
/** Rekor v2 (rekor-tiles) serves the same paths under this prefix too. */
export const REKOR_V2_READ_PREFIX = "/api/v2";

/** The path of entry bundle `n` of a tree of `size` entries (a partial one at the right edge). */
export function bundlePath(n: number, size: number): string {
  return tilePath({ level: ENTRIES_LEVEL, index: n, width: tileWidth(ENTRIES_LEVEL, n, size) });
}
