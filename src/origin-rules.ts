/**
 * What Sigstore clients require of a log's checkpoint origin (= its note key name) relative to the base URL they are
 * given in the TrustedRoot, read in their sources:
 * - sigstore-go (and cosign, which verifies through it) builds the Rekor v2 checkpoint verifier with the base URL's
 *   host name as the key name (pkg/verify/tlog.go: `note.NewNoteVerifier(u.Hostname(), …)`): no port, no path. Any
 *   other origin and Go clients cannot verify the log's Rekor v2 entries.
 * - sigstore-js only asks that the key name occur in the base URL (a substring match).
 * Scripts print these as warnings when a log is set up (scripts/dev.ts, scripts/keys.ts); README "Client compatibility".
 * @module
 */

/** Why some client could not verify this log's checkpoints, one sentence each; empty when every client can. */
export function originWarnings(origin: string, baseUrl: string): string[] {
  const warnings: string[] = [];
  const hostName = new URL(baseUrl).hostname;
  if (origin !== hostName) {
    warnings.push(
      `the checkpoint origin "${origin}" is not the base URL's host name "${hostName}": sigstore-go and cosign verify Rekor v2 ` +
        `checkpoints under the host name, so they cannot verify this log's Rekor v2 entries (sigstore-js and tlog-tiles clients can). ` +
        `Give the log a host of its own, without a port, as its origin.`,
    );
  }
  if (!baseUrl.includes(origin)) {
    warnings.push(
      `the checkpoint origin "${origin}" does not occur in the base URL ${baseUrl}: sigstore-js cannot verify this log's checkpoints.`,
    );
  }
  return warnings;
}
