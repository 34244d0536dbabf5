// A fixed corpus of leaves of every kind the log writes, to pin what is read from them (test/entry/pinned.test.ts):
// rekord bodies made by Rekor's Go libraries and key material made by OpenSSL, GnuPG, minisign and ssh-keygen
// (test/fixtures), leaves from the write path's canonicalizers signed by a fixed key, Fulcio-shaped certificates,
// and bodies the readers must survive. Deterministic except the Fulcio certificates' serial, validity and
// signature, which no search key and no monitor fact depends on.
import { p256 } from "@noble/curves/nist.js";
import { encodePem } from "../../src/pki/keys.ts";
import { canonicalizeProposedEntry } from "../../src/rekor/v1/proposed-entry.ts";
import { canonicalizeCreateEntryRequest } from "../../src/rekor/v2/entry.ts";
import { concatBytes, fromHex, toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { fixture as pki, fixtureText as pkiText, type FixtureName as PkiName } from "../fixtures/pki/index.ts";
import { fixtureText as rekordText, type FixtureName as RekordName } from "../fixtures/rekord/index.ts";
import { fulcioCertificate, type FulcioIdentity } from "../helpers/certificates.ts";
import { hashedRekordV2, type TestEcKey } from "../helpers/keys.ts";
import { v1Dsse, v1HashedRekord, v1Intoto, v2Dsse } from "../input/requests.ts";

/** A P-256 key from a fixed secret; noble signs deterministically (RFC 6979), so its leaves are fixed. */
function fixedKey(seed: number): TestEcKey {
  const secret = fromHex(seed.toString(16).padStart(64, "0"));
  return {
    spki: concatBytes(
      fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200"),
      p256.getPublicKey(secret, false),
    ),
    signDigest: (digest) => p256.sign(digest, secret, { prehash: false, format: "der" }),
  };
}

const json = (v: unknown) => utf8Encode(JSON.stringify(v));
const b64 = toBase64;
const b64text = (s: string) => toBase64(utf8Encode(s));

const identities: Record<string, FulcioIdentity> = {
  full: {
    email: "Alice.Example@Example.COM",
    uri: "https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main",
    issuer: "https://token.actions.githubusercontent.com",
    repository: "https://github.com/example/repo",
  },
  "issuer-v1": { email: "bob@example.org", issuerV1: "https://accounts.google.com" },
  "issuer-v1-and-v2": {
    uri: "https://example.com/ci",
    issuer: "https://issuer.example/v2",
    issuerV1: "https://issuer.example/v1",
  },
  "uri-only": { uri: "spiffe://example.org/workload" },
  "non-ascii-email": { email: "Ünïcode@Exämple.com", issuer: "https://issuer.example/ü" },
  none: {},
};

const PKI_KEYS: PkiName[] = [
  "p256",
  "p384",
  "p521",
  "rsa2048",
  "rsa3072",
  "rsa4096",
  "ed25519",
  "secp256k1",
  "rsa1024",
  "rsa4160",
].map((n) => `${n}.pub.pem` as PkiName);
const PKI_SPKI: PkiName[] = [
  "p256.spki.der",
  "p256.spki-compressed.der",
  "p256.spki-explicit.der",
  "ed448.spki.der",
  "rsapss.spki.der",
  "ed25519.spki.der",
];
const PKI_CERTS: PkiName[] = [
  "p256.cert.pem",
  "rsa2048.cert.pem",
  "ed25519.cert.pem",
  "p256-compressed.cert.pem",
  "chain.cert.pem",
];
const REKORD_X509: RekordName[] = [
  "x509-p256.cert.pem",
  "x509-p384.cert.pem",
  "x509-rsa.cert.pem",
  "x509-ed25519.cert.pem",
  "x509-p256.pub.pem",
];

function v1HashedRekordBody(hash: { algorithm: string; value: string }, pem: string) {
  return {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: { data: { hash }, signature: { content: b64text("sig"), publicKey: { content: b64text(pem) } } },
  };
}

function v2HashedRekordBody(digest: { algorithm: string; digest: string }, verifier: unknown) {
  return {
    apiVersion: "0.0.2",
    kind: "hashedrekord",
    spec: { hashedRekordV002: { data: digest, signature: { content: b64text("sig"), verifier } } },
  };
}

const derOf = (pem: string) =>
  fromHex(toHex(Uint8Array.from(atob(pem.replace(/-----[A-Z ]+-----|\s/g, "")), (c) => c.charCodeAt(0))));

/** [name, leaf] for every entry of the corpus, in a fixed order. */
export async function corpus(): Promise<[string, Uint8Array][]> {
  const out: [string, Uint8Array][] = [];
  const add = (name: string, leaf: Uint8Array) => out.push([name, leaf]);

  // Rekor's own canonical rekord bodies (pgp, minisign, ssh, x509), made by rekor-canonical/main.go.
  const bodies = JSON.parse(rekordText("rekor-bodies.json")) as Record<string, string>;
  for (const name of Object.keys(bodies).sort())
    add(
      `rekord ${name}`,
      Uint8Array.from(atob(bodies[name]!), (c) => c.charCodeAt(0)),
    );

  // The write path's canonical leaves, signed by fixed keys.
  const key = fixedKey(1);
  const other = fixedKey(2);
  const artifact = utf8Encode("pinned artifact");
  const payload = utf8Encode(JSON.stringify({ _type: "https://in-toto.io/Statement/v1", subject: [] }));
  add("v2 hashedrekord key", (await canonicalizeCreateEntryRequest(hashedRekordV2(key, artifact))).body);
  add("v2 dsse key", (await canonicalizeCreateEntryRequest(v2Dsse(key, payload))).body);
  add("v1 hashedrekord key", (await canonicalizeProposedEntry(v1HashedRekord(key, artifact))).body);
  add("v1 dsse key", (await canonicalizeProposedEntry(v1Dsse(key, payload))).body);
  add("v1 intoto key", (await canonicalizeProposedEntry(v1Intoto(key, payload))).body);
  for (const [name, id] of Object.entries(identities)) {
    const cert = fulcioCertificate(key, id);
    add(
      `v2 hashedrekord fulcio ${name}`,
      (await canonicalizeCreateEntryRequest(hashedRekordV2(key, artifact, "x509Certificate", cert))).body,
    );
    const chain =
      encodePem("CERTIFICATE", cert) + encodePem("CERTIFICATE", fulcioCertificate(other, { email: "ca@example.org" }));
    const req = v1HashedRekord(key, artifact);
    req.spec.signature.publicKey.content = b64text(chain);
    add(`v1 hashedrekord fulcio chain ${name}`, (await canonicalizeProposedEntry(req)).body);
  }

  // Key material made by OpenSSL and the rekord tools, in the v1 (base64 PEM) and v2 (DER) shapes.
  const sha256 = { algorithm: "sha256", value: toHex(pki("message.sha256")) };
  for (const name of [...PKI_KEYS, ...PKI_CERTS])
    add(`v1 hashedrekord ${name}`, json(v1HashedRekordBody(sha256, pkiText(name))));
  for (const name of REKORD_X509)
    add(`v1 hashedrekord rekord-fixture ${name}`, json(v1HashedRekordBody(sha256, rekordText(name))));
  const v2digest = { algorithm: "SHA2_256", digest: b64(fromHex(sha256.value)) };
  for (const name of PKI_SPKI)
    add(
      `v2 hashedrekord spki ${name}`,
      json(v2HashedRekordBody(v2digest, { publicKey: { rawBytes: b64(pki(name)) } })),
    );
  for (const name of PKI_CERTS.slice(0, 4))
    add(
      `v2 hashedrekord cert ${name}`,
      json(v2HashedRekordBody(v2digest, { x509Certificate: { rawBytes: b64(derOf(pkiText(name))) } })),
    );

  // Digests of every algorithm and spelling.
  for (const alg of ["sha384", "sha512"])
    add(
      `v1 hashedrekord ${alg}`,
      json(
        v1HashedRekordBody({ algorithm: alg, value: toHex(pki(`message.${alg}` as PkiName)) }, pkiText("p256.pub.pem")),
      ),
    );
  add(
    "v1 hashedrekord uppercase hex",
    json(v1HashedRekordBody({ ...sha256, value: sha256.value.toUpperCase() }, pkiText("p256.pub.pem"))),
  );
  add(
    "v1 hashedrekord sha1",
    json(v1HashedRekordBody({ algorithm: "sha1", value: "a".repeat(40) }, pkiText("p256.pub.pem"))),
  );
  add(
    "v1 hashedrekord short hex",
    json(v1HashedRekordBody({ algorithm: "sha256", value: "abcd" }, pkiText("p256.pub.pem"))),
  );
  for (const alg of ["SHA2_384", "SHA2_512", "sha256", "SHA3_256"]) {
    const len = alg.endsWith("384") ? 48 : alg.endsWith("512") ? 64 : 32;
    add(
      `v2 hashedrekord ${alg}`,
      json(
        v2HashedRekordBody(
          { algorithm: alg, digest: b64(new Uint8Array(len).fill(7)) },
          { publicKey: { rawBytes: b64(pki("p256.spki.der")) } },
        ),
      ),
    );
  }

  // Several signers, one of them unreadable.
  const pem = (n: PkiName) => b64text(pkiText(n));
  add(
    "v1 dsse three verifiers",
    json({
      apiVersion: "0.0.1",
      kind: "dsse",
      spec: {
        envelopeHash: { algorithm: "sha256", value: "1".repeat(64) },
        payloadHash: { algorithm: "sha256", value: "2".repeat(64) },
        signatures: [
          { signature: "c2ln", verifier: pem("rsa2048.pub.pem") },
          { signature: "c2ln", verifier: b64text("not a key") },
          { signature: "c2ln", verifier: pem("p256.cert.pem") },
        ],
      },
    }),
  );
  add(
    "v2 dsse two verifiers",
    json({
      apiVersion: "0.0.2",
      kind: "dsse",
      spec: {
        dsseV002: {
          payloadHash: { algorithm: "SHA2_256", digest: b64(new Uint8Array(32).fill(3)) },
          signatures: [
            { content: "c2ln", verifier: { publicKey: { rawBytes: b64(pki("ed25519.spki.der")) } } },
            { content: "c2ln", verifier: { x509Certificate: { rawBytes: b64(derOf(pkiText("rsa2048.cert.pem"))) } } },
          ],
        },
      },
    }),
  );
  add(
    "v1 intoto two signatures",
    json({
      apiVersion: "0.0.2",
      kind: "intoto",
      spec: {
        content: {
          envelope: {
            payloadType: "application/vnd.in-toto+json",
            signatures: [
              { sig: "c2ln", publicKey: pem("p384.pub.pem") },
              { sig: "c2ln", publicKey: b64text(pem("ed25519.pub.pem")) },
            ],
          },
          hash: { algorithm: "sha256", value: "4".repeat(64) },
          payloadHash: { algorithm: "sha256", value: "5".repeat(64) },
        },
      },
    }),
  );

  // Bodies to survive: no keys, no facts, never a throw.
  add(
    "v2 hashedrekord garbage certificate",
    json(v2HashedRekordBody(v2digest, { x509Certificate: { rawBytes: b64(utf8Encode("not a certificate")) } })),
  );
  add("v2 hashedrekord no verifier", json(v2HashedRekordBody(v2digest, {})));
  add(
    "v1 hashedrekord not base64",
    json({
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: { data: { hash: sha256 }, signature: { publicKey: { content: "%%%" } } },
    }),
  );
  add(
    "unknown kind",
    json({
      apiVersion: "0.0.1",
      kind: "helm",
      spec: {
        chart: { provenance: { signature: { publicKey: { content: pem("p256.pub.pem") } } } },
        data: { hash: sha256 },
      },
    }),
  );
  add("unknown version", json({ ...v1HashedRekordBody(sha256, pkiText("p256.pub.pem")), apiVersion: "0.0.9" }));
  add("no apiVersion", json({ kind: "hashedrekord", spec: { data: { hash: sha256 } } }));
  add("array", json([1, 2]));
  add("raw leaf", utf8Encode("a raw leaf, not JSON"));
  add("empty", new Uint8Array(0));
  add("leading whitespace", utf8Encode(` \n${JSON.stringify(v1HashedRekordBody(sha256, pkiText("p256.pub.pem")))}`));
  return out;
}
