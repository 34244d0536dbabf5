/**
 * The edge's one door to the sequencer: DO RPC `add`, with every non-success outcome turned into
 * an ApiError carrying its status. A fresh stub per call (Log.sequencer()).
 * @module
 */
import { FROZEN_MESSAGE, PENDING_MESSAGE } from "../config.ts";
import type { Log } from "../log/log.ts";
import { indexKeysOf } from "../search/index-keys.ts";
import type { AddResult, FindResult } from "../sequencer/protocol.ts";
import { ApiError } from "./errors.ts";

export type Appended = Extract<AddResult, { kind: "sequenced" } | { kind: "duplicate" }>;

/**
 * Appends a leaf. Its search keys are computed here, at the edge, and travel with it: the sequencer is
 * the log's one bottleneck, the edge scales out (docs/DESIGN.md "Search index").
 */
export async function appendLeaf(log: Log, leaf: Uint8Array): Promise<Appended> {
  const indexKeys = indexKeysOf(leaf);
  return settled(await rpc<AddResult>(async () => (await log.adder(leaf)).add(leaf, indexKeys)));
}

/** A DO RPC call; its failure (the DO unreachable or restarting) is a 503 to retry. */
async function rpc<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    console.error("sequencer RPC failed:", e);
    throw new ApiError(503, "the log is temporarily unavailable; retry", { "Retry-After": "2" });
  }
}

/** The index of a leaf the shard has logged already (waiting for a copy being sequenced), or null when it has not. */
export async function findLeaf(log: Log, leaf: Uint8Array): Promise<number | null> {
  const r = await rpc<FindResult>(() => log.sequencer().find(leaf));
  if (r.kind === "absent") return null;
  const found = settled(r);
  return found.kind === "duplicate" ? found.index : null;
}

function settled(r: AddResult): Appended {
  switch (r.kind) {
    case "sequenced":
    case "duplicate":
      return r;
    case "overloaded":
      throw new ApiError(503, "the log is overloaded; retry later", { "Retry-After": String(r.retryAfterSeconds) });
    case "unavailable":
      throw new ApiError(503, r.reason, { "Retry-After": String(r.retryAfterSeconds) });
    case "rejected":
      // A frozen or pending shard's sequencer refuses writes itself too (the edge checks first).
      if (r.reason === FROZEN_MESSAGE || r.reason === PENDING_MESSAGE) throw new ApiError(405, r.reason);
      throw new ApiError(r.reason.includes("exceeds") ? 413 : 400, r.reason);
  }
}
