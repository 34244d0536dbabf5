/**
 * Search keys of the public keys Rekor v1 rekord 0.0.1 entries use, so the v1 `/api/v1/index/retrieve` publicKey
 * query and the index (index-keys.ts) agree:
 *   pgp           `key:pgp:<fingerprint>` for every primary key and subkey, `email:<lowercased>` per user ID
 *   minisign      `key:minisign:<key id as minisign prints it, lowercased>`
 *   ssh           `key:ssh:SHA256:<base64>` (as `ssh-keygen -l` prints it)
 *   x509          `key:sha256:<SHA-256 of the SPKI DER>`, and a certificate's identities (certificateKeys)
 * All synchronous and library-free on the PGP side (src/pki/pgp-packets.ts): they run for every leaf.
 * @module
 */
import { SignatureError } from "../pki/errors.ts";
import { parsePublicKey } from "../pki/keys.ts";
import { minisignKeyIdHex, parseMinisignPublicKey } from "../pki/minisign.ts";
import { pgpKeyFacts } from "../pki/pgp-packets.ts";
import { parseSshPublicKey, sshFingerprint } from "../pki/ssh.ts";
import { certificateKeys, normalizeEmail, spkiKeys } from "./certificate-keys.ts";

export const PUBLIC_KEY_FORMATS = ["x509", "pgp", "minisign", "ssh"] as const;
export type PublicKeyFormat = (typeof PUBLIC_KEY_FORMATS)[number];

/**
 * Every key one public key is found under (for an entry): PGP keys give all their (sub)key fingerprints and
 * user-ID e-mails, certificates their identities.
 * @throws SignatureError when the key cannot be read.
 */
export function publicKeyIndexKeys(format: PublicKeyFormat, content: Uint8Array): string[] {
  switch (format) {
    case "pgp": {
      const facts = pgpKeyFacts(content);
      return [...facts.primary, ...facts.subkeys]
        .map((f) => `key:pgp:${f}`)
        .concat(facts.emails.map((e) => `email:${normalizeEmail(e)}`));
    }
    case "minisign": {
      const key = parseMinisignPublicKey(content);
      // Rekor's legacy bare-key form has no key id (all zero): nothing to find it by.
      return key.keyId.every((b) => b === 0) ? [] : [`key:minisign:${minisignKeyIdHex(key.keyId)}`];
    }
    case "ssh":
      return [`key:ssh:${sshFingerprint(parseSshPublicKey(content).wire)}`];
    case "x509": {
      // PEM or DER, key or certificate (a chain: its first certificate); no validity check, so keys never depend on time.
      const key = parsePublicKey(content);
      return key.certificate ? certificateKeys(key.certificate) : spkiKeys(key.spki);
    }
  }
}

/**
 * The one key a public key is looked up by (`/api/v1/index/retrieve` publicKey): its (first primary) PGP
 * fingerprint, minisign key id, SSH fingerprint or SPKI hash.
 * @throws SignatureError when the key cannot be read or has nothing to look it up by.
 */
export function publicKeyIndexKey(format: PublicKeyFormat, content: Uint8Array): string {
  const key =
    format === "x509"
      ? spkiKeys(parsePublicKey(content).spki)[0]
      : publicKeyIndexKeys(format, content).find((k) => k.startsWith("key:"));
  if (key === undefined)
    throw new SignatureError(
      "publicKey",
      "this key has no identifier to search by (a bare minisign key has no key id)",
    );
  return key;
}
