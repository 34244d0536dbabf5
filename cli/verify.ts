/**
 * `edgelog verify`: offline verification of what a log handed out (a Rekor v1 LogEntry from `get` or
 * `upload --api v1`, a Rekor v2 TransparencyLogEntry from `upload --api v2`, or a Sigstore bundle's
 * tlog entry) with the shared src/client/verify-entry.ts: every claim it makes is checked against the
 * log's keys (--log-key, --v1-key), the witness keys (--witness-key, --witness-quorum) and the artifact
 * (--artifact). `--online` also proves inclusion in the log's current tree from its tiles and, given witness
 * keys, asks the log for the earliest cosigned checkpoint covering the entry (time from witnesses).
 * @module
 */
import { createHash } from "node:crypto";
import { TileReader } from "../src/client/tile-reader.ts";
import type { ClaimCheck } from "../src/client/claims.ts";
import { v1LogKey, type LogKey, type V1LogKey } from "../src/client/verify-checkpoint.ts";
import { verifyWitnessedCheckpoint, witnessedCheckpointApiPath } from "../src/client/witnessed-checkpoint.ts";
import { describeWitnessedTime } from "../src/client/witnessed-time.ts";
import { utf8Decode } from "../src/tlog/encoding.ts";
import { NotAnEntryError, parseLogEntry, verifyLogEntry, type LogEntryClaims } from "../src/client/verify-entry.ts";
import type { CosignatureVerifier } from "../src/tlog/cosignature.ts";
import type { Quorum } from "../src/witnessing/policy.ts";
import { CliError, inlineOrFile, pathFetcher, usage, verifyFailure } from "./common.ts";

/** Reads an entry file's text: a usage error when it is not an entry, a verification failure when it is a damaged one. */
export function readEntry(text: string, file: string): LogEntryClaims {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw usage(`${file}: not JSON: ${(e as Error).message}`);
  }
  try {
    return parseLogEntry(json);
  } catch (e) {
    if (e instanceof NotAnEntryError) throw usage(`${file}: ${e.message}`);
    throw verifyFailure(`${file}: ${(e as Error).message}`);
  }
}

/** The log's Rekor v1 public key (--v1-key: PEM, inline or a file). */
export function v1KeyOption(given: string | undefined): V1LogKey | null {
  if (!given) return null;
  try {
    return v1LogKey(inlineOrFile(given));
  } catch (e) {
    throw usage(`--v1-key: not an ECDSA PEM public key: ${(e as Error).message}`);
  }
}

/** The artifact's SHA-256/384/512 digests, as `sha256:<hex>`: hashedrekord logs whichever its signer chose. */
export function artifactDigests(data: Uint8Array): string[] {
  return ["sha256", "sha384", "sha512"].map((h) => `${h}:${createHash(h).update(data).digest("hex")}`);
}

export interface VerifyFileOptions {
  logKeys: readonly LogKey[];
  v1Key: V1LogKey | null;
  witnesses: readonly CosignatureVerifier[];
  witnessQuorum: number | Quorum;
  artifact?: Uint8Array;
  /** Also prove inclusion in the current tree of the log at this URL or directory. */
  online?: string;
}

/** A claim check, or the CLI's own online one. */
export type Check = Omit<ClaimCheck, "name"> & { name: string };

/** Every check of the entry; `ok` when all hold. */
export async function verifyEntryFile(
  entry: LogEntryClaims,
  o: VerifyFileOptions,
): Promise<{ checks: Check[]; ok: boolean }> {
  const { checks } = verifyLogEntry(entry, {
    logKeys: o.logKeys,
    v1Keys: o.v1Key ? [o.v1Key] : [],
    witnesses: o.witnesses,
    witnessQuorum: o.witnessQuorum,
    artifactDigests: o.artifact ? artifactDigests(o.artifact) : undefined,
    v1KeyHint: "give the log's v1 public key with --v1-key",
  });
  const all: Check[] = [...checks];
  if (o.online !== undefined) {
    const name = "inclusion in the log's current tree";
    const reader = new TileReader(pathFetcher(o.online), o.logKeys);
    try {
      if (!entry.proof) throw new Error("the entry has no proof index to prove");
      const current = await reader.checkpoint();
      await reader.verifyInclusion(entry.body, entry.proof.logIndex, current);
      all.push({
        name,
        ok: true,
        checked: true,
        detail: `proof from the log's tiles against its checkpoint of size ${current.size}`,
      });
    } catch (e) {
      if (e instanceof CliError) throw e;
      all.push({ name, ok: false, checked: true, detail: (e as Error).message });
    }
    if (o.witnesses.length > 0 && /^https?:\/\//.test(o.online)) all.push(await earliestWitnessed(entry, o));
  }
  return { checks: all, ok: all.every((c) => c.ok) };
}

/** The bound from the earliest cosigned checkpoint the log keeps for the entry, checked with the given keys. */
async function earliestWitnessed(entry: LogEntryClaims, o: VerifyFileOptions): Promise<Check> {
  const name = "time from witnesses (earliest cosigned checkpoint)";
  try {
    if (!entry.proof) throw new Error("the entry has no proof index");
    const index = entry.proof.logIndex;
    const body = await pathFetcher(o.online!)(witnessedCheckpointApiPath(index));
    if (body === null)
      return { name, ok: true, checked: false, detail: "the log keeps no cosigned checkpoint covering the entry yet" };
    const w = verifyWitnessedCheckpoint(JSON.parse(utf8Decode(body)), entry.body, index, o.logKeys, o.witnesses);
    if (w === null) return { name, ok: true, checked: false, detail: "no cosignature on it states a time" };
    return { name, ok: true, checked: true, detail: describeWitnessedTime(w) };
  } catch (e) {
    if (e instanceof CliError) throw e;
    return { name, ok: false, checked: true, detail: (e as Error).message };
  }
}
