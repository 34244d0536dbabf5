/**
 * When a submission's signing certificate must be valid. Writes refuse a certificate outside its validity period
 * (src/pki/validity.ts), but only once they know the entry is new: a retry of an entry logged while its
 * certificate was valid is a duplicate (409 with the entry), and a lookup by proposed entry (v1 retrieve) never
 * checks validity at all, so entries stay findable after their certificates expire.
 * @module
 */
import { certificateValidityProblem } from "../pki/validity.ts";
import { RequestError } from "./errors.ts";

export class ValidityCheck {
  private readonly found: string[] = [];
  private readonly nowMs: number | null;
  private readonly defer: boolean;

  // No parameter properties: Node's type stripping (the bench, scripts) refuses them.
  private constructor(nowMs: number | null, defer: boolean) {
    this.nowMs = nowMs;
    this.defer = defer;
  }

  /** Refuses at once: for callers that only build leaves (tests, tools). */
  static refuseNow(nowMs = Date.now()): ValidityCheck {
    return new ValidityCheck(nowMs, false);
  }

  /** Notes the problem and lets the leaf be built: a submission first asks whether the leaf is logged already. */
  static deferred(nowMs = Date.now()): ValidityCheck {
    return new ValidityCheck(nowMs, true);
  }

  /** Never checks: lookups of entries already logged. */
  static never(): ValidityCheck {
    return new ValidityCheck(null, true);
  }

  /**
   * Checks the signing certificate `der` (named `where` in messages).
   * @throws RequestError when refusing at once; SignatureError when its validity cannot be read.
   */
  check(der: Uint8Array, where: string): void {
    if (this.nowMs === null) return;
    const problem = certificateValidityProblem(der, this.nowMs);
    if (problem === null) return;
    if (!this.defer) throw new RequestError(`${where}: ${problem}`);
    this.found.push(`${where}: ${problem}`);
  }

  /** The first deferred problem, or null when every certificate checked was valid. */
  get problem(): string | null {
    return this.found[0] ?? null;
  }
}
