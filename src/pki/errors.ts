/**
 * Errors of the signature-verification layer, typed by what the caller must do (STYLE.md "What edgelog takes" §6).
 *
 * - {@link SignatureError}: the submitted key, keyDetails, digest or signature cannot be accepted. The edge answers
 *   400; `field` says which part of the request was wrong, `message` says why.
 * - `TypeError` / `RangeError`: a caller passed the wrong kind of argument (a string where bytes belong). That is a
 *   bug in edgelog, never an input error, so it is not a SignatureError and must not be answered with a 400.
 * @module
 */

/**
 * The part of a submission a {@link SignatureError} is about. These are roles, not JSON paths, because the same
 * verifier serves Rekor v2 (`signature.verifier.publicKey.rawBytes`, `signature.verifier.x509Certificate.rawBytes`,
 * `signature.verifier.keyDetails`, `digest`, `signature.content`) and Rekor v1 (`spec.signature.publicKey.content`,
 * `spec.data.hash`, `spec.signature.content`); the API layer maps a role to its own path.
 */
export type SignatureField =
  | "publicKey" // a DER SPKI or PEM "PUBLIC KEY"
  | "certificate" // an X.509 certificate (DER or PEM), or a PEM certificate chain
  | "keyDetails" // the Sigstore PublicKeyDetails name
  | "hash" // the hash algorithm named for a message signature
  | "digest" // the prehashed artifact digest
  | "message" // the signed message (message signatures only)
  | "signature"; // the signature bytes

/** A submission whose key, algorithm, digest or signature cannot be accepted (HTTP 400 at the edge). */
export class SignatureError extends Error {
  override name = "SignatureError";
  /** Which part of the submission is wrong. */
  readonly field: SignatureField;

  constructor(field: SignatureField, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** Entry assertion for byte arguments (noble-hashes `abytes` style): wrong type is a bug, so TypeError. */
export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}
