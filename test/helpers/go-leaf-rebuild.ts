// sigstore-go's rule for a Rekor v2 entry, encoded from its source (sigstore/sigstore-go pkg/verify/tlog.go
// reconstructV2EntryHash @ 4594ab4c, and rekor-tiles pkg/types/hashedrekord ToEntryHash @ 74e3eb0e): the verifier
// ignores the logged body and rebuilds the leaf from the bundle — the bundle's digest and signature, the verifier as
// the bundle's leaf certificate (its raw bytes) or the trusted public key re-marshalled by Go's
// x509.MarshalPKIXPublicKey, and the key's *default* PublicKeyDetails (signature.GetDefaultAlgorithmDetails with
// Ed25519ph) — as protojson, then RFC 8785 JCS, then the RFC 6962 leaf hash. Cosign verifies through sigstore-go.
//
// Nothing here uses edgelog's code: the key is identified with @peculiar/asn1-x509 and WebCrypto, the SPKI re-encoded
// by WebCrypto (BoringSSL in workerd, OpenSSL in Node), and the JCS text written out by hand with its keys in order.
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";

const OID = { ec: "1.2.840.10045.2.1", rsa: "1.2.840.113549.1.1.1", ed25519: "1.3.101.112" };
/** The namedCurve parameter of an EC SPKI, as DER (RFC 5480 §2.1.1.1), by curve. */
const CURVES: Record<string, { name: string; keyDetails: string; hash: string }> = {
  "06082a8648ce3d030107": { name: "P-256", keyDetails: "PKIX_ECDSA_P256_SHA_256", hash: "SHA2_256" },
  "06052b81040022": { name: "P-384", keyDetails: "PKIX_ECDSA_P384_SHA_384", hash: "SHA2_384" },
  "06052b81040023": { name: "P-521", keyDetails: "PKIX_ECDSA_P521_SHA_512", hash: "SHA2_512" },
};

const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

export interface GoDefault {
  keyDetails: string;
  /** The HashOutput algorithm the leaf records (protojson enum name). */
  hash: string;
  /** The WebCrypto algorithm to import the key with (for the re-marshalled SPKI). */
  importAs: { name: string; namedCurve?: string; hash?: string };
}

/** signature.GetDefaultAlgorithmDetails(pub, options.WithED25519ph()): the one details value Go picks for a key. */
export async function goDefaultAlgorithm(spki: Uint8Array): Promise<GoDefault> {
  const info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  const oid = info.algorithm.algorithm;
  if (oid === OID.ed25519) return { keyDetails: "PKIX_ED25519_PH", hash: "SHA2_512", importAs: { name: "Ed25519" } };
  if (oid === OID.ec) {
    const params = [...new Uint8Array(info.algorithm.parameters!)].map((x) => x.toString(16).padStart(2, "0")).join("");
    const curve = CURVES[params];
    if (!curve) throw new Error(`Go has no default details for the EC curve ${params}`);
    return { keyDetails: curve.keyDetails, hash: curve.hash, importAs: { name: "ECDSA", namedCurve: curve.name } };
  }
  if (oid === OID.rsa) {
    const importAs = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    const key = await crypto.subtle.importKey("spki", spki, importAs, true, ["verify"]);
    const bits = (key.algorithm as unknown as { modulusLength: number }).modulusLength;
    if (![2048, 3072, 4096].includes(bits)) throw new Error(`Go has no default details for a ${bits}-bit RSA key`);
    return { keyDetails: `PKIX_RSA_PKCS1V15_${bits}_SHA256`, hash: "SHA2_256", importAs };
  }
  throw new Error(`Go has no default details for key algorithm ${oid}`);
}

/** The verification material of a bundle: its leaf certificate, or the public key the verifier trusts for its hint. */
export type BundleKey = { certificate: Uint8Array } | { publicKey: Uint8Array };

/** The leaf bytes sigstore-go rebuilds from a message-signature bundle (JCS of the protojson Entry). */
export async function goRebuiltLeaf(digest: Uint8Array, signature: Uint8Array, key: BundleKey): Promise<string> {
  const spki =
    "certificate" in key
      ? new Uint8Array(
          AsnConvert.serialize(AsnConvert.parse(key.certificate, Certificate).tbsCertificate.subjectPublicKeyInfo),
        )
      : key.publicKey;
  const d = await goDefaultAlgorithm(spki);
  let verifier: string;
  if ("certificate" in key) {
    verifier = `"x509Certificate":{"rawBytes":"${b64(key.certificate)}"}`;
  } else {
    const marshalled = new Uint8Array(
      (await crypto.subtle.exportKey(
        "spki",
        await crypto.subtle.importKey("spki", spki, d.importAs, true, ["verify"]),
      )) as ArrayBuffer,
    );
    verifier = `"publicKey":{"rawBytes":"${b64(marshalled)}"}`;
  }
  return (
    `{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"${d.hash}","digest":"${b64(digest)}"},` +
    `"signature":{"content":"${b64(signature)}","verifier":{"keyDetails":"${d.keyDetails}",${verifier}}}}}}`
  );
}
