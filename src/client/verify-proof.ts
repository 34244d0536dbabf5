/**
 * Verifying an offline proof (C2SP tlog-proof@v1 §"Verifying a tlog proof") with no network, each step a
 * claim of its own (claims.ts), as `edgelog verify` reports an entry:
 *   1. the leaf: the entry the verifier holds (its canonical body), else the proof's `extra` line — which
 *      the spec says not to trust implicitly, and which is trusted here only through step 4;
 *   2. "checkpoint signature" / "checkpoint origin": signed by a configured log key whose name is the origin
 *      (verify-checkpoint.ts openCheckpoint);
 *   3. "witness cosignatures": every cosignature by a known witness verifies and at least k of them
 *      (§3: "One possible policy is to require k valid cosignatures out of n known witnesses");
 *   4. "inclusion proof": the audit path takes the leaf hash at `index` to the checkpoint's root;
 * and, when the artifact is given, "artifact digest": the (now authenticated) entry logs its digest.
 * Pure: Node (CLI), the browser and workerd.
 * @module
 */
import type { CosignatureVerifier } from "../tlog/cosignature.ts";
import { bytesEqual } from "../tlog/encoding.ts";
import { hashLeaf } from "../tlog/hash.ts";
import { checkInclusion } from "../tlog/proof.ts";
import type { ParsedTlogProof } from "../tlog/proof-file.ts";
import { entryFacts } from "../entry/facts.ts";
import { ClaimChecks, ClaimError, type ClaimCheck } from "./claims.ts";
import {
  checkCosignatures,
  describeCosignatureReport,
  openCheckpoint,
  type LogKey,
  type OpenedCheckpoint,
} from "./verify-checkpoint.ts";

export interface ProofTrust {
  logKeys: readonly LogKey[];
  witnesses?: readonly CosignatureVerifier[];
  witnessQuorum?: number;
  /** The entry's canonical body, as the verifier got it (not from the proof). */
  entry?: Uint8Array;
  /** The artifact's digests `sha256:<hex>` (sha384:, sha512:): the entry must log one of them. */
  artifactDigests?: readonly string[];
}

export interface VerifiedProof {
  checks: ClaimCheck[];
  ok: boolean;
  checkpoint: OpenedCheckpoint | null;
  /** The entry the proof was checked for (the caller's, else the proof's extra data). */
  entry: Uint8Array | null;
}

/** Checks every step; never throws for one that fails (that is a failed check). */
export function verifyTlogProof(p: ParsedTlogProof, trust: ProofTrust): VerifiedProof {
  const checks = new ClaimChecks();
  const entry = trust.entry ?? p.extra ?? null;
  let cp: OpenedCheckpoint | null = null;
  try {
    cp = openCheckpoint(p.checkpoint, trust.logKeys);
    checks.list.push({
      name: "checkpoint signature",
      ok: true,
      checked: true,
      detail: `signed by ${cp.signer.name}, tree size ${cp.size}`,
    });
    checks.list.push({
      name: "checkpoint origin",
      ok: true,
      checked: true,
      detail: `${cp.origin} is the name of the key that signed it`,
    });
  } catch (e) {
    // openCheckpoint names the claim that failed: the signature, or the origin.
    if (e instanceof ClaimError) checks.fail(e.claim, e.detail);
    else checks.fail("checkpoint signature", (e as Error).message);
  }
  const witnesses = trust.witnesses ?? [];
  const quorum = trust.witnessQuorum ?? 0;
  checks.run("witness cosignatures", () =>
    describeCosignatureReport(checkCosignatures(p.checkpoint, trust.logKeys, witnesses, quorum)),
  );
  if (entry === null) checks.fail("inclusion proof", "no entry to prove: give the entry (the proof has no extra line)");
  else if (cp) {
    checks.run("inclusion proof", () => {
      checkInclusion(p.proof, p.index, cp.size, hashLeaf(entry), cp.root);
      const from = trust.entry ? "the given entry" : "the entry in the proof's extra line";
      const differs =
        trust.entry && p.extra && !bytesEqual(trust.entry, p.extra)
          ? " (the proof's extra line holds other bytes, ignored)"
          : "";
      return `${from} is at index ${p.index} of the signed tree of ${cp.size}${differs}`;
    });
  } else checks.notChecked("inclusion proof", "no checkpoint to prove it to");
  if (trust.artifactDigests) {
    const wanted = new Set(trust.artifactDigests.map((d) => d.toLowerCase()));
    const included = checks.list.some((c) => c.name === "inclusion proof" && c.ok && c.checked);
    checks.run("artifact digest", () => {
      if (!included) throw new Error("the entry is not proven to be in the log");
      const logged = entryFacts(entry!, { signers: false }).digests;
      const found = logged.find((d) => wanted.has(d.value));
      if (!found)
        throw new Error(`the entry logs ${logged.map((d) => d.value).join(", ") || "no digest"}, not this artifact's`);
      return `the entry logs this artifact's digest (${found.label} ${found.value})`;
    });
  }
  return { checks: checks.list, ok: checks.failed.length === 0, checkpoint: cp, entry };
}
