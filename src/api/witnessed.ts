/**
 * Time from witnesses: `GET /api/v2/log/entries/<index>/witnessed` answers the earliest cosigned checkpoint
 * that covers entry <index> of the shard, with its verified cosignature times and an inclusion proof of the
 * entry to it, so a verifier can bound when the entry was logged (no later than the earliest time) without
 * a TSA. Rekor v2 entries carry no integrated time; sigstore-go's maintainers propose witness timestamps in
 * its place (peers: sigstore-go #496). A separate resource, so Rekor's own bodies stay as Rekor shapes them.
 * @module
 */
import { Hono } from "hono";
import { earliestWitnessedCheckpoint } from "../log/witnessed-checkpoints.ts";
import { toBase64 } from "../tlog/encoding.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./route-log.ts";

/** Mounted under /api/v2. */
export const witnessed = new Hono<ApiEnv>();

const INDEX = /^(0|[1-9][0-9]{0,15})$/;

witnessed.get("/log/entries/:index/witnessed", async (c) => {
  const log = c.var.log;
  const param = c.req.param("index");
  const index = Number(param);
  if (!INDEX.test(param) || !Number.isSafeInteger(index))
    throw new ApiError(400, "the log index must be a non-negative decimal integer");
  const found = await earliestWitnessedCheckpoint(log.objects, log.checkpointKey(), log.config.witnesses, index);
  if (found === null) throw new ApiError(404, `no cosigned checkpoint covers entry ${index} yet`);
  const { checkpoint, cosignatures } = found;
  const entry = await log.reader().entry(index, checkpoint);
  return c.json(
    {
      logIndex: index,
      leafHash: toBase64(entry.leafHash),
      treeSize: checkpoint.size,
      rootHash: toBase64(checkpoint.root),
      inclusionProof: entry.inclusionProof.map(toBase64),
      checkpoint: checkpoint.note,
      cosignatures,
      loggedNoLaterThan: cosignatures[0]!.time,
    },
    200,
    // The earliest covering checkpoint, once kept, never changes.
    { "Cache-Control": "public, max-age=3600" },
  );
});
