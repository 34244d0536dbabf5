/**
 * Rekor v1 needs each entry's integratedTime on reads. edgelog keeps it with the entry bundle, as
 * R2 custom metadata `integrated-times` on the (write-once) bundle object: no extra object, no
 * extra write. All entries of a round share its time, so the list is run-length encoded:
 * "<offset>:<unix seconds>,..." where each run starts at bundle offset <offset>. A bundle has at most
 * 256 runs of at most 15 characters: well under R2's 8 KiB metadata limit.
 * The time is as trustworthy as the bundle it rides on, and every v1 answer carries a Signed Entry
 * Timestamp (the log's signature over body, integratedTime, logID, logIndex), which makes it checkable.
 * @module
 */
import { MalformedError } from "../tlog/errors.ts";

export const INTEGRATED_TIMES_METADATA = "integrated-times";

export function encodeIntegratedTimes(times: readonly number[]): string {
  const runs: string[] = [];
  times.forEach((t, i) => {
    if (i === 0 || t !== times[i - 1]) runs.push(`${i}:${t}`);
  });
  return runs.join(",");
}

/** The time of the entry at `offset` in the bundle. */
export function integratedTimeAt(encoded: string, offset: number): number {
  let time: number | undefined;
  for (const run of encoded.split(",")) {
    const m = /^(\d+):(\d+)$/.exec(run);
    if (!m) throw new MalformedError("malformed integrated-times metadata");
    if (Number(m[1]) > offset) break;
    time = Number(m[2]);
  }
  if (time === undefined) throw new MalformedError("no integrated time for this entry");
  return time;
}
