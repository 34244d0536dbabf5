/**
 * RFC 6962 leaf hash with the runtime's native SHA-256 (WebCrypto): a leaf is up to 64 KiB, and the
 * sequencer (and reindex) hash every one of them; the pure core's JS SHA-256 stays for small node hashes.
 * @module
 */
import { HASH_SIZE, type Hash } from "../tlog/hash.ts";

export async function nativeLeafHash(leaf: Uint8Array): Promise<Hash> {
  const buf = new Uint8Array(leaf.length + 1);
  buf.set(leaf, 1);
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  if (h.length !== HASH_SIZE) throw new Error("bad digest length");
  return h;
}
