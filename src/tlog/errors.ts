/**
 * The three kinds of failure in the tlog core, kept apart (golang/mod sumdb/tlog):
 * malformed input (typed, with context), a proof that does not verify (no detail),
 * and bugs (assertions that are never caught as input errors).
 * @module
 */

/** Input that does not parse or is out of range: the caller sent something wrong. */
export class MalformedError extends Error {
  override name = "MalformedError";
}

/** A proof or signature that does not verify. Deliberately carries no detail. */
export class ProofError extends Error {
  override name = "ProofError";
  constructor(message = "proof does not verify") {
    super(message);
  }
}

/** Impossible state: a bug in edgelog, never an input error. */
export function assert(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`bad math: ${what}`);
}
