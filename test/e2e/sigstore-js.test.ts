// The real sigstore-js client against edgelog: sign with a local ECDSA key, upload through the
// client's own RekorWitness, then verify the bundle (inclusion proof + checkpoint) with
// @sigstore/verify and a trusted root listing this log. Runs in Node (the client is a Node library).
import { bundleToJSON, bundleFromJSON } from "@sigstore/bundle";
import { PublicKeyDetails, TrustedRoot } from "@sigstore/protobuf-specs";
import { DSSEBundleBuilder, MessageSignatureBundleBuilder, RekorWitness } from "@sigstore/sign";
import { Verifier, toSignedEntity, toTrustMaterial } from "@sigstore/verify";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCosignatureKey, newCosignatureVerifier, verifyCosignatures } from "../../src/tlog/cosignature.ts";
import { concatBytes, fromHex, toBase64 } from "../../src/tlog/encoding.ts";
import { parseNote } from "../../src/tlog/note.ts";
import { sha256Bytes } from "../../src/tlog/hash.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";
import { localSigner } from "./local-signer.ts";

const ED25519_SPKI_PREFIX = fromHex("302a300506032b6570032100");

let log: LocalLog;
beforeAll(async () => {
  log = await startLocalLog();
}, 60_000);
afterAll(async () => {
  await log?.stop();
});

/**
 * A TrustedRoot that lists this log (rekor-api.md §3.4) twice, as Sigstore lists a v2 shard and a v1
 * log: the Ed25519 checkpoint key (log ID = C2SP key hash) and the v1 ECDSA key (log ID = SHA-256(SPKI)).
 */
function trustedRootFor(l: LocalLog) {
  const logId = sha256Bytes(concatBytes(new TextEncoder().encode(l.origin), new Uint8Array([0x0a, 0x01]), l.publicKey));
  const v1Spki = new Uint8Array(
    createPublicKey(createPrivateKey(l.v1PrivateKeyPem)).export({ format: "der", type: "spki" }),
  );
  const validFor = { start: "2020-01-01T00:00:00Z" };
  return TrustedRoot.fromJSON({
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: l.url,
        hashAlgorithm: "SHA2_256",
        publicKey: {
          rawBytes: toBase64(concatBytes(ED25519_SPKI_PREFIX, l.publicKey)),
          keyDetails: "PKIX_ED25519",
          validFor,
        },
        logId: { keyId: toBase64(logId) },
        checkpointKeyId: { keyId: toBase64(logId) },
      },
      {
        baseUrl: l.url,
        hashAlgorithm: "SHA2_256",
        publicKey: { rawBytes: toBase64(v1Spki), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor },
        logId: { keyId: toBase64(sha256Bytes(v1Spki)) },
      },
    ],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  });
}

function verifierFor(spki: Uint8Array, timestampThreshold = 0, l: LocalLog = log) {
  const trust = toTrustMaterial(trustedRootFor(l), {
    "test-key": {
      rawBytes: spki,
      keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
      validFor: { start: new Date(0) },
    },
  });
  // Rekor v2 gives no integrated time, so a v2 public-key bundle needs timestampThreshold 0
  // (rekor-api.md §3.2); a v1 entry's SET is a verified timestamp, so v1 bundles are checked with 1.
  return new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold });
}

describe("sigstore-js against edgelog (Rekor v2 API)", () => {
  it("signs a message, uploads it, and verifies the bundle's inclusion proof and checkpoint", async () => {
    const { signer, spki } = localSigner("test-key");
    const data = Buffer.from(`release artifact ${Date.now()}`);
    const builder = new MessageSignatureBundleBuilder({
      signer,
      witnesses: [new RekorWitness({ rekorBaseURL: log.url, majorApiVersion: 2, timeout: 20_000, retry: 0 })],
    });
    const bundle = bundleToJSON(await builder.create({ data }));
    const entry = bundle.verificationMaterial!.tlogEntries[0]!;
    expect(entry.kindVersion).toEqual({ kind: "hashedrekord", version: "0.0.2" });
    expect(entry.inclusionProof!.checkpoint.envelope).toContain(log.origin);
    verifierFor(spki).verify(toSignedEntity(bundleFromJSON(bundle), data));
    // Tampering with the artifact must fail verification.
    expect(() => verifierFor(spki).verify(toSignedEntity(bundleFromJSON(bundle), Buffer.from("other")))).toThrow();
  });

  it("signs a DSSE attestation (dsseRequestV002) and verifies it", async () => {
    const { signer, spki } = localSigner("test-key");
    const payload = Buffer.from(
      JSON.stringify({
        _type: "https://in-toto.io/Statement/v1",
        subject: [],
        predicateType: "x",
        predicate: { n: Date.now() },
      }),
    );
    const builder = new DSSEBundleBuilder({
      signer,
      witnesses: [new RekorWitness({ rekorBaseURL: log.url, majorApiVersion: 2, timeout: 20_000, retry: 0 })],
    });
    const bundle = bundleToJSON(await builder.create({ data: payload, type: "application/vnd.in-toto+json" }));
    expect(bundle.verificationMaterial!.tlogEntries[0]!.kindVersion).toEqual({ kind: "dsse", version: "0.0.2" });
    verifierFor(spki).verify(toSignedEntity(bundleFromJSON(bundle)));
  });

  it("rejects a bundle whose inclusion proof was altered", async () => {
    const { signer, spki } = localSigner("test-key");
    const data = Buffer.from(`tamper ${Date.now()}`);
    const builder = new MessageSignatureBundleBuilder({
      signer,
      witnesses: [new RekorWitness({ rekorBaseURL: log.url, majorApiVersion: 2, timeout: 20_000, retry: 0 })],
    });
    const bundle = bundleToJSON(await builder.create({ data }));
    const proof = bundle.verificationMaterial!.tlogEntries[0]!.inclusionProof!;
    proof.rootHash = toBase64(new Uint8Array(32));
    proof.checkpoint.envelope = proof.checkpoint.envelope.replace(
      /\n[A-Za-z0-9+/=]{44}\n/,
      `\n${toBase64(new Uint8Array(32))}\n`,
    );
    expect(() => verifierFor(spki).verify(toSignedEntity(bundleFromJSON(bundle), data))).toThrow();
  });
});

describe("sigstore-js against edgelog (Rekor v1 API)", () => {
  const v1Witness = (entryType?: "dsse" | "intoto") =>
    new RekorWitness({
      rekorBaseURL: log.url,
      majorApiVersion: 1,
      entryType,
      fetchOnConflict: true,
      timeout: 20_000,
      retry: 0,
    });

  it("hashedrekord 0.0.1: signs, uploads, and verifies SET, checkpoint and inclusion", async () => {
    const { signer, spki } = localSigner("test-key");
    const data = Buffer.from(`v1 artifact ${Date.now()}`);
    const bundle = bundleToJSON(
      await new MessageSignatureBundleBuilder({ signer, witnesses: [v1Witness()] }).create({ data }),
    );
    const entry = bundle.verificationMaterial!.tlogEntries[0]!;
    expect(entry.kindVersion).toEqual({ kind: "hashedrekord", version: "0.0.1" });
    expect(entry.inclusionPromise?.signedEntryTimestamp).toBeTruthy();
    verifierFor(spki, 1).verify(toSignedEntity(bundleFromJSON(bundle), data));
    expect(() => verifierFor(spki, 1).verify(toSignedEntity(bundleFromJSON(bundle), Buffer.from("other")))).toThrow();
  });

  it("dsse 0.0.1 and intoto 0.0.2: attestations upload and verify", async () => {
    for (const entryType of ["dsse", "intoto"] as const) {
      const { signer, spki } = localSigner("test-key");
      const payload = Buffer.from(
        JSON.stringify({
          _type: "https://in-toto.io/Statement/v1",
          subject: [],
          predicateType: "x",
          predicate: { entryType, n: Date.now() },
        }),
      );
      const bundle = bundleToJSON(
        await new DSSEBundleBuilder({ signer, witnesses: [v1Witness(entryType)] }).create({
          data: payload,
          type: "application/vnd.in-toto+json",
        }),
      );
      expect(bundle.verificationMaterial!.tlogEntries[0]!.kindVersion).toEqual(
        entryType === "dsse" ? { kind: "dsse", version: "0.0.1" } : { kind: "intoto", version: "0.0.2" },
      );
      verifierFor(spki, 1).verify(toSignedEntity(bundleFromJSON(bundle)));
    }
  });

  it("a duplicate upload is fetched from the log (409 + Location, fetchOnConflict) and still verifies", async () => {
    const { signer, spki } = localSigner("test-key");
    const data = Buffer.from(`v1 duplicate ${Date.now()}`);
    // ECDSA signatures are randomized: make the signer deterministic so both uploads are the same entry.
    let first: { signature: Buffer; key: any } | undefined;
    const once: typeof signer = { sign: async (d: Buffer) => (first ??= await signer.sign(d)) as any };
    const a = bundleToJSON(
      await new MessageSignatureBundleBuilder({ signer: once, witnesses: [v1Witness()] }).create({ data }),
    );
    const b = bundleToJSON(
      await new MessageSignatureBundleBuilder({ signer: once, witnesses: [v1Witness()] }).create({ data }),
    );
    expect(b.verificationMaterial!.tlogEntries[0]!.logIndex).toBe(a.verificationMaterial!.tlogEntries[0]!.logIndex);
    verifierFor(spki, 1).verify(toSignedEntity(bundleFromJSON(b), data));
  });
});

describe("sigstore-js against a log whose checkpoints carry witness cosignatures", () => {
  // The log has its own witness cosign every checkpoint before publishing it (WITNESS_QUORUM = 1): the
  // TransparencyLogEntry's checkpoint envelope then has a cosignature line after the log's signature,
  // which sigstore-js must ignore (C2SP signed-note: unknown signatures are ignored).
  const witness = generateCosignatureKey("witness.example/sigstore-js");
  let wlog: LocalLog;
  beforeAll(async () => {
    wlog = await startLocalLog(
      { WITNESS_SIGNING_KEY: witness.skey, WITNESSES: `${witness.vkey} binding:WITNESS`, WITNESS_QUORUM: "1" },
      ({ vkey }) => ({ WITNESSED_LOGS: vkey }),
    );
  }, 60_000);
  afterAll(async () => {
    await wlog?.stop();
  });

  it("uploads and verifies a bundle whose checkpoint is cosigned", async () => {
    const { signer, spki } = localSigner("test-key");
    const data = Buffer.from(`cosigned artifact ${Date.now()}`);
    const v2 = bundleToJSON(
      await new MessageSignatureBundleBuilder({
        signer,
        witnesses: [new RekorWitness({ rekorBaseURL: wlog.url, majorApiVersion: 2, timeout: 20_000, retry: 0 })],
      }).create({ data }),
    );
    const envelope = parseNote(v2.verificationMaterial!.tlogEntries[0]!.inclusionProof!.checkpoint.envelope);
    expect(envelope.sigs.map((s) => s.name)).toEqual([wlog.origin, "witness.example/sigstore-js"]);
    expect(verifyCosignatures(envelope.text, envelope.sigs, [newCosignatureVerifier(witness.vkey)]).valid).toHaveLength(
      1,
    );
    verifierFor(spki, 0, wlog).verify(toSignedEntity(bundleFromJSON(v2), data));
    expect(() => verifierFor(spki, 0, wlog).verify(toSignedEntity(bundleFromJSON(v2), Buffer.from("other")))).toThrow();
  });
});
