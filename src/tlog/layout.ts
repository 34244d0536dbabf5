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
/** Hash tiles and entry bundles: write-once binary objects. */
export const TILE_CONTENT_TYPE = "application/octet-stream";
/** Rekor v2 (rekor-tiles) serves the same paths under this prefix too. */
export const REKOR_V2_READ_PREFIX = "/api/v2";

/** The path of entry bundle `n` of a tree of `size` entries (a partial one at the right edge). */
export function bundlePath(n: number, size: number): string {
  return tilePath({ level: ENTRIES_LEVEL, index: n, width: tileWidth(ENTRIES_LEVEL, n, size) });
}
