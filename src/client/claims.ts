/**
 * The claims a log entry (or a checkpoint) makes, each checked on its own, so a verifier can say which
 * one failed: the CLI prints them, the explorer shows them, the monitor stops on them, and the lie-corpus
 * tests require every mutant to be refused by the claim it changed.
 * @module
 */
import { ProofError } from "../tlog/errors.ts";

export type Claim =
  | "kind and version"
  | "inclusion proof"
  | "log index"
  | "checkpoint signature"
  | "checkpoint origin"
  | "log ID"
  | "tree size"
  | "root hash"
  | "signed entry timestamp"
  | "witness cosignatures"
  | "time from witnesses"
  | "certificate validity"
  | "artifact digest";

export interface ClaimCheck {
  name: Claim;
  /** False only when the claim was checked and is false; a claim that could not be checked is ok but not `checked`. */
  ok: boolean;
  checked: boolean;
  detail: string;
}

/** A claim that does not hold: a ProofError (exit 1 in the CLI) that names the claim. */
export class ClaimError extends ProofError {
  override name = "ClaimError";
  readonly claim: Claim;

  // No parameter properties: Node's type stripping (the bench, scripts) refuses them.
  constructor(claim: Claim, message: string) {
    super(`${claim}: ${message}`);
    this.claim = claim;
  }
  /** The message without the claim's name in front. */
  get detail(): string {
    return this.message.slice(this.claim.length + 2);
  }
}

/** Collects checks: `run` records what `fn` returns as verified, or why it threw as failed. */
export class ClaimChecks {
  readonly list: ClaimCheck[] = [];

  run<T>(name: Claim, fn: () => { detail: string; value?: T } | string): T | undefined {
    try {
      const r = fn();
      const detail = typeof r === "string" ? r : r.detail;
      this.list.push({ name, ok: true, checked: true, detail });
      return typeof r === "string" ? undefined : r.value;
    } catch (e) {
      this.fail(name, e instanceof ClaimError && e.claim === name ? e.detail : (e as Error).message);
      return undefined;
    }
  }

  fail(name: Claim, detail: string): void {
    this.list.push({ name, ok: false, checked: true, detail });
  }

  notChecked(name: Claim, detail: string): void {
    this.list.push({ name, ok: true, checked: false, detail });
  }

  get failed(): ClaimCheck[] {
    return this.list.filter((c) => !c.ok);
  }
}
