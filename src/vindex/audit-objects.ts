/**
 * The audit's check of the published objects: every map tile, value chunk and value tile of the map
 * rebuilt from the log is fetched and compared byte for byte. A signed map root that matches the log
 * says the Indexer built the right map; this says the objects readers prove from are that map's (a
 * damaged object would make some complete search fail, and names which).
 * @module
 */
import type { PathFetcher } from "../client/tile-reader.ts";
import { bytesEqual, toHex } from "../tlog/encoding.ts";
import { allMapTiles, encodeMapTile, mapTilePath } from "./map-tiles.ts";
import type { MapStore } from "./store.ts";
import { valueObjects } from "./value-tiles.ts";

/** Objects fetched at once. */
const CONCURRENCY = 16;

function* expectedObjects(store: MapStore): Generator<{ path: string; body: Uint8Array }> {
  for (const tile of allMapTiles(store)) {
    yield { path: mapTilePath(tile.stratum, tile.root), body: encodeMapTile(tile.terminals) };
    for (const t of tile.terminals) if (t.kind === "leaf") yield* valueObjects(store, toHex(t.path), 0, t.count);
  }
}

/** How many objects were compared, and the first that is missing or differs (if any). */
export async function checkPublishedObjects(
  fetch: PathFetcher,
  store: MapStore,
): Promise<{ checked: number; bad?: { path: string; reason: string } }> {
  let checked = 0;
  let batch: { path: string; body: Uint8Array }[] = [];
  const flush = async () => {
    const got = await Promise.all(batch.map((o) => fetch(o.path)));
    for (let i = 0; i < batch.length; i++) {
      const { path, body } = batch[i]!;
      if (!got[i]) return { path, reason: `the published object ${path} is missing` };
      if (!bytesEqual(got[i]!, body))
        return { path, reason: `the published object ${path} is not the one the map rebuilt from the log has` };
      checked++;
    }
    batch = [];
    return undefined;
  };
  for (const o of expectedObjects(store)) {
    batch.push(o);
    if (batch.length < CONCURRENCY) continue;
    const bad = await flush();
    if (bad) return { checked, bad };
  }
  const bad = await flush();
  return bad ? { checked, bad } : { checked };
}
