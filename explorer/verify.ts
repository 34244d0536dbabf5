/**
 * Verifying one entry in the browser with the log's own core (src/tlog, src/client):
 *   1. checkpoint: the shard's latest checkpoint, its signature by the chosen key and its origin that
 *      key's name (src/client/verify-checkpoint.ts);
 *   2. witnesses: the cosignatures on it, checked with the witness keys the user pinned (unknown ones
 *      are listed, not checked);
 *   3. entry: the entry's bytes as the log's entries bundle holds them, matching the leaf hash in the
 *      level-0 tile (and the bytes the API answered with, when there were any);
 *   4. inclusion: an inclusion proof built from the tiles leads from that leaf to the signed root;
 *   earliest (with witness keys pinned): the earliest cosigned checkpoint the log keeps for the entry,
 *      checked as `edgelog verify --online` does (src/client/witnessed-checkpoint.ts), gives the tightest
 *      "logged no later than" bound the pinned witnesses prove;
 *   5. response (an entry an API answered with: a search hit's TransparencyLogEntry, a Rekor v1
 *      LogEntry): every claim it makes checked by src/client/verify-entry.ts, the same code as
 *      `edgelog verify` (log index, tree size, root, kind and version, checkpoint signature and origin,
 *      the SET and the v1 checkpoint with the published v1 key, cosignatures, certificate validity), it is
 *      the entry at this index, and its checkpoint is consistent with the latest one.
 * Each check reports its own result; one that cannot run because an earlier one failed says so.
 */
import type { ClaimCheck } from "../src/client/claims.ts";
import { TileReader, type PathFetcher, type VerifiedCheckpoint } from "../src/client/tile-reader.ts";
import { checkCosignatures, describeCosignatureReport, type V1LogKey } from "../src/client/verify-checkpoint.ts";
import { parseLogEntry, verifyEntryInclusion, verifyLogEntry } from "../src/client/verify-entry.ts";
import { verifyWitnessedCheckpoint, witnessedCheckpointApiPath } from "../src/client/witnessed-checkpoint.ts";
import { describeWitnessedTime, witnessedTime } from "../src/client/witnessed-time.ts";
import type { CosignatureVerifier } from "../src/tlog/cosignature.ts";
import { bytesEqual, toHex, utf8Decode } from "../src/tlog/encoding.ts";
import { hashLeaf } from "../src/tlog/hash.ts";
import { shardBase } from "./config.ts";
import { getBytes } from "./http.ts";
import { parseVerifierKey } from "./trust.ts";

export type CheckId = "checkpoint" | "witnesses" | "entry" | "inclusion" | "earliest" | "response";
export type CheckStatus = "pending" | "verified" | "failed" | "skipped";

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  detail: string;
}

export interface EntryToVerify {
  shard: string;
  index: number;
  /** The key the page verifies checkpoints with (null: none published and none pinned). */
  vkey: string | null;
  /** The log's Rekor v1 keys (SETs and v1 checkpoints of v1 answers). */
  v1Keys?: readonly V1LogKey[];
  /** Witness keys the user pinned. */
  witnesses?: readonly CosignatureVerifier[];
  /** The bytes an API answered with, if the entry came from one. */
  leaf?: Uint8Array;
  /** The entry as an API answered with it (TransparencyLogEntry or `{uuid: LogEntry}`). */
  claimed?: unknown;
  /** Where the shard's tiles come from (default: this page's log over HTTP). */
  fetchPath?: PathFetcher;
}

export interface Verified {
  checks: Check[];
  /** The claims of the API's answer, each checked (empty without one). */
  claims: ClaimCheck[];
  /** The entry's bytes as read from the log's bundle (whether or not they verified). */
  leaf: Uint8Array | null;
  checkpoint: VerifiedCheckpoint | null;
}

const TITLES: Record<CheckId, string> = {
  checkpoint: "Checkpoint signature",
  witnesses: "Witness cosignatures",
  entry: "Entry in the log's tiles",
  inclusion: "Inclusion proof from tiles",
  earliest: "Earliest cosigned checkpoint",
  response: "Claims of the API's answer",
};

const short = (b: Uint8Array) => toHex(b).slice(0, 16) + "…";
const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A reader of one shard's tiles over HTTP that checks checkpoints with `vkey`. */
export function shardReader(shard: string, vkey: string, fetchPath?: PathFetcher): TileReader {
  return new TileReader(fetchPath ?? ((path) => getBytes(`${shardBase(shard)}/${path}`, path === "checkpoint")), [
    parseVerifierKey(vkey),
  ]);
}

export async function verifyEntry(e: EntryToVerify, update: (checks: Check[]) => void): Promise<Verified> {
  const ids: CheckId[] = [
    "checkpoint",
    "witnesses",
    "entry",
    "inclusion",
    ...((e.witnesses ?? []).length > 0 ? (["earliest"] as const) : []),
    ...(e.claimed !== undefined ? (["response"] as const) : []),
  ];
  const checks: Check[] = ids.map((id) => ({ id, title: TITLES[id], status: "pending", detail: "checking…" }));
  const set = (id: CheckId, status: CheckStatus, detail: string) => {
    const c = checks.find((x) => x.id === id)!;
    c.status = status;
    c.detail = detail;
    update(checks.map((x) => ({ ...x })));
  };
  const skipRest = (from: CheckId, because: string) => {
    for (const c of checks.slice(checks.findIndex((x) => x.id === from)))
      if (c.status === "pending") set(c.id, "skipped", `not checked: ${because}`);
  };
  update(checks.map((x) => ({ ...x })));
  const out: Verified = { checks, claims: [], leaf: null, checkpoint: null };

  if (e.vkey === null) {
    set("checkpoint", "failed", "no key to verify with: the log publishes none for this shard and none is pinned");
    skipRest("witnesses", "no verified checkpoint");
    return out;
  }
  let reader: TileReader;
  let cp: VerifiedCheckpoint;
  try {
    reader = shardReader(e.shard, e.vkey, e.fetchPath);
    cp = await reader.checkpoint();
    out.checkpoint = cp;
    set(
      "checkpoint",
      "verified",
      `${cp.origin}, signed by ${e.vkey.split("+").slice(0, 2).join("+")}: tree size ${cp.size}, root ${short(cp.root)}`,
    );
  } catch (err) {
    set("checkpoint", "failed", why(err));
    skipRest("witnesses", "no verified checkpoint");
    return out;
  }
  const witnesses = e.witnesses ?? [];
  try {
    const r = checkCosignatures(cp.note, [parseVerifierKey(e.vkey)], witnesses, 0);
    if (r.present.length === 0 && witnesses.length === 0)
      set("witnesses", "skipped", "no cosignatures on the checkpoint, and no witness key pinned");
    else if (r.verified === 0)
      set(
        "witnesses",
        "skipped",
        `${r.present.length} present, none by a pinned witness key: ${r.present.map((c) => c.name).join(", ") || "none"}`,
      );
    else {
      // Time from witnesses: the entry (proven into this checkpoint below) was logged no later than this.
      const w = witnessedTime(r, cp.size);
      set("witnesses", "verified", describeCosignatureReport(r) + (w ? `; ${describeWitnessedTime(w)}` : ""));
    }
  } catch (err) {
    set("witnesses", "failed", why(err));
  }
  if (e.index >= cp.size) {
    set("entry", "failed", `index ${e.index} is not in the tree of size ${cp.size}`);
    skipRest("inclusion", "the entry is not in this tree");
    return out;
  }

  try {
    const leaf = await reader.entry(e.index, cp.size);
    out.leaf = leaf;
    if (e.leaf && !bytesEqual(e.leaf, leaf))
      throw new Error("the entry the API answered with is not the one in the log's entries bundle");
    set(
      "entry",
      "verified",
      `entry ${e.index} from the entries bundle matches leaf hash ${short(hashLeaf(leaf))} in the level-0 tile`,
    );
  } catch (err) {
    set("entry", "failed", why(err));
  }

  const leaf = out.leaf ?? e.leaf;
  if (!leaf) {
    skipRest("inclusion", "the entry could not be read");
    return out;
  }
  try {
    const proof = await reader.proveInclusion(e.index, cp.size);
    verifyEntryInclusion(leaf, e.index, proof, cp);
    set(
      "inclusion",
      "verified",
      `${proof.length} hashes from the tiles lead from the entry's leaf hash to the signed root of tree size ${cp.size}`,
    );
  } catch (err) {
    set(
      "inclusion",
      "failed",
      `${why(err)}: the hashes read from the tiles do not lead from this entry to the signed root (a tile was altered, or the tiles are not of the tree the checkpoint signs)`,
    );
  }

  if ((e.witnesses ?? []).length > 0) {
    try {
      const fetchPath = e.fetchPath ?? ((path: string) => getBytes(`${shardBase(e.shard)}/${path}`, true));
      const body = await fetchPath(witnessedCheckpointApiPath(e.index));
      if (body === null) set("earliest", "skipped", "no cosigned checkpoint covers this entry yet");
      else {
        const answer: unknown = JSON.parse(utf8Decode(body));
        const w = verifyWitnessedCheckpoint(answer, leaf, e.index, [parseVerifierKey(e.vkey)], witnesses);
        if (w === null) set("earliest", "skipped", "no cosignature by a pinned witness on it states a time");
        else
          set(
            "earliest",
            "verified",
            `logged no later than ${new Date(w.time * 1000).toISOString()} (earliest cosigned checkpoint, size ${w.treeSize}, cosigned by ${w.witness})`,
          );
      }
    } catch (err) {
      set("earliest", "failed", why(err));
    }
  }

  if (e.claimed !== undefined) {
    try {
      const claims = parseLogEntry(e.claimed);
      const result = verifyLogEntry(claims, { logKeys: [parseVerifierKey(e.vkey)], v1Keys: e.v1Keys, witnesses });
      out.claims = result.checks;
      const failed = result.checks.filter((c) => !c.ok);
      if (failed.length > 0) throw new Error(failed.map((c) => `${c.name}: ${c.detail}`).join("; "));
      if (claims.proof!.logIndex !== e.index)
        throw new Error(`log index: the answer proves index ${claims.proof!.logIndex}, not ${e.index}`);
      if (!bytesEqual(claims.body, leaf))
        throw new Error("the answer's entry is not the one in the log's entries bundle");
      const claimed = result.checkpoint!;
      await reader.verifyConsistency(claimed, cp);
      const checked = result.checks.filter((c) => c.checked).map((c) => c.name);
      set(
        "response",
        "verified",
        `${checked.join(", ")}: all hold; its checkpoint (tree size ${claimed.size}) is consistent with the latest one`,
      );
    } catch (err) {
      set("response", "failed", why(err));
    }
  }
  return out;
}

/** "verified" when every check that could run passed (a skipped one was not needed), else the checks that failed. */
export function summary(checks: Check[]): string {
  const failed = checks.filter((c) => c.status === "failed");
  if (failed.length > 0) return `Verification failed: ${failed.map((c) => c.title.toLowerCase()).join(", ")}.`;
  if (checks.some((c) => c.status === "pending")) return "Verifying…";
  const verified = checks.filter((c) => c.status === "verified").length;
  return `All ${verified} checks verified.`;
}
