/**
 * Keys and certificates in Rekor v1 entries: PEM in, Go's canonical PEM out (Rekor's x509
 * `PublicKey.CanonicalValue`: certificates re-encoded as CERTIFICATE blocks, keys as PUBLIC KEY).
 * @module
 */
import { SignatureError } from "../../pki/errors.ts";
import {
  decodePem,
  encodePem,
  MAX_PEM_CERTIFICATES,
  parseCertificate,
  parseSpki,
  type PublicKeyInfo,
} from "../../pki/keys.ts";
import { RequestError } from "../errors.ts";
import { ValidityCheck } from "../validity-check.ts";

export interface PemKey {
  key: PublicKeyInfo;
  /** Go's pem.EncodeToMemory of the parsed key or certificate chain. */
  canonicalPem: string;
}

export function parsePemKey(
  pemBytes: Uint8Array,
  where: string,
  validity: ValidityCheck = ValidityCheck.refuseNow(),
): PemKey {
  try {
    const blocks = decodePem(pemBytes);
    if (blocks.length === 0) throw new RequestError(`${where}: no PEM block`);
    if (blocks.every((b) => b.label === "CERTIFICATE")) {
      if (blocks.length > MAX_PEM_CERTIFICATES)
        throw new RequestError(`${where}: more than ${MAX_PEM_CERTIFICATES} certificates`);
      const key = parseCertificate(blocks[0]!.der);
      blocks.slice(1).forEach((b) => parseCertificate(b.der));
      // The signing certificate must be valid now, or the entry could never verify (src/pki/validity.ts).
      validity.check(blocks[0]!.der, where);
      return { key, canonicalPem: blocks.map((b) => encodePem("CERTIFICATE", b.der)).join("") };
    }
    if (blocks.length === 1 && blocks[0]!.label === "PUBLIC KEY") {
      const key = parseSpki(blocks[0]!.der);
      return { key, canonicalPem: encodePem("PUBLIC KEY", key.spki) };
    }
    throw new RequestError(`${where}: expected one PUBLIC KEY block or a chain of CERTIFICATE blocks`);
  } catch (e) {
    if (e instanceof SignatureError) throw new RequestError(`${where}: ${e.message}`);
    throw e;
  }
}
