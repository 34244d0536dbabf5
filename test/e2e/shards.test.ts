// Adding a shard to a running log, end to end (README "Shards"): a one-log deployment
// (today's configuration, no shard settings at all) takes entries from sigstore-js over Rekor v2 and
// v1; it is then redeployed over the same state with a second shard made active, which freezes the
// first. The frozen log keeps its URL, checkpoint, tiles, proofs and v1 lookups and answers writes with
// rekor-tiles' 405 (its Sequencer refuses them too); new entries go to the new shard at its prefix;
// Rekor v1 numbers entries globally across both; the published trust files verify every bundle, old
// and new, with the real sigstore-js verifier.
import { bundleFromJSON, bundleToJSON } from "@sigstore/bundle";
import { PublicKeyDetails, SigningConfig, TrustedRoot } from "@sigstore/protobuf-specs";
import { MessageSignatureBundleBuilder, RekorWitness } from "@sigstore/sign";
import { Verifier, toSignedEntity, toTrustMaterial } from "@sigstore/verify";
import { afterAll, describe, expect, it } from "vitest";
import { TileReader } from "../../src/client/tile-reader.ts";
import { generateKey, newVerifier } from "../../src/tlog/note.ts";
import { v1TestKey } from "../setup/bindings.ts";
import { deploy, type Deployment } from "./sharded-log.ts";
import { localSigner } from "./local-signer.ts";

const FROZEN = "This log has been frozen, please switch to the latest log.";

let d: Deployment | undefined;
afterAll(async () => {
  await d?.destroy();
});

const getJson = async (url: string) => {
  const r = await fetch(url);
  expect(r.status, url).toBe(200);
  return r.json() as Promise<any>;
};

/** Signs `data` and logs it through the Rekor service of this major version that the deployment's SigningConfig names. */
async function signAndLog(base: string, majorApiVersion: 1 | 2, data: Buffer) {
  const config = SigningConfig.fromJSON(await getJson(`${base}/api/v1/trust/signing_config.json`));
  const service = config.rekorTlogUrls.find((s) => s.majorApiVersion === majorApiVersion)!;
  const { signer, spki } = localSigner("signer");
  const witness = new RekorWitness({ rekorBaseURL: service.url, majorApiVersion, timeout: 20_000, retry: 0 });
  const bundle = bundleToJSON(
    await new MessageSignatureBundleBuilder({ signer, witnesses: [witness] }).create({ data }),
  );
  return { bundle, spki, data, url: service.url };
}

async function verifyWithTrustFiles(
  base: string,
  b: { bundle: any; spki: Uint8Array; data: Buffer },
  timestampThreshold: number,
) {
  const root = TrustedRoot.fromJSON(await getJson(`${base}/api/v1/trust/trusted_root.json`));
  const trust = toTrustMaterial(root, {
    signer: {
      rawBytes: b.spki,
      keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
      validFor: { start: new Date(0) },
    },
  });
  new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold }).verify(
    toSignedEntity(bundleFromJSON(b.bundle), b.data),
  );
}

const reader = (url: string, vkey: string) =>
  new TileReader(
    async (p) => {
      const r = await fetch(`${url}/${p}`);
      return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
    },
    [newVerifier(vkey)],
  );

describe("adding a shard to a running log", () => {
  it("freezes the old log (readable, 405 on writes) and sends new entries to the new one", async () => {
    // --- a single log, configured exactly as before shards existed ---
    let old!: { skey: string; vkey: string; v1: string };
    d = await deploy((port) => {
      const k = generateKey(`localhost:${port}`);
      old = { ...k, v1: v1TestKey() };
      return { LOG_ORIGIN: `localhost:${port}`, LOG_SIGNING_KEY: k.skey, LOG_V1_SIGNING_KEY: old.v1 };
    });
    const base = d.url;
    const v2old = await signAndLog(base, 2, Buffer.from(`before rotation v2 ${Date.now()}`));
    const v1old = await signAndLog(base, 1, Buffer.from(`before rotation v1 ${Date.now()}`));
    expect(v2old.url).toBe(base);
    const v1oldEntry = v1old.bundle.verificationMaterial.tlogEntries[0];
    const infoBefore = await getJson(`${base}/api/v1/log`);
    const oldTree = infoBefore.treeID as string;
    const finalCheckpoint = await (await fetch(`${base}/checkpoint`)).text();

    // --- redeploy: SHARDS = "default,log2027", ACTIVE_SHARD = "log2027" (README, "Adding a shard") ---
    const origin2027 = `localhost:${d.port}/log2027`;
    const k2027 = generateKey(origin2027);
    d = await d.redeploy({
      LOG_ORIGIN: `localhost:${d.port}`,
      LOG_SIGNING_KEY: old.skey,
      LOG_V1_SIGNING_KEY: old.v1,
      SHARDS: "default,log2027",
      ACTIVE_SHARD: "log2027",
      LOG_ORIGIN_LOG2027: origin2027,
      LOG_SIGNING_KEY_LOG2027: k2027.skey,
      LOG_V1_SIGNING_KEY_LOG2027: v1TestKey(),
    });

    // The frozen log at its own URL: the same final checkpoint, tiles, proofs; writes refused.
    expect(await (await fetch(`${base}/checkpoint`)).text()).toBe(finalCheckpoint);
    expect(await (await fetch(`${base}/default/checkpoint`)).text()).toBe(finalCheckpoint);
    const frozen = await fetch(`${base}/api/v2/log/entries`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(frozen.status).toBe(405);
    expect(await frozen.text()).toBe(`${FROZEN}\n`);
    const { signer } = localSigner("signer");
    await expect(
      new MessageSignatureBundleBuilder({
        signer,
        witnesses: [new RekorWitness({ rekorBaseURL: base, majorApiVersion: 2, timeout: 20_000, retry: 0 })],
      }).create({ data: Buffer.from("late") }),
    ).rejects.toThrow(/405|frozen/i);
    const ns = await d.mf.getDurableObjectNamespace("SEQUENCER");
    const sequencer = ns.get(ns.idFromName("default")) as unknown as {
      add(leaf: Uint8Array): Promise<{ kind: string; reason?: string }>;
    };
    expect(await sequencer.add(new TextEncoder().encode("straight to the frozen sequencer"))).toEqual({
      kind: "rejected",
      reason: FROZEN,
    });

    const tiles = reader(base, old.vkey);
    const cp = await tiles.checkpoint();
    expect(cp.size).toBe(infoBefore.treeSize);
    const v2oldEntry = v2old.bundle.verificationMaterial.tlogEntries[0];
    const v2oldIndex = Number(v2oldEntry.logIndex ?? 0); // protojson leaves out a zero index
    const leaf = await tiles.entry(v2oldIndex, cp.size);
    expect(Buffer.from(leaf).toString("base64")).toBe(v2oldEntry.canonicalizedBody);
    await tiles.verifyInclusion(leaf, v2oldIndex, cp);

    // New entries go to the new shard, at the URL the SigningConfig now names.
    const v2new = await signAndLog(base, 2, Buffer.from(`after rotation v2 ${Date.now()}`));
    expect(v2new.url).toBe(`${base}/log2027`);
    expect(
      v2new.bundle.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope.startsWith(`${origin2027}\n`),
    ).toBe(true);
    const v1new = await signAndLog(base, 1, Buffer.from(`after rotation v1 ${Date.now()}`));
    const v1newEntry = v1new.bundle.verificationMaterial.tlogEntries[0];
    // Rekor v1: global index = the frozen shard's size + the index in the new shard.
    expect(Number(v1newEntry.logIndex)).toBe(cp.size + Number(v1newEntry.inclusionProof.logIndex ?? 0));
    const newCp = await reader(`${base}/log2027`, k2027.vkey).checkpoint();
    expect(newCp.size).toBe(2);

    // Unprefixed Rekor v1 is the whole deployment: the new shard's tree, the old one inactive,
    // entries of both found by index and UUID.
    const info = await getJson(`${base}/api/v1/log`);
    expect(info.treeID).not.toBe(oldTree);
    expect(info.inactiveShards).toEqual([
      expect.objectContaining({ treeID: oldTree, treeSize: cp.size, rootHash: Buffer.from(cp.root).toString("hex") }),
    ]);
    const oldByIndex = await getJson(`${base}/api/v1/log/entries?logIndex=${v1oldEntry.logIndex ?? 0}`);
    const newByIndex = await getJson(`${base}/api/v1/log/entries?logIndex=${v1newEntry.logIndex}`);
    const [oldUuid] = Object.keys(oldByIndex);
    const [newUuid] = Object.keys(newByIndex);
    expect(oldUuid!.slice(16)).toBe(
      Buffer.from(
        await crypto.subtle.digest(
          "SHA-256",
          Buffer.concat([Buffer.from([0]), Buffer.from(v1oldEntry.canonicalizedBody, "base64")]),
        ),
      ).toString("hex"),
    );
    for (const uuid of [oldUuid!, newUuid!])
      expect(Object.keys(await getJson(`${base}/api/v1/log/entries/${uuid}`))).toEqual([uuid]);
    const proof = await getJson(`${base}/api/v1/log/proof?treeID=${oldTree}&lastSize=${cp.size}`);
    expect(proof.rootHash).toBe(Buffer.from(cp.root).toString("hex"));

    // One TrustedRoot from the deployment verifies every bundle, from before and after the rotation.
    await verifyWithTrustFiles(base, v2old, 0);
    await verifyWithTrustFiles(base, v1old, 1);
    await verifyWithTrustFiles(base, v2new, 0);
    await verifyWithTrustFiles(base, v1new, 1);
    const root = await getJson(`${base}/api/v1/trust/trusted_root.json`);
    expect(root.tlogs.map((t: any) => t.baseUrl)).toEqual([base, base, `${base}/log2027`, `${base}/log2027`]);
  });
});
