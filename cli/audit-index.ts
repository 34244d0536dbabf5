/**
 * `edgelog audit-index`: replays the log from its tiles, rebuilds the verifiable index and checks the
 * log's published map checkpoint (and any saved ones given with --checkpoint) against it
 * (src/vindex/audit.ts). Resumable with --state: the rebuilt map is saved as it goes, so the next run
 * replays only new entries. Then every published object of the latest map checkpoint (map tiles, value
 * chunks and tiles) is compared with the rebuilt map (--no-objects skips it). Exit 1 at the first divergence.
 * @module
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { auditIndex, loadAuditState, saveAuditState, type AuditState } from "../src/vindex/audit.ts";
import { EXIT, inlineOrFile, logVerifiers, pathFetcher, usage } from "./common.ts";

export interface AuditIndexOptions {
  url: string;
  logKey?: string;
  state?: string;
  checkpoint?: string[];
  batch: string;
  progress?: boolean;
  objects?: boolean;
  json?: boolean;
}

/** Saves every this many replayed entries, so an interrupted audit resumes close to where it stopped. */
const SAVE_EVERY = 65_536;

function save(path: string, state: AuditState): void {
  writeFileSync(`${path}.tmp`, saveAuditState(state));
  renameSync(`${path}.tmp`, path);
}

export async function auditIndexCommand(
  opts: AuditIndexOptions,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const verifiers = logVerifiers(opts.logKey);
  const batch = Number(opts.batch);
  if (!Number.isSafeInteger(batch) || batch < 1) throw usage("--batch must be a positive integer");
  let state: AuditState | undefined;
  if (opts.state && existsSync(opts.state)) {
    try {
      state = loadAuditState(readFileSync(opts.state, "utf8"));
    } catch (e) {
      throw usage(`--state ${opts.state}: not an audit state: ${(e as Error).message}`);
    }
  }
  const showProgress = opts.progress ?? process.stderr.isTTY;
  let lastSaved = state?.store.size() ?? 0;
  const { report, state: after } = await auditIndex({
    fetch: pathFetcher(opts.url),
    verifiers,
    ...(state ? { state } : {}),
    checkpoints: (opts.checkpoint ?? []).map(inlineOrFile),
    batch,
    checkObjects: opts.objects !== false,
    onProgress: (replayed, target, s) => {
      if (showProgress) err(`replayed ${replayed}/${target} entries`);
      if (opts.state && replayed - lastSaved >= SAVE_EVERY) {
        save(opts.state, s);
        lastSaved = replayed;
      }
    },
  });
  if (opts.state) save(opts.state, after);
  if (opts.json) out(JSON.stringify(report));
  for (const size of report.skipped) err(`map checkpoint at size ${size}: before the saved state, not checked`);
  for (const size of report.matched) err(`map checkpoint at size ${size}: matches the map rebuilt from the log`);
  if (report.divergence) {
    err(`DIVERGENCE at log size ${report.divergence.size}: ${report.divergence.reason}`);
    return EXIT.VERIFY;
  }
  if (report.objectsChecked !== undefined)
    err(`published objects: ${report.objectsChecked} map tiles, value chunks and value tiles match the rebuilt map`);
  err(
    `index audited: ${report.matched.length} map checkpoint(s) match the log replayed to size ${report.replayedSize}`,
  );
  return EXIT.OK;
}
