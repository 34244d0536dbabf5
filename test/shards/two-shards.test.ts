// Two shards side by side in one deployment: the Worker is called with a configuration
// that lists shardtest-a and shardtest-b (their keys are in test/setup/bindings.ts). First a is active
// and b pending; then b is made active, which freezes a. Writes go to the active shard, a frozen one
// answers 405 and still serves its checkpoint, tiles, proofs and Rekor v1 lookups, with global v1
// indexes across both. (test/e2e/shards.test.ts does the same across a real restart, with sigstore-js.)
import { env } from "cloudflare:workers";
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import worker, { app } from "../../src/index.ts";
import { TileReader } from "../../src/client/tile-reader.ts";
import { FROZEN_MESSAGE, PENDING_MESSAGE } from "../../src/config.ts";
import { decodePem, encodePem } from "../../src/pki/keys.ts";
import { canonicalize } from "../../src/rekor/jcs.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { fromBase64, fromHex, toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { newSigner, newVerifier, parseNote } from "../../src/tlog/note.ts";
import { checkConsistency, checkInclusion } from "../../src/tlog/proof.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { verifyHit, type Hit } from "../helpers/search.ts";
import { v1HashedRekord } from "../input/requests.ts";

const vars = env as unknown as Record<string, string>;
const A = "shardtest-a";
const B = "shardtest-b";
const phase1 = { ...vars, SHARDS: `${A},${B}`, ACTIVE_SHARD: A } as unknown as Env; // b pending
const phase2 = { ...vars, SHARDS: `${A},${B}`, ACTIVE_SHARD: B } as unknown as Env; // a frozen
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const json = { "content-type": "application/json" };

function call(e: Env, path: string, init?: RequestInit): Promise<Response> {
  return app.fetch(new Request(`http://localhost:8787${path}`, init), e, ctx);
}
const post = (e: Env, path: string, body: unknown) =>
  call(e, path, { method: "POST", headers: json, body: JSON.stringify(body) });

const drain = (shard: string) => env.SEQUENCER.get(env.SEQUENCER.idFromName(shard)).status(); // index outbox → D1
const vkey = (suffix: string) => newSigner(vars[`LOG_SIGNING_KEY_${suffix}`]!).vkey;
const reader = (e: Env, shard: string, suffix: string) =>
  new TileReader(
    async (p) => {
      const r = await call(e, `/${shard}/${p}`);
      return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
    },
    [newVerifier(vkey(suffix))],
  );

/** A v1 LogEntry checked as clients do: SET over the global index, v1 checkpoint, inclusion at the shard index. */
async function checkV1(e: Env, uuid: string, entry: any, treeId: string) {
  const spki = decodePem(await (await call(e, `/api/v1/log/publicKey?treeID=${treeId}`)).text())[0]!.der;
  expect(entry.logID).toBe(toHex(sha256(spki)));
  const set = canonicalize({
    body: entry.body,
    integratedTime: entry.integratedTime,
    logID: entry.logID,
    logIndex: entry.logIndex,
  });
  expect(
    p256.verify(fromBase64(entry.verification.signedEntryTimestamp), sha256(utf8Encode(set)), spki.slice(-65), {
      prehash: false,
      format: "der",
    }),
  ).toBe(true);
  const p = entry.verification.inclusionProof;
  const note = parseNote(p.checkpoint);
  expect(
    p256.verify(note.sigs[0]!.sig, sha256(utf8Encode(note.text)), spki.slice(-65), { prehash: false, format: "der" }),
  ).toBe(true);
  const cp = parseCheckpoint(note.text);
  expect(cp.origin.endsWith(` - ${treeId}`)).toBe(true);
  checkInclusion(
    p.hashes.map((h: string) => fromHex(h)),
    p.logIndex,
    p.treeSize,
    hashLeaf(fromBase64(entry.body)),
    cp.root,
  );
  expect(uuid.slice(0, 16)).toBe(BigInt(treeId).toString(16).padStart(16, "0"));
}

describe("two shards in one deployment", () => {
  it("writes go to the active shard; a frozen shard refuses writes (405) and stays fully readable", async () => {
    // --- phase 1: a active, b pending ---
    const shared = p256Key(); // signs one entry in each shard: search finds both
    const v2a = await post(phase1, "/api/v2/log/entries", hashedRekordV2(shared, utf8Encode(`a v2 ${Math.random()}`)));
    expect(v2a.status).toBe(201);
    const tleA = (await v2a.json()) as any;
    expect(tleA.inclusionProof.checkpoint.envelope.startsWith(`localhost:8787/${A}\n`)).toBe(true);
    const v1aReq = v1HashedRekord(p256Key(), utf8Encode(`a v1 ${Math.random()}`));
    const v1a = await post(phase1, "/api/v1/log/entries", v1aReq);
    expect(v1a.status).toBe(201);
    const [uuidA] = Object.keys((await v1a.json()) as object);
    const pending = await post(phase1, `/${B}/api/v2/log/entries`, hashedRekordV2(p256Key(), utf8Encode("too early")));
    expect(pending.status, await pending.clone().text()).toBe(405);
    expect(await pending.text()).toBe(`${PENDING_MESSAGE}\n`);
    const info1 = (await (await call(phase1, "/api/v1/log")).json()) as any;
    expect(info1.inactiveShards).toEqual([]); // a pending shard holds nothing
    const sizeA = info1.treeSize as number;
    const finalA = await (await call(phase1, `/${A}/checkpoint`)).text();

    // --- phase 2: b made active, which freezes a. The cron heartbeat after the deploy wakes every
    // shard that holds entries (the frozen one re-publishes its final checkpoint), not the pending ones.
    const woken: Promise<unknown>[] = [];
    const cron = {
      waitUntil: (p: Promise<unknown>) => woken.push(p),
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext;
    await worker.scheduled({} as ScheduledController, phase1, cron);
    expect(woken).toHaveLength(1); // a only: b is pending
    await Promise.all(woken.splice(0));
    await worker.scheduled({} as ScheduledController, phase2, cron);
    expect(woken).toHaveLength(2);
    await Promise.all(woken);
    expect((await env.SEQUENCER.get(env.SEQUENCER.idFromName(B)).status()).size).toBeGreaterThanOrEqual(0); // b exists now

    const frozenV2 = await post(phase2, `/${A}/api/v2/log/entries`, hashedRekordV2(p256Key(), utf8Encode("too late")));
    expect(frozenV2.status).toBe(405);
    expect(await frozenV2.text()).toBe(`${FROZEN_MESSAGE}\n`); // rekor-tiles' answer, verbatim
    const frozenV1 = await post(phase2, `/${A}/api/v1/log/entries`, v1HashedRekord(p256Key(), utf8Encode("too late")));
    expect(frozenV1.status).toBe(405);
    expect(await frozenV1.json()).toEqual({ code: 405, message: FROZEN_MESSAGE });

    const v2b = await post(phase2, "/api/v2/log/entries", hashedRekordV2(shared, utf8Encode(`b v2 ${Math.random()}`)));
    expect(v2b.status).toBe(201);
    const tleB = (await v2b.json()) as any;
    expect(tleB.inclusionProof.checkpoint.envelope.startsWith(`localhost:8787/${B}\n`)).toBe(true);
    expect(tleB.logId.keyId).not.toBe(tleA.logId.keyId);
    const v1b = await post(
      phase2,
      "/api/v1/log/entries",
      v1HashedRekord(p256Key(), utf8Encode(`b v1 ${Math.random()}`)),
    );
    expect(v1b.status).toBe(201);
    const mapB = (await v1b.json()) as Record<string, any>;
    const [uuidB] = Object.keys(mapB);
    const entryB = mapB[uuidB!];
    const localB = entryB.verification.inclusionProof.logIndex as number;
    expect(entryB.logIndex).toBe(sizeA + localB); // global index = frozen sizes before + index in the shard

    // The frozen shard's checkpoint is final and still served, under its prefix.
    expect(await (await call(phase2, `/${A}/checkpoint`)).text()).toBe(finalA);
    const tilesA = reader(phase2, A, "SHARDTEST_A");
    const cpA = await tilesA.checkpoint();
    expect(cpA.size).toBe(sizeA);
    const i = Number(tleA.logIndex);
    const leaf = await tilesA.entry(i, cpA.size);
    expect(toBase64(leaf)).toBe(tleA.canonicalizedBody);
    await tilesA.verifyInclusion(leaf, i, cpA);

    // v1 log info: the active shard, and the frozen one as an inactive shard.
    const info2 = (await (await call(phase2, "/api/v1/log")).json()) as any;
    const treeA = info1.treeID as string;
    expect(info2.treeID).not.toBe(treeA);
    expect(info2.inactiveShards).toHaveLength(1);
    expect(info2.inactiveShards[0]).toMatchObject({ treeID: treeA, treeSize: sizeA, rootHash: toHex(cpA.root) });
    expect(parseCheckpoint(parseNote(info2.inactiveShards[0].signedTreeHead).text).origin).toBe(
      `localhost:8787/${A} - ${treeA}`,
    );

    // v1 lookups find entries in either shard: by UUID (80 and 64 hex), by global index, in bulk.
    await drain(A);
    await drain(B);
    for (const path of [
      `/api/v1/log/entries/${uuidA}`,
      `/api/v1/log/entries/${uuidA!.slice(16)}`,
      `/${B}/api/v1/log/entries/${uuidA}`,
    ]) {
      const r = await call(phase2, path);
      expect(r.status, path).toBe(200);
      const [u, e] = Object.entries((await r.json()) as Record<string, any>)[0]!;
      expect(u).toBe(uuidA);
      expect(e.logIndex).toBe(e.verification.inclusionProof.logIndex); // a is the first shard: no offset
      await checkV1(phase2, u, e, treeA);
      const byIndex = (await (await call(phase2, `/api/v1/log/entries?logIndex=${e.logIndex}`)).json()) as Record<
        string,
        any
      >;
      expect(Object.keys(byIndex)).toEqual([uuidA]);
    }
    const gotB = (await (await call(phase2, `/api/v1/log/entries?logIndex=${entryB.logIndex}`)).json()) as Record<
      string,
      any
    >;
    expect(Object.keys(gotB)).toEqual([uuidB]);
    await checkV1(phase2, uuidB!, gotB[uuidB!], info2.treeID);
    expect((await call(phase2, `/api/v1/log/entries?logIndex=${sizeA + info2.treeSize}`)).status).toBe(404);
    // An 80-hex UUID names its tree: a's entry under b's tree ID is not found.
    expect((await call(phase2, `/api/v1/log/entries/${uuidB!.slice(0, 16)}${uuidA!.slice(16)}`)).status).toBe(404);
    const bulk = (await (
      await post(phase2, "/api/v1/log/entries/retrieve", { entryUUIDs: [uuidA, uuidB], entries: [v1aReq] })
    ).json()) as object[];
    expect(bulk.map((m) => Object.keys(m)[0])).toEqual([uuidA, uuidB, uuidA]);

    // Proofs and keys of the frozen shard through treeID, and through its prefix.
    const proof = (await (
      await call(phase2, `/api/v1/log/proof?treeID=${treeA}&firstSize=1&lastSize=${sizeA}`)
    ).json()) as any;
    expect(proof.rootHash).toBe(toHex(cpA.root));
    const viaPrefix = (await (
      await call(phase2, `/${A}/api/v1/log/proof?firstSize=1&lastSize=${sizeA}`)
    ).json()) as any;
    expect(viaPrefix).toEqual(proof);
    const first = await tilesA.entry(0, cpA.size);
    const root1 = hashLeaf(first);
    checkConsistency(
      proof.hashes.map((h: string) => fromHex(h)),
      1,
      sizeA,
      root1,
      cpA.root,
    );
    expect((await call(phase2, "/api/v1/log/publicKey?treeID=1")).status).toBe(404);

    // Search covers every shard: the shared key's entries in (shard, index) order, each verified
    // against its own shard's checkpoint key; Rekor v1 index/retrieve names each with its shard's tree ID.
    const found = (await (await call(phase2, `/api/v2/search?key=${toHex(sha256(shared.spki))}`)).json()) as {
      hits: Hit[];
    };
    expect(found.hits.map((h) => h.shard)).toEqual([A, B]);
    expect(found.hits.map((h) => h.entry.canonicalizedBody)).toEqual([tleA.canonicalizedBody, tleB.canonicalizedBody]);
    verifyHit(found.hits[0]!, vkey("SHARDTEST_A"));
    verifyHit(found.hits[1]!, vkey("SHARDTEST_B"));
    expect(() => verifyHit(found.hits[1]!, vkey("SHARDTEST_A"))).toThrow();
    const uuids = (await (
      await post(phase2, "/api/v1/index/retrieve", {
        publicKey: { format: "x509", content: toBase64(utf8Encode(encodePem("PUBLIC KEY", shared.spki))) },
      })
    ).json()) as string[];
    expect(uuids.map((u) => u.slice(0, 16))).toEqual(
      [treeA, info2.treeID].map((t: string) => BigInt(t).toString(16).padStart(16, "0")),
    );
    expect(uuids.map((u) => u.slice(16))).toEqual(
      [tleA, tleB].map((t) => toHex(hashLeaf(fromBase64(t.canonicalizedBody)))),
    );

    // A duplicate through a prefix keeps the prefix in Location (Rekor: <request path>/<UUID>).
    const dupReq = v1HashedRekord(p256Key(), utf8Encode(`dup ${Math.random()}`));
    const first1 = await post(phase2, `/${B}/api/v1/log/entries`, dupReq);
    expect(first1.status).toBe(201);
    const [dupUuid] = Object.keys((await first1.json()) as object);
    expect(first1.headers.get("location")).toBe(`/${B}/api/v1/log/entries/${dupUuid}`);
    const again = await post(phase2, `/${B}/api/v1/log/entries`, dupReq);
    expect(again.status).toBe(409);
    expect(again.headers.get("location")).toBe(`/${B}/api/v1/log/entries/${dupUuid}`);

    // Trust files: every shard's keys in the TrustedRoot (old bundles keep verifying), only the
    // active shard in the SigningConfig (where to write).
    const root = (await (await call(phase2, "/api/v1/trust/trusted_root.json")).json()) as any;
    expect(root.tlogs.map((t: any) => [t.baseUrl, t.publicKey.keyDetails])).toEqual([
      [`http://localhost:8787/${A}`, "PKIX_ED25519"],
      [`http://localhost:8787/${A}`, "PKIX_ECDSA_P256_SHA_256"],
      [`http://localhost:8787/${B}`, "PKIX_ED25519"],
      [`http://localhost:8787/${B}`, "PKIX_ECDSA_P256_SHA_256"],
    ]);
    expect(root.tlogs[0].logId.keyId).toBe(tleA.logId.keyId);
    expect(root.tlogs[2].logId.keyId).toBe(tleB.logId.keyId);
    expect(toHex(fromBase64(root.tlogs[3].logId.keyId))).toBe(entryB.logID);
    const config = (await (await call(phase2, "/api/v1/trust/signing_config.json")).json()) as any;
    expect(config.rekorTlogUrls.map((s: any) => [s.url, s.majorApiVersion])).toEqual([
      [`http://localhost:8787/${B}`, 2],
      [`http://localhost:8787/${B}`, 1],
    ]);
    const rootA = (await (await call(phase2, `/${A}/api/v1/trust/trusted_root.json`)).json()) as any;
    expect(rootA.tlogs).toEqual(root.tlogs.slice(0, 2));
    expect(
      ((await (await call(phase2, `/${A}/api/v1/trust/signing_config.json`)).json()) as any).rekorTlogUrls,
    ).toEqual([]); // frozen
    // A pending shard is trusted before it is used, but not written to.
    const early = (await (await call(phase1, "/api/v1/trust/signing_config.json")).json()) as any;
    expect(early.rekorTlogUrls.map((s: any) => s.url)).toEqual([
      `http://localhost:8787/${A}`,
      `http://localhost:8787/${A}`,
    ]);
    expect(((await (await call(phase1, "/api/v1/trust/trusted_root.json")).json()) as any).tlogs).toHaveLength(4);
  });
});
