/**
 * The sequencer's side of witnessing: asks the configured witnesses to cosign a checkpoint, keeps what
 * they answered (src/witnessing/state.ts), and decides the note to publish under the quorum.
 *
 * The consistency proofs come from the log's own tree: partial tiles from the right edge in memory,
 * full tiles (write-once, uploaded before any witness is asked) from the object store, a few cached.
 * @module
 */
import type { ObjectStore } from "../storage/object-store.ts";
import { tileHashReader, type HashReader } from "../tlog/proof.ts";
import { TILE_WIDTH, tilePath } from "../tlog/tile.ts";
import { edgeTiles, type RightEdge } from "../tlog/tree.ts";
import { describeQuorum, quorumMet, type WitnessPolicy } from "./policy.ts";
import {
  requestCosignature,
  withCosignatures,
  type CosignOutcome,
  type WitnessCall,
  type WitnessSizes,
} from "./cosign.ts";

/** What the cosigner keeps per witness (src/witnessing/state.ts in the Durable Object). */
export interface CosignStore extends WitnessSizes {
  setCosignature(vkey: string, size: number, line: string): void;
  cosignatures(size: number, vkeys: readonly string[]): string[];
}

/** Full tiles kept in memory for proofs (each ≤ 8 KiB; witnesses are usually one round behind). */
const FULL_TILE_CACHE = 64;

export interface CosignState {
  checkpoint: { size: number; note: string };
  edge: RightEdge;
}

export class Cosigner {
  private readonly fullTiles = new Map<string, Uint8Array>();
  /** Witnesses (by vkey) with a request still running. */
  private readonly inFlight = new Set<string>();

  constructor(
    readonly policy: WitnessPolicy,
    private readonly known: CosignStore,
    private readonly call: WitnessCall,
    private readonly objects: ObjectStore,
  ) {}

  get enabled(): boolean {
    return this.policy.witnesses.length > 0;
  }

  /** Stored verified cosignature lines on the checkpoint of `size`, in configuration order. */
  stored(size: number): string[] {
    return this.known.cosignatures(
      size,
      this.policy.witnesses.map((w) => w.vkey),
    );
  }

  /** Whether the cosignatures stored on the checkpoint of `size` meet the policy's quorum. */
  private quorumMet(size: number): boolean {
    return quorumMet(this.policy.rule, (w) => this.known.cosignatures(size, [w.vkey]).length > 0);
  }

  /** The log's note with every stored cosignature on it. */
  noteWithStored(state: CosignState): string {
    return withCosignatures(state.checkpoint.note, this.stored(state.checkpoint.size));
  }

  /**
   * Asks every witness to cosign the state's checkpoint (in parallel, each bounded by the timeout) and
   * returns the cosignature lines then held for it (fresh ones, and earlier ones by witnesses that did
   * not answer this time). It returns as soon as the held cosignatures meet the quorum (`untilQuorum`),
   * or every witness answered or failed; later answers are still recorded. A witness whose previous request is still
   * running is not asked again meanwhile. Failures are logged, never thrown: a witness cannot break the log.
   */
  collect(state: CosignState, untilQuorum = false): Promise<string[]> {
    const { size, note } = state.checkpoint;
    const reader = this.reader(state);
    const asked = this.policy.witnesses.filter((w) => !this.inFlight.has(w.vkey));
    return new Promise((resolve) => {
      let pending = asked.length;
      const settle = () => {
        if (pending === 0 || (untilQuorum && this.quorumMet(size))) resolve(this.stored(size)); // later calls are no-ops
      };
      settle();
      for (const w of asked) {
        this.inFlight.add(w.vkey);
        requestCosignature(w, note, reader, this.known, this.call)
          .catch((e: unknown): CosignOutcome => ({ witness: w, error: `${(e as Error).message ?? e}` }))
          .then((o) => {
            this.inFlight.delete(w.vkey);
            if ("line" in o) this.known.setCosignature(w.vkey, size, o.line);
            else console.warn(`witness ${w.name}: no cosignature on size ${size}: ${o.error}`);
            pending--;
            settle();
          });
      }
    });
  }

  /**
   * The note to publish for a round (PublishStores.cosign). Quorum none: the log's note with whatever is
   * already held for this size, at once (collection happens after publishing). Otherwise ask now; the
   * note with its cosignatures if they meet the quorum, else null (do not publish).
   */
  async forPublication(state: CosignState): Promise<string | null> {
    if (this.policy.rule.kind === "none") return this.noteWithStored(state);
    const lines = await this.collect(state, true);
    if (!this.quorumMet(state.checkpoint.size)) {
      console.warn(
        `checkpoint of size ${state.checkpoint.size} has ${lines.length} cosignatures, short of the quorum ${describeQuorum(this.policy.rule)}: not published`,
      );
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
