/**
 * What a shard's sequencer is built from at first use (from its configuration as it is then): the round's
 * dependencies over the stores a StoresFactory gives, the publication of its checkpoint, the index outbox
 * and the witnesses' collection.
 * @module
 */
import { signingKeys } from "../log/keys.ts";
import { newSigner } from "../tlog/note.ts";
import { WitnessCollection, type WitnessedLog } from "../witnessing/collection.ts";
import { Cosigner } from "../witnessing/cosigner.ts";
import type { LogDatabase } from "./database.ts";
import { IndexOutbox } from "./index-outbox.ts";
import { Publication } from "./publication.ts";
import type { WriteStats } from "./publish.ts";
import type { RoundDeps } from "./round.ts";
import type { StoreContext, StoresFactory } from "./stores.ts";
import { WitnessState } from "../witnessing/state.ts";

export interface SequencerParts {
  deps: RoundDeps;
  publication: Publication;
  outbox: IndexOutbox;
  witnessing: WitnessCollection;
}

export interface SequencerSetting extends StoreContext {
  stores: StoresFactory;
  db: LogDatabase;
  /** The Durable Object's storage (the witnesses' state lives there, next to the log's tables). */
  storage: DurableObjectStorage;
  stats: WriteStats;
}

/** The sequencer as the witnesses' collection sees it, and how many leaves wait in its pool. */
export interface SequencerHost extends Omit<WitnessedLog, "idleAt"> {
  pooled(): number;
}

export function sequencerParts(s: SequencerSetting, host: SequencerHost): SequencerParts {
  const { config, db, stats } = s;
  const signer = newSigner(signingKeys(s.env, s.shard).checkpoint); // LOG_SIGNING_KEY_<SHARD>, else LOG_SIGNING_KEY
  if (signer.name !== config.origin)
    throw new Error(`LOG_SIGNING_KEY is for ${signer.name}, but LOG_ORIGIN is ${config.origin}`);
  const { objects, hot, index, witnessCall, onStep } = s.stores(s);
  const outbox = new IndexOutbox(db, index, s.shard, () => publication.publishedSize, stats);
  const publication = new Publication(objects, db, stats, config.checkpointWriteGapMs, () => void outbox.drain());
  const cosigner = new Cosigner(config.witnesses, new WitnessState(s.storage), witnessCall, objects);
  const witnessing = new WitnessCollection(cosigner, {
    ...host,
    idleAt: (state) =>
      host.current() === state && publication.answeredSize === state.checkpoint.size && host.pooled() === 0,
  });
  const cosign: RoundDeps["cosign"] = cosigner.enabled ? (state) => cosigner.forPublication(state) : undefined;
  const deps = {
    db,
    objects,
    hot,
    checkpoints: publication.publisher,
    signer,
    origin: config.origin,
    stats,
    now: Date.now,
    onStep,
    cosign,
  };
  return { deps, publication, outbox, witnessing };
}
