// The Worker the workerd tests run (vitest.config.ts `main`): index.ts, whose Sequencer builds its stores
// through a fault switch. A test reaches a live instance's switch with runInDurableObject and fails, holds or
// records any R2, KV, D1 or witness call, or pauses a round between its steps (test/faults).
import { Sequencer as DeployedSequencer } from "../../durable-objects/sequencer.ts";
import type { SequencerParts } from "../../src/sequencer/parts.ts";
import { faultyStores, FaultSwitch } from "../../src/storage/faults.ts";
import { platformStores, sequencerStores } from "../../src/sequencer/stores.ts";

export * from "../../index.ts";
export { default } from "../../index.ts";

export class Sequencer extends DeployedSequencer {
  /** Tests install fault hooks here through runInDurableObject. */
  readonly faults: FaultSwitch;

  constructor(ctx: DurableObjectState, env: Env) {
    const faults = new FaultSwitch();
    super(ctx, env, (c) => sequencerStores(c, faultyStores(platformStores(c), faults)));
    this.faults = faults;
  }

  /** The live instance's publication, index outbox and round dependencies (built at first use). */
  override parts(): SequencerParts {
    return super.parts();
  }
}
