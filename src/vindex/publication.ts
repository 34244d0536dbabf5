/**
 * What the Indexer writes to R2 for the keys that changed since its last publication: their new value
 * objects (value-tiles.ts) and the map tiles on their paths (map-tiles.ts), every name write-once. The
 * map checkpoint goes last, once all of these are stored, so a reader who has the checkpoint finds every
 * object its proofs name.
 * @module
 */
import { fromHex } from "../tlog/encoding.ts";
import { encodeMapTile, mapTileAt, mapTilePath, STRATUM_HEIGHT } from "./map-tiles.ts";
import { nodeId } from "./map.ts";
import type { MapStore } from "./store.ts";
import { valueObjects } from "./value-tiles.ts";

export interface ChangedKey {
  /** The key's path, hex. */
  path: string;
  /** Its count when last published (0 for a new key). */
  publishedCount: number;
}

/**
 * The objects to write for `changed` keys at the store's current map, each named once. Map tiles named in
 * `written` (already stored for this map) are left out: a publication in several calls builds the
 * upper tiles, which most keys share, once.
 */
export function publicationObjects(
  store: MapStore,
  changed: readonly ChangedKey[],
  written: ReadonlySet<string> = new Set(),
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const { path: hex, publishedCount } of changed) {
    for (const o of valueObjects(store, hex, publishedCount, store.keyState(hex)!.count)) out.set(o.path, o.body);
    const path = fromHex(hex);
    for (let stratum = 0; stratum * STRATUM_HEIGHT < 256; stratum++) {
      const top = store.node(nodeId(path, stratum * STRATUM_HEIGHT));
      // A leaf at a stratum's top is a terminal of the tile above (but the whole map's, when it has one key).
      if (!top || (top.leaf && stratum > 0)) break;
      const name = mapTilePath(stratum, top.hash);
      if (!out.has(name) && !written.has(name))
        out.set(name, encodeMapTile(mapTileAt(store, path, stratum)!.terminals));
      if (top.leaf) break;
    }
  }
  return out;
}
