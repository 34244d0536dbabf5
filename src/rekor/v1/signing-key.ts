/**
 * What Rekor v1's answers need of the log's v1 key: its SPKI, log ID and tree ID, and a signer for checkpoints and
 * SETs. The key itself is configured per shard (src/log/keys.ts makes one).
 * @module
 */

export interface V1Key {
  spki: Uint8Array;
  pem: string;
  /** hex(SHA-256(SPKI)): LogEntry.logID and the TrustedRoot log ID of the v1 API. */
  logIdHex: string;
  /** Decimal tree ID: the origin suffix of v1 checkpoints and the prefix of 80-hex entry UUIDs. */
  treeId: string;
  /**
   * ECDSA P-256 over SHA-256(message), ASN.1 DER, low S: WebCrypto's native signer (randomised k), or
   * @noble's deterministic RFC 6979 one where the platform has none. Callers cache what they sign.
   */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** The 16-hex tree ID prefix of an 80-hex Rekor v1 entry UUID (rekor-api.md §2.5). */
export function treeIdHex(treeId: string): string {
  return BigInt(treeId).toString(16).padStart(16, "0");
}
