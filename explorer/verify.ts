/**
 * Verifying one entry in the browser with the log's own core (src/tlog, src/client/tile-reader.ts):
 *   1. checkpoint: the shard's latest checkpoint, its signature checked with the chosen key;
 *   2. entry: the entry's bytes as the log's entries bundle holds them, matching the leaf hash in the
 *      level-0 tile (and the bytes the API answered with, when there were any);
 *   3. inclusion: an inclusion proof built from the tiles leads from that leaf to the signed root;
 *   4. response (search hits): the checkpoint and proof the API returned with the entry verify too, and
 *      that checkpoint is consistent with the latest one (consistency proof from the tiles).
 * Each check reports its own result; one that cannot run because an earlier one failed says so.
 */
import { TileReader, type VerifiedCheckpoint } from "../src/client/tile-reader.ts";
import { fromBase64, toBase64, toHex } from "../src/tlog/encoding.ts";
import { hashLeaf } from "../src/tlog/hash.ts";
import { checkInclusion } from "../src/tlog/proof.ts";
import { shardBase } from "./config.ts";
import { getBytes } from "./http.ts";
import { parseVerifierKey } from "./trust.ts";

export type CheckId = "checkpoint" | "entry" | "inclusion" | "response";
export type CheckStatus = "pending" | "verified" | "failed" | "skipped";

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  detail: string;
}

/** What an API answer claimed about the entry (a search hit's TransparencyLogEntry). */
export interface ClaimedProof {
  checkpoint: string;
  hashes: string[];
  treeSize: number;
}

export interface EntryToVerify {
  shard: string;
  index: number;
  /** The key the page verifies checkpoints with (null: none published and none pinned). */
  vkey: string | null;
  /** The bytes an API answered with, if the entry came from one. */
  leaf?: Uint8Array;
  claimed?: ClaimedProof;
}

export interface Verified {
  checks: Check[];
  /** The entry's bytes as read from the log's bundle (whether or not they verified). */
  leaf: Uint8Array | null;
  checkpoint: VerifiedCheckpoint | null;
}

const TITLES: Record<CheckId, string> = {
  checkpoint: "Checkpoint signature",
  entry: "Entry in the log's tiles",
  inclusion: "Inclusion proof from tiles",
  response: "Proof in the search answer",
};

const short = (b: Uint8Array) => toHex(b).slice(0, 16) + "…";
const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A reader of one shard's tiles over HTTP that checks checkpoints with `vkey`. */
export function shardReader(shard: string, vkey: string): TileReader {
  return new TileReader((path) => getBytes(`${shardBase(shard)}/${path}`, path === "checkpoint"), [parseVerifierKey(vkey)]);
}

export async function verifyEntry(e: EntryToVerify, update: (checks: Check[]) => void): Promise<Verified> {
  const ids: CheckId[] = e.claimed ? ["checkpoint", "entry", "inclusion", "response"] : ["checkpoint", "entry", "inclusion"];
  const checks: Check[] = ids.map((id) => ({ id, title: TITLES[id], status: "pending", detail: "checking…" }));
  const set = (id: CheckId, status: CheckStatus, detail: string) => {
    const c = checks.find((x) => x.id === id)!;
    c.status = status;
    c.detail = detail;
    update(checks.map((x) => ({ ...x })));
  };
  const skipRest = (from: CheckId, because: string) => {
    for (const c of checks.slice(checks.findIndex((x) => x.id === from))) if (c.status === "pending") set(c.id, "skipped", `not checked: ${because}`);
  };
  update(checks.map((x) => ({ ...x })));
  const out: Verified = { checks, leaf: null, checkpoint: null };

  if (e.vkey === null) {
    set("checkpoint", "failed", "no key to verify with: the log publishes none for this shard and none is pinned");
    skipRest("entry", "no verified checkpoint");
    return out;
  }
  let reader: TileReader;
  let cp: VerifiedCheckpoint;
  try {
    reader = shardReader(e.shard, e.vkey);
    cp = await reader.checkpoint();
    out.checkpoint = cp;
    set("checkpoint", "verified", `signed by ${e.vkey.split("+").slice(0, 2).join("+")}: tree size ${cp.size}, root ${short(cp.root)}`);
  } catch (err) {
    set("checkpoint", "failed", why(err));
    skipRest("entry", "no verified checkpoint");
    return out;
  }
  if (e.index >= cp.size) {
    set("entry", "failed", `index ${e.index} is not in the tree of size ${cp.size}`);
    skipRest("inclusion", "the entry is not in this tree");
    return out;
  }

  try {
    const leaf = await reader.entry(e.index, cp.size);
    out.leaf = leaf;
    if (e.leaf && toBase64(e.leaf) !== toBase64(leaf)) throw new Error("the entry the API answered with is not the one in the log's entries bundle");
    set("entry", "verified", `entry ${e.index} from the entries bundle matches leaf hash ${short(hashLeaf(leaf))} in the level-0 tile`);
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
    checkInclusion(proof, e.index, cp.size, hashLeaf(leaf), cp.root);
    set("inclusion", "verified", `${proof.length} hashes from the tiles lead from the entry's leaf hash to the signed root of tree size ${cp.size}`);
  } catch (err) {
    set("inclusion", "failed", `${why(err)}: the hashes read from the tiles do not lead from this entry to the signed root (a tile was altered, or the tiles are not of the tree the checkpoint signs)`);
  }

  if (e.claimed) {
    try {
      const claimed = reader.verifyCheckpoint(e.claimed.checkpoint);
      if (claimed.size !== e.claimed.treeSize) throw new Error(`the answer's proof is for tree size ${e.claimed.treeSize}, its checkpoint for ${claimed.size}`);
      checkInclusion(e.claimed.hashes.map((x) => fromBase64(x, "proof hash")), e.index, claimed.size, hashLeaf(leaf), claimed.root);
      await reader.verifyConsistency(claimed, cp);
      set("response", "verified", `the answer's checkpoint (tree size ${claimed.size}) is signed, its proof verifies, and it is consistent with the latest checkpoint`);
    } catch (err) {
      set("response", "failed", why(err));
    }
  }
  return out;
}

/** "verified" when every check passed, else the first check that failed. */
export function summary(checks: Check[]): string {
  const failed = checks.filter((c) => c.status === "failed");
  if (failed.length > 0) return `Verification failed: ${failed.map((c) => c.title.toLowerCase()).join(", ")}.`;
  if (checks.every((c) => c.status === "verified")) return `All ${checks.length} checks verified.`;
  return "Verifying…";
}
