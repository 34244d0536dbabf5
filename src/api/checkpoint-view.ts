/**
 * `GET /checkpoint` from the edge's verified view of its log (LogReader.checkpoint): the newest checkpoint
 * whose signature this isolate verified, read from R2 at most once per CHECKPOINT_MAX_AGE. Served from memory,
 * so the route costs about what a no-op does, and never serves a checkpoint the log's key did not sign or one
 * older than a checkpoint already served here (a rolled-back bucket).
 * @module
 */
import type { Log } from "../log/log.ts";
import { NoCheckpointError } from "../log/reader.ts";
import { CHECKPOINT_CONTENT_TYPE, CHECKPOINT_PATH } from "../tlog/layout.ts";
import { ApiError } from "./errors.ts";

export async function checkpointResponse(log: Log): Promise<Response> {
  const { checkpointMaxAgeSeconds } = log.config;
  let note: string;
  try {
    note = (await log.reader().checkpoint()).note;
  } catch (e) {
    // None published yet is a 404; one that does not verify stays the reader's 503.
    if (e instanceof NoCheckpointError && (await log.objects.get(CHECKPOINT_PATH)) === null)
      throw new ApiError(404, "the log has not published a checkpoint yet");
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
