/**
 * `GET /checkpoint` from the edge's verified view of its log (LogReader.checkpoint): the newest checkpoint
 * whose signature this isolate verified, read from R2 at most once per CHECKPOINT_MAX_AGE. Served from memory,
 * so the route costs about what a no-op does, and never serves a checkpoint the log's key did not sign or one
 * older than a checkpoint already served here (a rolled-back bucket).
 * @module
 */
import { readConfig } from "../config.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_KEY } from "../sequencer/publish.ts";
import { r2ObjectStore, shardObjectStore } from "../storage/object-store.ts";
import { ApiError } from "./errors.ts";
import { LogReader } from "./log-reader.ts";
import { shardName } from "./sequencer-client.ts";

export async function checkpointResponse(env: Env): Promise<Response> {
  const { checkpointMaxAgeSeconds } = readConfig(env as unknown as Record<string, unknown>);
  let note: string;
  try {
    note = (await new LogReader(env).checkpoint()).note;
  } catch (e) {
    // None published yet is a 404; one that does not verify stays the reader's 503.
    if (e instanceof ApiError && (await shardObjectStore(r2ObjectStore(env.TILES), shardName(env)).get(CHECKPOINT_KEY)) === null) {
      throw new ApiError(404, "the log has not published a checkpoint yet");
    }
    throw e;
  }
  return new Response(note, {
    headers: {
      "Content-Type": CHECKPOINT_CONTENT_TYPE,
      // C2SP tlog-tiles: the checkpoint SHOULD NOT be cached beyond a few seconds.
      "Cache-Control": checkpointMaxAgeSeconds > 0 ? `public, max-age=${checkpointMaxAgeSeconds}` : "no-store",
    },
  });
}
