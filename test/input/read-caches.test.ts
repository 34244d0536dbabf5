// The read path computes once and serves many (src/lru-cache.ts, src/log/reader.ts, src/api/v1.ts): a cache
// must never serve what was not verified, never vouch for a tree it did not verify, and never sign an old tree
// anew as current. R2 is the attacker here (docs/SECURITY.md, "R2 tampering"): it can replace any object with
// bytes of its choice, including an older checkpoint the log really signed.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeBundle, parseBundle } from "../../src/tlog/bundle.ts";
import { fromBase64, fromHex, toHex } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { checkConsistency, checkInclusion } from "../../src/tlog/proof.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { parseNote } from "../../src/tlog/note.ts";
import { deploymentOf } from "../../src/log/deployment.ts";
import { enc, http, sequencer } from "../helpers/log.ts";
import { getObject, putObject } from "../helpers/stored-objects.ts";

async function add(tag: string): Promise<number> {
  const r = await sequencer().add(enc(`read caches ${tag} ${Math.random()}`));
  if (r.kind !== "sequenced") throw new Error(`add: ${r.kind}`);
  return r.index;
}

interface V1Entry {
  body: string;
  integratedTime: number;
  verification: {
    inclusionProof: { checkpoint: string; treeSize: number; rootHash: string; hashes: string[]; logIndex: number };
    signedEntryTimestamp: string;
  };
}

async function readEntry(index: number): Promise<{ status: number; entry?: V1Entry; text: string }> {
  const r = await http(`/api/v1/log/entries?logIndex=${index}`);
  const text = await r.text();
  return r.status === 200
    ? { status: 200, entry: Object.values(JSON.parse(text) as Record<string, V1Entry>)[0]!, text }
    : { status: r.status, text };
}

/** The entry's proof checks against the root the answer states (what a v1 client checks). */
function checkAnswer(e: V1Entry, leaf: Uint8Array): void {
  expect(fromBase64(e.body)).toEqual(leaf);
  const p = e.verification.inclusionProof;
  checkInclusion(
    p.hashes.map((h: string) => fromHex(h)),
    p.logIndex,
    p.treeSize,
    hashLeaf(leaf),
    fromHex(p.rootHash),
  );
}

describe("read caches never serve what was not verified", () => {
  const target = 1;
  let genuine: Uint8Array;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await add(`seed ${i}`);
    const bundle = await getObject(`tile/entries/000.p/${(await sequencer().status()).size}`);
    genuine = parseBundle(bundle.body)[target]!;
  });

  /** Replaces entry `target` in the bundle of tree `size`, and its hash in the level-0 tile. */
  async function forge(size: number): Promise<void> {
    const bundleKey = `tile/entries/000.p/${size}`;
    const tileKey = `tile/0/000.p/${size}`;
    const bundle = await getObject(bundleKey);
    const tile = await getObject(tileKey);
    const entries = parseBundle(bundle.body);
    const forged = enc("a forged entry the log never accepted");
    entries[target] = forged;
    await putObject(bundleKey, { body: encodeBundle(entries), metadata: bundle.metadata });
    const hashes = tile.body.slice();
    hashes.set(hashLeaf(forged), 32 * target);
    await putObject(tileKey, { body: hashes, metadata: tile.metadata });
  }

  it("a verified read at one tree does not vouch for a tampered object of the next tree", async () => {
    const first = await readEntry(target);
    expect(first.status).toBe(200);
    checkAnswer(first.entry!, genuine);
    const size = (await add("next tree")) + 1;
    await forge(size);
    const after = await readEntry(target);
    expect(after.status).toBe(500);
    expect(after.text).not.toContain("signedEntryTimestamp");
  });

  it("tampering with R2 after a verified read changes nothing: the answer for that tree stays the verified one", async () => {
    const size = (await add("cached tree")) + 1;
    const first = await readEntry(target);
    expect(first.entry!.verification.inclusionProof.treeSize).toBe(size);
    await forge(size);
    const again = await readEntry(target);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    checkAnswer(again.entry!, genuine);
  });

  it("a checkpoint rolled back in R2 is not served, and the older tree is not signed anew as current", async () => {
    const before = await getObject("checkpoint");
    await add("newer tree");
    const newer = await readEntry(target);
    const info = await (await http("/api/v1/log")).json<{ treeSize: number; signedTreeHead: string }>();
    expect(info.treeSize).toBe(newer.entry!.verification.inclusionProof.treeSize);
    await putObject("checkpoint", before); // an older checkpoint the log really signed
    const rolledBack = await readEntry(target);
    expect(rolledBack.text).toBe(newer.text); // the newer tree, its v1 checkpoint as first signed
    const infoAfter = await (await http("/api/v1/log")).json<{ treeSize: number; signedTreeHead: string }>();
    expect(infoAfter).toEqual(info);
    const older = parseCheckpoint(parseNote(new TextDecoder().decode(before.body)).text);
    expect(infoAfter.treeSize).toBeGreaterThan(older.size);
  });

  it("a checkpoint whose signature does not verify is refused, though a verified one of the same tree was cached", async () => {
    const genuineNote = await getObject("checkpoint");
    expect((await readEntry(target)).status).toBe(200);
    const text = new TextDecoder().decode(genuineNote.body);
    const sigAt = text.lastIndexOf(" ") + 1;
    const sig = fromBase64(text.slice(sigAt, -1));
    sig[sig.length - 1]! ^= 1;
    const tampered = text.slice(0, sigAt) + btoa(String.fromCharCode(...sig)) + "\n";
    await putObject("checkpoint", { body: enc(tampered), metadata: {} });
    expect((await readEntry(target)).status).toBe(503);
    expect((await http("/api/v1/log")).status).toBe(503);
  });

  it("v1 checkpoints are signed once per tree: entries read at one tree share it byte for byte; a new tree gets its own", async () => {
    await add("signed once");
    const a = (await readEntry(0)).entry!.verification.inclusionProof.checkpoint;
    await new Promise((r) => setTimeout(r, 5)); // a later signing would carry a later Timestamp
    const b = (await readEntry(2)).entry!.verification.inclusionProof.checkpoint;
    expect(b).toBe(a);
    expect((await (await http("/api/v1/log")).json<{ signedTreeHead: string }>()).signedTreeHead).toBe(a);
    await add("another tree");
    const c = (await readEntry(0)).entry!.verification.inclusionProof.checkpoint;
    expect(c).not.toBe(a);
  });

  it("consistency proofs: immutable only when the URL names the tree; a tampered tile is refused and not cached", async () => {
    const size = (await add("proofs")) + 1;
    const treeId = (await (await http("/api/v1/log")).json<{ treeID: string }>()).treeID;
    const tileKey = `tile/0/000.p/${size}`;
    const tile = await getObject(tileKey);
    const bad = tile.body.slice();
    bad[0]! ^= 1; // the hash of entry 0: every proof from size 1 uses it
    await putObject(tileKey, { body: bad, metadata: tile.metadata });
    expect((await http(`/api/v1/log/proof?firstSize=1&lastSize=${size}&treeID=${treeId}`)).status).toBe(500);
    // From the tree to itself the proof is empty: only the root the tiles hash to, checked against the signed one, can fail.
    expect((await http(`/api/v1/log/proof?firstSize=${size}&lastSize=${size}`)).status).toBe(500);
    await putObject(tileKey, tile);
    const named = await http(`/api/v1/log/proof?firstSize=1&lastSize=${size}&treeID=${treeId}`);
    expect(named.status).toBe(200);
    expect(named.headers.get("cache-control")).toBe("public, max-age=604800, immutable");
    const proof = await named.json<{ rootHash: string; hashes: string[] }>();
    const leaf0 = parseBundle((await getObject(`tile/entries/000.p/${size}`)).body)[0]!;
    checkConsistency(
      proof.hashes.map((h: string) => fromHex(h)),
      1,
      size,
      hashLeaf(leaf0),
      fromHex(proof.rootHash),
    );
    const cp = parseCheckpoint(parseNote(new TextDecoder().decode((await getObject("checkpoint")).body)).text);
    expect(proof.rootHash).toBe(toHex(cp.root));
    const unnamed = await http(`/api/v1/log/proof?firstSize=1&lastSize=${size}`);
    expect(unnamed.headers.get("cache-control")).toBe("no-cache");
    expect(await unnamed.json()).toEqual(proof);
  });
});

describe("the checkpoint kept for CHECKPOINT_MAX_AGE", () => {
  it("is reused within its age, but a read that needs a larger tree looks at R2 again", async () => {
    await add("age");
    const withAge = { ...env, CHECKPOINT_MAX_AGE: "10" };
    const reader = () => deploymentOf(withAge).active.reader();
    const first = await reader().checkpoint();
    await add("age, next");
    expect((await reader().checkpoint()).size).toBe(first.size); // within its age: the kept one
    expect((await reader().checkpoint(first.size + 1)).size).toBe(first.size + 1);
    expect((await reader().checkpoint()).size).toBe(first.size + 1);
  });
});
