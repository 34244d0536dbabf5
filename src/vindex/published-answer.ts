/**
 * A completeness answer assembled from the index's published objects in R2, as any reader of the bucket
 * can: the map checkpoint, the map tiles down the key's path and the value objects of the page. The
 * edge answers complete searches this way and never calls the Indexer. Nothing here is trusted: the
 * client verifies the answer against the checkpoint's signature, so a damaged object makes it fail.
 * @module
 */
import type { PathFetcher } from "../client/tile-reader.ts";
import { bytesEqual, toHex, utf8Decode } from "../tlog/encoding.ts";
import { parseNote } from "../tlog/note.ts";
import { completenessJson, pageChunks, type CompletenessJson } from "./answer.ts";
import { MAP_CHECKPOINT_KEY, parseMapCheckpoint } from "./checkpoint.ts";
import { keyPath } from "./hash.ts";
import { proveFromTiles } from "./map-tiles.ts";
import { proveChunksFromObjects } from "./value-tiles.ts";

/**
 * The answer for `key` at list positions [start, start + limit) under the published map checkpoint;
 * null before the first one. @throws MalformedError when an object it needs is missing or malformed
 */
export async function completenessFromObjects(
  fetch: PathFetcher,
  key: string,
  start: number,
  limit: number,
): Promise<CompletenessJson | null> {
  const body = await fetch(MAP_CHECKPOINT_KEY);
  if (!body) return null;
  const note = utf8Decode(body, "map checkpoint");
  const checkpoint = parseMapCheckpoint(parseNote(note).text);
  const proof = await proveFromTiles(fetch, checkpoint.mapRoot, key);
  const path = keyPath(key);
  const t = proof.terminal;
  const count = t.kind === "leaf" && bytesEqual(t.path, path) ? t.count : 0;
  const chunks =
    count === 0 ? [] : await proveChunksFromObjects(fetch, toHex(path), count, pageChunks(start, limit, count));
  return completenessJson(note, start, proof, chunks);
}
