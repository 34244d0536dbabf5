/**
 * What one request may spend on signature verification, so that no request costs unbounded CPU: a number of
 * verifications (weighted by what each costs) and a number of message bytes hashed to verify them. An entry
 * type charges the budget before each verification; past either limit the request is refused with a 400 that
 * says which limit and what to send instead. One budget serves a whole request: `POST …/log/entries` checks one
 * entry against it, `POST /api/v1/log/entries/retrieve` up to ten entries against the same one.
 *
 * A request of one entry in the shape Sigstore clients send (one signature, one key) costs 1 to 12 units;
 * the limits only bite on requests built to be expensive: DSSE envelopes whose signatures must be tried against
 * many verifiers, very large payloads verified many times, or ten such entries in one retrieve.
 * @module
 */
import type { PublicKeyInfo } from "../pki/keys.ts";
import { RequestError } from "./errors.ts";

/**
 * Verification units one request may spend. A unit is about what one native RSA, Ed25519 or P-256 verification
 * costs (about a millisecond of CPU on the benchmark machine under load; see README, Performance).
 */
export const MAX_VERIFICATION_UNITS = 24;
/** Message bytes one request may hash for its verifications (each attempt over a message hashes all of it). */
export const MAX_VERIFIED_BYTES = 1 << 20;

/** ECDSA's cost grows with the curve, natively (WebCrypto) and more so in pure JavaScript (@noble/curves). */
const ECDSA_UNITS = {
  message: { "P-256": 1, "P-384": 2, "P-521": 4 },
  digest: { "P-256": 4, "P-384": 8, "P-521": 12 },
} as const;

/**
 * Units of one verification with `key`. WebCrypto verifies messages natively; a digest (hashedrekord) cannot be
 * given to WebCrypto, so ECDSA over a digest runs in pure JavaScript, RSA in BigInt and Ed25519ph in pure
 * JavaScript.
 */
export function verificationUnits(key: PublicKeyInfo, overDigest: boolean): number {
  if (key.kind === "ecdsa") return ECDSA_UNITS[overDigest ? "digest" : "message"][key.curve ?? "P-521"];
  // RSA over a digest: BigInt exponentiation, up to 62 multiplications of 4096-bit numbers (e < 2^31).
  if (overDigest) return 3;
  return 1;
}

export class VerificationBudget {
  private units = 0;
  private bytes = 0;

  /**
   * Charges one verification of `units` over a message of `messageBytes` (0 for a digest).
   * @throws RequestError when the request would spend more than it may.
   */
  spend(units: number, messageBytes: number, where: string): void {
    this.units += units;
    this.bytes += messageBytes;
    if (this.units > MAX_VERIFICATION_UNITS) {
      throw new RequestError(
        `${where}: this request needs more signature verifications than the ${MAX_VERIFICATION_UNITS} units one request may spend (see docs/SECURITY.md): send fewer signatures, verifiers or entries, with each signature's verifier in the same position`,
      );
    }
    if (this.bytes > MAX_VERIFIED_BYTES) {
      throw new RequestError(
        `${where}: this request needs more than the ${MAX_VERIFIED_BYTES} bytes of signed messages one request may verify (each attempt hashes the whole message): send fewer signatures, verifiers or entries, or a smaller payload`,
      );
    }
  }
}
