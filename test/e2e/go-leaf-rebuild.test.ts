// sigstore-js bundles, checked by sigstore-go's rule (test/helpers/go-leaf-rebuild.ts): for a bundle sigstore-js made
// through edgelog's Rekor v2 API, the leaf a Go client rebuilds from the bundle alone — digest, signature, the trusted
// key or the bundle's certificate, default key details — is byte for byte the leaf the log logged, so the bundle's
// inclusion proof verifies for Go clients too. sigstore-js 5 signs Rekor v2 entries with P-256 only (it hard-codes
// PKIX_ECDSA_P256_SHA_256), with a key or a certificate; other key types: test/rekor/go-leaf-rebuild.test.ts.
import { bundleToJSON } from "@sigstore/bundle";
import { MessageSignatureBundleBuilder, RekorWitness, type Signer } from "@sigstore/sign";
import { sha256 } from "@noble/hashes/sha2.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePem } from "../../src/pki/keys.ts";
import { fromBase64, utf8Decode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { checkInclusion } from "../../src/tlog/proof.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { parseNote } from "../../src/tlog/note.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { goRebuiltLeaf } from "../helpers/go-leaf-rebuild.ts";
import { p256Key } from "../helpers/keys.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";
import { localSigner } from "./local-signer.ts";

let log: LocalLog;
beforeAll(async () => {
  log = await startLocalLog();
}, 60_000);
afterAll(async () => {
  await log?.stop();
});

async function sign(signer: Signer, data: Buffer) {
  const builder = new MessageSignatureBundleBuilder({
    signer,
    witnesses: [new RekorWitness({ rekorBaseURL: log.url, majorApiVersion: 2, timeout: 20_000, retry: 0 })],
  });
  return bundleToJSON(await builder.create({ data }));
}

/** Rebuilds the leaf as sigstore-go does and checks it against the bundle's proof and the logged body. */
async function expectGoRebuilds(
  bundle: ReturnType<typeof bundleToJSON>,
  key: { certificate: Uint8Array } | { publicKey: Uint8Array },
) {
  const ms = (bundle as any).messageSignature;
  const rebuilt = await goRebuiltLeaf(fromBase64(ms.messageDigest.digest), fromBase64(ms.signature), key);
  const entry = bundle.verificationMaterial!.tlogEntries[0]!;
  expect(utf8Decode(fromBase64(entry.canonicalizedBody))).toBe(rebuilt);
  // What sigstore-go then checks: the rebuilt leaf's hash against the bundle's proof and checkpoint root.
  const cp = parseCheckpoint(parseNote(entry.inclusionProof!.checkpoint!.envelope).text);
  checkInclusion(
    (entry.inclusionProof!.hashes ?? []).map(fromBase64),
    Number(entry.logIndex ?? 0),
    cp.size,
    hashLeaf(new TextEncoder().encode(rebuilt)),
    cp.root,
  );
}

describe("sigstore-js bundles rebuild under sigstore-go's rule", () => {
  it("a P-256 key named by hint (the key from the verifier's trust material)", async () => {
    const { signer, spki } = localSigner("test-key");
    const bundle = await sign(signer, Buffer.from(`go rebuild key ${Date.now()}`));
    expect((bundle.verificationMaterial as any).publicKey.hint).toBe("test-key");
    await expectGoRebuilds(bundle, { publicKey: spki });
  });

  it("a P-256 certificate (the bundle's leaf certificate)", async () => {
    const key = p256Key();
    const cert = fulcioCertificate(key, { email: "go-rebuild@example.org", issuer: "https://issuer.example" });
    const signer: Signer = {
      async sign(data: Buffer) {
        return {
          signature: Buffer.from(key.signDigest(sha256(data))),
          key: { $case: "x509Certificate", certificate: encodePem("CERTIFICATE", cert) },
        };
      },
    };
    const bundle = await sign(signer, Buffer.from(`go rebuild cert ${Date.now()}`));
    // sigstore-go takes the leaf (first) certificate of the bundle's chain.
    expect(fromBase64((bundle.verificationMaterial as any).x509CertificateChain.certificates[0].rawBytes)).toEqual(
      cert,
    );
    await expectGoRebuilds(bundle, { certificate: cert });
  });
});
