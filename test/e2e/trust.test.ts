// The trust files a running log publishes (rekor-api.md §3.4), used exactly as a client uses
// them: the SigningConfig says where to write (the Rekor v2 and v1 URLs of the shard taking writes),
// the TrustedRoot says which keys to trust, and the real sigstore-js verifier checks bundles made with
// @sigstore/sign against nothing but those two files and the signer's own key.
import { bundleFromJSON, bundleToJSON } from "@sigstore/bundle";
import { PublicKeyDetails, SigningConfig, TrustedRoot } from "@sigstore/protobuf-specs";
import { DSSEBundleBuilder, MessageSignatureBundleBuilder, RekorWitness } from "@sigstore/sign";
import { Verifier, toSignedEntity, toTrustMaterial } from "@sigstore/verify";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey } from "../../src/tlog/note.ts";
import { runCli } from "./cli-runner.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";
import { localSigner } from "./local-signer.ts";

const TRUSTED_ROOT = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
const SIGNING_CONFIG = "application/vnd.dev.sigstore.signingconfig.v0.2+json";

let log: LocalLog;
beforeAll(async () => {
  log = await startLocalLog({ LOG_VALID_FROM: "2026-01-01T00:00:00Z" });
}, 60_000);
afterAll(async () => {
  await log?.stop();
});

async function getJson(path: string): Promise<any> {
  const r = await fetch(`${log.url}${path}`);
  expect(r.status, path).toBe(200);
  expect(r.headers.get("content-type"), path).toMatch(/^application\/json/);
  return r.json();
}

/** The verifier a client builds from the log's published TrustedRoot (plus the signer's key, as with any key-based bundle). */
async function verifierFromTrustFiles(spki: Uint8Array, timestampThreshold: number) {
  const root = TrustedRoot.fromJSON(await getJson("/api/v1/trust/trusted_root.json"));
  const trust = toTrustMaterial(root, {
    signer: { rawBytes: spki, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start: new Date(0) } },
  });
  return new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold });
}

/** The Rekor service sigstore-js would pick from the SigningConfig for a client of this major version. */
async function rekorService(majorApiVersion: number) {
  const config = SigningConfig.fromJSON(await getJson("/api/v1/trust/signing_config.json"));
  const services = config.rekorTlogUrls.filter(
    (s) => s.majorApiVersion <= majorApiVersion && (!s.validFor?.end || s.validFor.end >= new Date()),
  );
  services.sort((a, b) => (b.validFor?.start?.getTime() ?? 0) - (a.validFor?.start?.getTime() ?? 0));
  const chosen = services[0]!;
  expect(chosen.majorApiVersion).toBe(majorApiVersion);
  return new RekorWitness({
    rekorBaseURL: chosen.url,
    majorApiVersion: chosen.majorApiVersion,
    entryType: "dsse",
    timeout: 20_000,
    retry: 0,
  });
}

describe("trust files", () => {
  it("are published with the exact media types and name this log's keys", async () => {
    const root = await getJson("/api/v1/trust/trusted_root.json");
    expect(root.mediaType).toBe(TRUSTED_ROOT);
    expect(root.tlogs).toHaveLength(2); // the Ed25519 checkpoint key (v2) and the ECDSA key (v1)
    const [v2, v1] = root.tlogs;
    expect(v2).toMatchObject({
      baseUrl: log.url,
      hashAlgorithm: "SHA2_256",
      publicKey: { keyDetails: "PKIX_ED25519", validFor: { start: "2026-01-01T00:00:00Z" } },
    });
    expect(v2.checkpointKeyId).toEqual(v2.logId);
    expect(Buffer.from(v2.publicKey.rawBytes, "base64").subarray(-32)).toEqual(Buffer.from(log.publicKey));
    expect(v1).toMatchObject({ baseUrl: log.url, publicKey: { keyDetails: "PKIX_ECDSA_P256_SHA_256" } });
    const pem = await (await fetch(`${log.url}/api/v1/log/publicKey`)).text();
    expect(Buffer.from(v1.publicKey.rawBytes, "base64").toString("base64")).toBe(
      pem.replace(/-----[A-Z ]+-----|\s/g, ""),
    );

    const config = await getJson("/api/v1/trust/signing_config.json");
    expect(config.mediaType).toBe(SIGNING_CONFIG);
    expect(config.rekorTlogUrls).toEqual([
      { url: log.url, majorApiVersion: 2, validFor: { start: "2026-01-01T00:00:00Z" }, operator: "localhost" },
      { url: log.url, majorApiVersion: 1, validFor: { start: "2026-01-01T00:00:00Z" }, operator: "localhost" },
    ]);
    expect(config.rekorTlogConfig).toEqual({ selector: "ANY" });
    // The same files for this shard alone, under its prefix.
    expect(await getJson("/default/api/v1/trust/trusted_root.json")).toEqual(root);
    expect(await getJson("/default/api/v1/trust/signing_config.json")).toEqual(config);
  });

  it("a Rekor v2 bundle made with @sigstore/sign verifies with sigstore-js and nothing but the trust files", async () => {
    const { signer, spki } = localSigner("signer");
    const data = Buffer.from(`trust v2 ${Date.now()}`);
    const bundle = bundleToJSON(
      await new MessageSignatureBundleBuilder({ signer, witnesses: [await rekorService(2)] }).create({ data }),
    );
    expect(bundle.verificationMaterial!.tlogEntries[0]!.kindVersion).toEqual({
      kind: "hashedrekord",
      version: "0.0.2",
    });
    const verifier = await verifierFromTrustFiles(spki, 0); // v2: no integrated time (rekor-api.md §3.2)
    verifier.verify(toSignedEntity(bundleFromJSON(bundle), data));
    expect(() => verifier.verify(toSignedEntity(bundleFromJSON(bundle), Buffer.from("tampered")))).toThrow();
  });

  it("a Rekor v1 bundle (SET + v1 checkpoint) verifies with sigstore-js and the trust files", async () => {
    const { signer, spki } = localSigner("signer");
    const data = Buffer.from(`trust v1 ${Date.now()}`);
    const bundle = bundleToJSON(
      await new MessageSignatureBundleBuilder({ signer, witnesses: [await rekorService(1)] }).create({ data }),
    );
    const entry = bundle.verificationMaterial!.tlogEntries[0]!;
    expect(entry.kindVersion).toEqual({ kind: "hashedrekord", version: "0.0.1" });
    expect(entry.inclusionPromise?.signedEntryTimestamp).toBeTruthy();
    const verifier = await verifierFromTrustFiles(spki, 1); // the SET is a verified timestamp
    verifier.verify(toSignedEntity(bundleFromJSON(bundle), data));
    // A DSSE attestation through v1 as well.
    const payload = Buffer.from(
      JSON.stringify({
        _type: "https://in-toto.io/Statement/v1",
        subject: [],
        predicateType: "x",
        predicate: { n: Date.now() },
      }),
    );
    const dsse = bundleToJSON(
      await new DSSEBundleBuilder({ signer, witnesses: [await rekorService(1)] }).create({
        data: payload,
        type: "application/vnd.in-toto+json",
      }),
    );
    verifier.verify(toSignedEntity(bundleFromJSON(dsse)));
  });

  it("a TrustedRoot without this log's keys refuses the same bundle", async () => {
    const { signer, spki } = localSigner("signer");
    const data = Buffer.from(`untrusted ${Date.now()}`);
    const bundle = bundleToJSON(
      await new MessageSignatureBundleBuilder({ signer, witnesses: [await rekorService(2)] }).create({ data }),
    );
    const root = await getJson("/api/v1/trust/trusted_root.json");
    const empty = TrustedRoot.fromJSON({ ...root, tlogs: [] });
    const trust = toTrustMaterial(empty, {
      signer: {
        rawBytes: spki,
        keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
        validFor: { start: new Date(0) },
      },
    });
    expect(() =>
      new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 0 }).verify(
        toSignedEntity(bundleFromJSON(bundle), data),
      ),
    ).toThrow();
  });

  it("edgelog trust checks and saves them; a TrustedRoot saved by it verifies a bundle; a key it does not list fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgelog-trust-"));
    const ok = await runCli(["trust", "--url", log.url, "--log-key", log.vkey, "--out-dir", dir]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`✓ the trusted root lists the log key ${log.vkey.split("+")[0]}`);
    expect(ok.stdout).toMatch(/Rekor v2 {2}http:\/\/localhost:\d+/);
    const savedRoot = JSON.parse(readFileSync(join(dir, "trusted_root.json"), "utf8"));
    expect(savedRoot).toEqual(await getJson("/api/v1/trust/trusted_root.json"));
    expect(JSON.parse(readFileSync(join(dir, "signing_config.json"), "utf8"))).toEqual(
      await getJson("/api/v1/trust/signing_config.json"),
    );

    // The saved file is what a client loads.
    const { signer, spki } = localSigner("signer");
    const data = Buffer.from(`trust cli ${Date.now()}`);
    const bundle = bundleToJSON(
      await new MessageSignatureBundleBuilder({ signer, witnesses: [await rekorService(2)] }).create({ data }),
    );
    const trust = toTrustMaterial(TrustedRoot.fromJSON(savedRoot), {
      signer: {
        rawBytes: spki,
        keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
        validFor: { start: new Date(0) },
      },
    });
    new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 0 }).verify(
      toSignedEntity(bundleFromJSON(bundle), data),
    );

    // Another key with the same name (as a MITM'd or misconfigured log would publish) is not listed.
    const other = generateKey(log.vkey.split("+")[0]!).vkey;
    const bad = await runCli(["trust", "--url", log.url, "--log-key", other]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/does not list the log key/);
    const json = await runCli(["trust", "--url", log.url, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).trustedRoot).toEqual(savedRoot);
    const unreachable = await runCli(["trust", "--url", "http://127.0.0.1:9"]);
    expect(unreachable.code).toBe(3);
  });
});
