/**
 * The log's witnessed checkpoint between rounds: the alarm's republication and, with quorum 0, the collection
 * of cosignatures after publishing (docs/DESIGN.md "Witnessed checkpoints").
 *
 * - Without witnesses the republication is the same note again.
 * - Quorum 0: a round publishes at once; cosignatures are collected in the background, one collection at a
 *   time, and the same checkpoint is republished with them if it is still the current one.
 * - Quorum k > 0: a round is published only once k witnesses cosigned it; one that missed its quorum is
 *   asked again (by the alarm, brought forward), and published once k cosigned.
 * @module
 */
import type { Cosigner } from "./cosigner.ts";
import type { AddResult } from "../sequencer/protocol.ts";
import type { LogState } from "../sequencer/round.ts";

/** After a checkpoint missed its witness quorum, ask the witnesses again this soon (ms). */
export const WITNESS_RETRY_MS = 5_000;

/** The answer to a leaf that is integrated while its checkpoint awaits the witnesses' quorum. */
export function awaitingWitnesses(): AddResult {
  return {
    kind: "unavailable",
    retryAfterSeconds: Math.max(1, Math.ceil(WITNESS_RETRY_MS / 1000)),
    reason:
      "the entry is integrated, but the log's checkpoint awaits its witnesses' cosignatures; retry to get its index",
  };
}

/** What the collection needs of the sequencer that hosts it. */
export interface WitnessedLog {
  /** The log's current state (undefined while it must reload). */
  current(): LogState | undefined;
  /** Whether `state` is still the newest checkpoint answered, with no leaf pooled behind it. */
  idleAt(state: LogState): boolean;
  /** Runs `f` as the only writer of the checkpoint (like a round); skipped if a round is running. */
  exclusive(f: () => Promise<void>): Promise<void>;
  /** Publishes `note`, the checkpoint of `size` (maybe with cosignatures). */
  publish(size: number, note: string): Promise<void>;
  /** Brings the alarm forward so the witnesses are asked again within WITNESS_RETRY_MS. */
  retrySoon(): Promise<void>;
  /** Keeps background work alive (the Durable Object's waitUntil). */
  waitUntil(work: Promise<unknown>): void;
  /** TICK_MS, read at each use. */
  tickMs(): number;
}

export class WitnessCollection {
  readonly cosigner: Cosigner;
  private readonly log: WitnessedLog;
  /** The collection running (quorum 0); `again`: the checkpoint moved meanwhile. */
  private collecting: { again: boolean } | undefined;

  constructor(cosigner: Cosigner, log: WitnessedLog) {
    this.cosigner = cosigner;
    this.log = log;
  }

  /**
   * After a publication (quorum 0): asks the witnesses to cosign the current checkpoint and republishes it
   * with their cosignatures if it is still current. One collection at a time; if the checkpoint moved
   * meanwhile, the next collection takes the newest (its proof starts where the witnesses are).
   */
  collectInBackground(): void {
    const cosigner = this.cosigner;
    if (!cosigner.enabled || cosigner.policy.quorum > 0) return;
    if (this.collecting) {
      this.collecting.again = true;
      return;
    }
    const run: { again: boolean } = (this.collecting = { again: true });
    this.log.waitUntil(
      (async () => {
        for (let state = this.log.current(); run.again && state; state = this.log.current()) {
          run.again = false;
          const lines = await cosigner.collect(state);
          if (lines.length === 0) continue;
          // Republish only a checkpoint that stays current: under steady traffic the next round replaces
          // it anyway (the publisher keeps the writes within R2's one per second per key).
          await new Promise((r) => setTimeout(r, this.log.tickMs()));
          const collected = state;
          await this.log.exclusive(async () => {
            if (this.log.idleAt(collected))
              await this.log.publish(collected.checkpoint.size, cosigner.noteWithStored(collected));
          });
        }
      })()
        .catch((e) => console.warn("witness collection:", e))
        .finally(() => (this.collecting = undefined)),
    );
  }

  /**
   * The alarm's (re)publication of the current checkpoint. Without witnesses: the same note again.
   * Quorum 0: with the cosignatures held, then fresh ones in the background. Quorum k: ask the
   * witnesses (fresh timestamps, or the first cosignatures on a checkpoint that missed its quorum) and
   * publish if k cosigned; else the published checkpoint stays as it is.
   */
  async republish(state: LogState): Promise<void> {
    const cosigner = this.cosigner;
    const current = () => this.log.current() === state;
    if (!cosigner.enabled) {
      return this.log.exclusive(async () => {
        if (current()) await this.log.publish(state.checkpoint.size, state.checkpoint.note);
      });
    }
    if (cosigner.policy.quorum === 0) {
      await this.log.exclusive(async () => {
        if (current()) await this.log.publish(state.checkpoint.size, cosigner.noteWithStored(state));
      });
      return this.collectInBackground();
    }
    await this.log.exclusive(async () => {
      if (!current()) return;
      const note = await cosigner.forPublication(state);
      if (note === null) return this.log.retrySoon();
      await this.log.publish(state.checkpoint.size, note);
    });
  }
}
