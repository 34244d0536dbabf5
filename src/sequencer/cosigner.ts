/**
 * The sequencer's side of witnessing: asks the configured witnesses to cosign a checkpoint, keeps what
 * they answered (src/sequencer/witness-state.ts), and decides the note to publish under the quorum.
 *
 * The consistency proofs come from the log's own tree: partial tiles from the right edge in memory,
 * full tiles (write-once, uploaded before any witness is asked) from the object store, a few cached.
 * @module
 */
import type { ObjectStore } from "../storage/object-store.ts";
import { tileHashReader, type HashReader } from "../tlog/proof.ts";
import { TILE_WIDTH, tilePath } from "../tlog/tile.ts";
import { edgeTiles, type RightEdge } from "../tlog/tree.ts";
import type { WitnessPolicy } from "../witness/log-witnesses.ts";
import { requestCosignatures, withCosignatures, type WitnessCall } from "./cosign.ts";
import type { WitnessState } from "./witness-state.ts";

/** Full tiles kept in memory for proofs (each ≤ 8 KiB; witnesses are usually one round behind). */
const FULL_TILE_CACHE = 64;

export interface CosignState {
  checkpoint: { size: number; note: string };
  edge: RightEdge;
}

export class Cosigner {
  private readonly fullTiles = new Map<string, Uint8Array>();

  constructor(
    readonly policy: WitnessPolicy,
    private readonly known: WitnessState,
    private readonly call: WitnessCall,
    private readonly objects: ObjectStore,
  ) {}

  get enabled(): boolean {
    return this.policy.witnesses.length > 0;
  }

  /** Stored verified cosignature lines on the checkpoint of `size`, in configuration order. */
  stored(size: number): string[] {
    return this.known.cosignatures(size, this.policy.witnesses.map((w) => w.vkey));
  }

  /** The log's note with every stored cosignature on it. */
  noteWithStored(state: CosignState): string {
    return withCosignatures(state.checkpoint.note, this.stored(state.checkpoint.size));
  }

  /**
   * Asks every witness to cosign the state's checkpoint (in parallel, each bounded by the timeout) and
   * returns the cosignature lines now held for it (fresh ones, and earlier ones by witnesses that did
   * not answer this time). Failures are logged, never thrown: a witness cannot break the log.
   */
  async collect(state: CosignState): Promise<string[]> {
    const { size, note } = state.checkpoint;
    const outcomes = await requestCosignatures(this.policy.witnesses, note, this.reader(state), this.known, this.call);
    for (const o of outcomes) {
      if ("line" in o) this.known.setCosignature(o.witness.vkey, size, o.line);
      else console.warn(`witness ${o.witness.name}: no cosignature on size ${size}: ${o.error}`);
    }
    return this.stored(size);
  }

  /**
   * The note to publish for a round (PublishStores.cosign). Quorum 0: the log's note with whatever is
   * already held for this size, at once (collection happens after publishing). Quorum k: ask now;
   * the note with its cosignatures if at least k verified, else null (do not publish).
   */
  async forPublication(state: CosignState): Promise<string | null> {
    if (this.policy.quorum === 0) return this.noteWithStored(state);
    const lines = await this.collect(state);
    if (lines.length < this.policy.quorum) {
      console.warn(`checkpoint of size ${state.checkpoint.size} has ${lines.length} of the ${this.policy.quorum} cosignatures required: not published`);
      return null;
    }
    return withCosignatures(state.checkpoint.note, lines);
  }

  /** Hashes of the tree of the state's size: the edge's partial tiles, full tiles from the store. */
  private reader(state: CosignState): HashReader {
    const partial = new Map(edgeTiles(state.edge).map((t) => [tilePath(t.tile), t.data]));
    return tileHashReader(state.checkpoint.size, (tiles) =>
      Promise.all(
        tiles.map(async (t) => {
          const path = tilePath(t);
          const hit = partial.get(path) ?? this.fullTiles.get(path);
          if (hit) return hit;
          if (t.width < TILE_WIDTH) throw new Error(`partial tile ${path} is not on the right edge`);
          const data = await this.objects.get(path);
          if (data === null) throw new Error(`full tile ${path} is not in the object store`);
          if (this.fullTiles.size >= FULL_TILE_CACHE) this.fullTiles.delete(this.fullTiles.keys().next().value!);
          this.fullTiles.set(path, data);
          return data;
        }),
      ),
    );
  }
}

