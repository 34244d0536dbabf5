/**
 * The Worker's main module (wrangler.toml `main`): the HTTP app and the cron heartbeat of src/index.ts, and
 * the Durable Object classes its bindings name. It sits above both src/ and durable-objects/, so that
 * imports point down: the Durable Objects use src/, and src/ never imports them.
 * @module
 */
export * from "./src/index.ts";
export { default } from "./src/index.ts";
export { Batcher } from "./durable-objects/batcher.ts";
export { Indexer } from "./durable-objects/indexer.ts";
export { Mirror } from "./durable-objects/mirror.ts";
export { Sequencer } from "./durable-objects/sequencer.ts";
export { Witness } from "./durable-objects/witness.ts";
