// Fulcio-shaped X.509 certificates for search tests, built with @peculiar/asn1-x509 and self-signed
// with a throwaway test key (helpers/keys.ts): SAN email and/or URI, the Fulcio OIDC issuer (1.8 as
// a DER UTF8String, or the deprecated 1.1 raw form) and the source repository URI (1.12). Valid from an
// hour ago to an hour from now, so the write APIs accept them.
import { sha256 } from "@noble/hashes/sha2.js";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  Certificate,
  Extension,
  Extensions,
  GeneralName,
  GeneralNames,
  Name,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_subjectAltName,
} from "@peculiar/asn1-x509";
import { utf8Encode } from "../../src/tlog/encoding.ts";
import type { TestEcKey } from "./keys.ts";

export interface FulcioIdentity {
  email?: string;
  uri?: string;
  /** Written to 1.3.6.1.4.1.57264.1.8 (DER UTF8String). */
  issuer?: string;
  /** Written to the deprecated 1.3.6.1.4.1.57264.1.1 (raw bytes). */
  issuerV1?: string;
  /** Written to 1.3.6.1.4.1.57264.1.12 (DER UTF8String). */
  repository?: string;
}

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

function utf8String(s: string): Uint8Array {
  const body = utf8Encode(s);
  if (body.length >= 128) throw new Error("test helper: short strings only");
  return Uint8Array.of(0x0c, body.length, ...body);
}

const ext = (oid: string, value: Uint8Array) =>
  new Extension({ extnID: oid, critical: false, extnValue: new OctetString(value) });

export function fulcioCertificate(key: TestEcKey, id: FulcioIdentity): Uint8Array {
  const names: GeneralName[] = [];
  if (id.email !== undefined) names.push(new GeneralName({ rfc822Name: id.email }));
  if (id.uri !== undefined) names.push(new GeneralName({ uniformResourceIdentifier: id.uri }));
  const extensions: Extension[] = [];
  if (names.length > 0)
    extensions.push(ext(id_ce_subjectAltName, new Uint8Array(AsnConvert.serialize(new GeneralNames(names)))));
  if (id.issuer !== undefined) extensions.push(ext("1.3.6.1.4.1.57264.1.8", utf8String(id.issuer)));
  if (id.issuerV1 !== undefined) extensions.push(ext("1.3.6.1.4.1.57264.1.1", utf8Encode(id.issuerV1)));
  if (id.repository !== undefined) extensions.push(ext("1.3.6.1.4.1.57264.1.12", utf8String(id.repository)));
  const now = Date.now();
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: Uint8Array.of(0x01, ...crypto.getRandomValues(new Uint8Array(8))).buffer,
    signature: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    issuer: new Name([]),
    validity: new Validity({
      notBefore: new Date(Math.floor(now / 1000) * 1000 - 3_600_000),
      notAfter: new Date(Math.floor(now / 1000) * 1000 + 3_600_000),
    }),
    subject: new Name([]),
    subjectPublicKeyInfo: AsnConvert.parse(key.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(extensions),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    signatureValue: key.signDigest(sha256(tbsDer)).slice().buffer,
  });
  return new Uint8Array(AsnConvert.serialize(cert));
}
