/**
 * Restart recovery (Sunlight LoadLog, Azul SequenceState::load): SQLite is the source of truth. Verify the
 * stored right edge and checkpoint against each other and the log's key, refuse storage that was rolled back
 * behind what the world has seen, re-upload anything staged and publish; only then may the sequencer accept
 * entries. A new log is created only if the object store has no checkpoint either: Durable Object storage
 * lost with R2 intact must stop the log, not fork it.
 * @module
 */
import { parseCheckpoint } from "../tlog/checkpoint.ts";
import { bytesEqual, utf8Decode } from "../tlog/encoding.ts";
import { newVerifier, openNote } from "../tlog/note.ts";
import { edgeIsWellFormed, edgeRoot } from "../tlog/tree.ts";
import type { CommittedCheckpoint } from "./database.ts";
import { CHECKPOINT_PATH as CHECKPOINT_KEY } from "../tlog/layout.ts";
import { publishStaged } from "./publish.ts";
import { createLog, type LogState, type RoundDeps } from "./round.ts";

export interface Recovered {
  state: LogState;
  /** The checkpoint note published on the way; null if it awaits its witnesses' quorum. */
  published: string | null;
  /** Nothing published now, on a log that existed: the size of the checkpoint stored as public before. */
  publishedBefore: number | null;
}

/** Loads the log from `deps.db` (creating it on first use), re-uploads what is staged and publishes. */
export async function recoverLog(deps: RoundDeps): Promise<Recovered> {
  const stored = deps.db.load();
  if (!stored) {
    if ((await deps.objects.get(CHECKPOINT_KEY)) !== null) {
      throw new Error(
        "refusing to create a log: the object store has a checkpoint but Durable Object storage has none",
      );
    }
    return { ...(await createLog(deps)), publishedBefore: null };
  }
  const { checkpoint, edge } = stored;
  const body = parseCheckpoint(openNote(checkpoint.note, [newVerifier(deps.signer.vkey)]).text);
  if (
    body.size !== checkpoint.size ||
    !bytesEqual(body.root, checkpoint.root) ||
    !edgeIsWellFormed(edge) ||
    !bytesEqual(edgeRoot(edge), checkpoint.root)
  ) {
    throw new Error("stored right edge does not match the stored checkpoint");
  }
  await refuseRolledBackStorage(deps, checkpoint);
  const state = { checkpoint, edge };
  const published = await publishStaged(deps, state); // idempotent: same bytes under write-once names
  deps.db.flush();
  return { state, published, publishedBefore: published === null ? stored.publishedSize : null };
}

/**
 * Durable Object storage restored to an older state (a point-in-time recovery, a bad migration)
 * while R2 holds a newer published checkpoint: sequencing from the old state would sign a second,
 * different tree for sizes the world has seen — a fork. A checkpoint in R2 signed by this log's key
 * that is ahead of SQLite, or of the same size with another root, stops the log instead. Anything
 * else there (unsigned, another key's) is not evidence and is overwritten by the next publication.
 */
async function refuseRolledBackStorage(deps: RoundDeps, stored: CommittedCheckpoint): Promise<void> {
  const bytes = await deps.objects.get(CHECKPOINT_KEY);
  if (bytes === null) return;
  let published;
  try {
    published = parseCheckpoint(openNote(utf8Decode(bytes), [newVerifier(deps.signer.vkey)]).text);
  } catch {
    console.warn("the object store's checkpoint is not signed by this log's key; it will be overwritten");
    return;
  }
  if (published.origin !== deps.origin) return;
  if (published.size > stored.size || (published.size === stored.size && !bytesEqual(published.root, stored.root))) {
    throw new Error(
      `refusing to sequence: the published checkpoint (size ${published.size}) is ahead of or differs from Durable Object storage (size ${stored.size}); ` +
        "storage was rolled back — restore it, or freeze this shard and start a new one",
    );
  }
}
