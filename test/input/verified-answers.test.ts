// The isolate's memory of immutable answers (src/api/verified-answers.ts): full tiles and bundles (right-edge
// partials: verified-partials.test.ts), and v1 consistency proofs. It serves what R2 holds for the log byte for
// byte, holds only what was proven to a verified checkpoint (R2 is the attacker: docs/SECURITY.md), never a proof
// beyond the verified tree, and stays within its bound.
import { beforeAll, describe, expect, it } from "vitest";
import {
  MAX_PROOF_BYTES,
  MAX_TILE_BYTES,
  provenConsistencyAnswers,
  verifiedTiles,
} from "../../src/api/verified-answers.ts";
import { clearCaches } from "../../src/lru-cache.ts";
import { encodeBundle, parseBundle } from "../../src/tlog/bundle.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { fromHex, toHex } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { parseNote } from "../../src/tlog/note.ts";
import { checkConsistency } from "../../src/tlog/proof.ts";
import { enc, http, sequencer } from "../helpers/log.ts";
import { forgetEdge, getObject, putObject } from "../helpers/stored-objects.ts";

const bytes = async (r: Response) => toHex(new Uint8Array(await r.arrayBuffer()));

async function checkpointOf(): Promise<{ size: number; root: Uint8Array }> {
  return parseCheckpoint(parseNote(new TextDecoder().decode((await getObject("checkpoint")).body)).text);
}

/** More than one full tile: 300 entries. */
async function fill(): Promise<number> {
  await Promise.all(
    Array.from({ length: 300 }, (_, i) => sequencer().add(enc(`verified answers ${i} ${Math.random()}`))),
  );
  return (await sequencer().status()).size;
}

describe("full tiles and bundles from the isolate's memory", () => {
  let size: number;
  beforeAll(async () => {
    size = await fill();
  });

  it("serve R2's bytes, the same on every read, at the root and under /api/v2", async () => {
    expect(size).toBeGreaterThanOrEqual(256);
    for (const path of ["tile/0/000", "tile/entries/000"]) {
      const stored = toHex((await getObject(path)).body);
      const first = await http(`/${path}`);
      expect(first.status, path).toBe(200);
      expect(first.headers.get("cache-control")).toBe("public, max-age=604800, immutable");
      expect(await bytes(first), path).toBe(stored);
      expect(verifiedTiles.size).toBeGreaterThan(0);
      for (let i = 0; i < 2; i++) expect(await bytes(await http(`/${path}`)), path).toBe(stored);
      expect(await bytes(await http(`/api/v2/${path}`)), path).toBe(stored);
    }
  });

  it("a hash tile tampered with in R2 is refused and kept nowhere; once repaired it is served", async () => {
    const tile = await getObject("tile/0/000");
    const bad = tile.body.slice();
    bad[32 * 200]! ^= 1; // one leaf hash deep in the tile: only the tile's root proof can catch it
    await putObject("tile/0/000", { body: bad, metadata: tile.metadata });
    await forgetEdge("tile/0/000");
    await forgetEdge("tile/entries/000");
    expect((await http("/tile/0/000")).status).toBe(500);
    expect((await http("/tile/0/000")).status).toBe(500);
    expect(verifiedTiles.size).toBe(0);
    // A bundle rests on its level-0 tile: refused too.
    expect((await http("/tile/entries/000")).status).toBe(500);
    expect(verifiedTiles.size).toBe(0);
    await putObject("tile/0/000", tile);
    const again = await http("/tile/0/000");
    expect(again.status).toBe(200);
    expect(await bytes(again)).toBe(toHex(tile.body));
  });

  it("a bundle tampered with in R2 (one entry replaced) is refused and not kept, alone or with its tile hash", async () => {
    const bundle = await getObject("tile/entries/000");
    const tile = await getObject("tile/0/000");
    const entries = parseBundle(bundle.body);
    const forged = enc("an entry the log never accepted");
    entries[7] = forged;
    await putObject("tile/entries/000", { body: encodeBundle(entries), metadata: bundle.metadata });
    await forgetEdge("tile/0/000");
    await forgetEdge("tile/entries/000");
    expect((await http("/tile/entries/000")).status).toBe(500);
    expect(verifiedTiles.size).toBe(0);
    const hashes = tile.body.slice();
    hashes.set(hashLeaf(forged), 32 * 7);
    await putObject("tile/0/000", { body: hashes, metadata: tile.metadata });
    expect((await http("/tile/entries/000")).status).toBe(500);
    expect((await http("/tile/0/000")).status).toBe(500);
    expect(verifiedTiles.size).toBe(0);
    await putObject("tile/entries/000", bundle);
    await putObject("tile/0/000", tile);
  });

  it("a full tile no verified checkpoint covers is not served (404), even when R2 has one", async () => {
    const tile = await getObject("tile/0/000");
    await putObject("tile/0/009", tile);
    const r = await http("/tile/0/009");
    expect(r.status).toBe(404);
    expect(verifiedTiles.size).toBe(0);
  });
});

describe("v1 consistency proofs from the isolate's memory", () => {
  it("the cached answer is the computed one and proves the signed roots; beyond the verified tree nothing is kept", async () => {
    for (let i = 0; i < 5; i++) await sequencer().add(enc(`proof cache ${i} ${Math.random()}`));
    const old = await checkpointOf();
    for (let i = 0; i < 5; i++) await sequencer().add(enc(`proof cache more ${i} ${Math.random()}`));
    const cp = await checkpointOf();
    const url = `/api/v1/log/proof?firstSize=${old.size}&lastSize=${cp.size}`;
    const computed = await http(url);
    expect(computed.status).toBe(200);
    const text = await computed.text();
    expect(provenConsistencyAnswers.size).toBe(1);
    const cached = await http(url);
    expect(cached.headers.get("cache-control")).toBe("no-cache");
    expect(await cached.text()).toBe(text);
    const proof = JSON.parse(text) as { rootHash: string; hashes: string[] };
    expect(proof.rootHash).toBe(toHex(cp.root));
    checkConsistency(
      proof.hashes.map((h) => fromHex(h)),
      old.size,
      cp.size,
      old.root,
      cp.root,
    );

    const beyond = await http(`/api/v1/log/proof?firstSize=${old.size}&lastSize=${cp.size + 1}`);
    expect(beyond.status).toBe(400);
    expect(provenConsistencyAnswers.size).toBe(1);
  });

  it("a proof over a tampered tile is refused and not kept; the repaired log's proof is", async () => {
    for (let i = 0; i < 6; i++) await sequencer().add(enc(`proof tamper ${i} ${Math.random()}`));
    const cp = await checkpointOf();
    const key = `tile/0/${String(Math.floor(cp.size / 256)).padStart(3, "0")}.p/${cp.size % 256}`;
    const tile = await getObject(key);
    const bad = tile.body.slice();
    bad[0]! ^= 1; // in every proof from size 2 to this tree
    await putObject(key, { body: bad, metadata: tile.metadata });
    const url = `/api/v1/log/proof?firstSize=2&lastSize=${cp.size}`;
    expect((await http(url)).status).toBe(500);
    expect(provenConsistencyAnswers.size).toBe(0);
    await putObject(key, tile);
    clearCaches(); // the tampered tile read once stays in the reader's object cache until a check fails again
    const good = await http(url);
    expect(good.status).toBe(200);
    expect(provenConsistencyAnswers.size).toBe(1);
  });
});

describe("the memory bound", () => {
  it("evicts the least recently used past the byte bound, and keeps nothing larger than the bound", () => {
    const mib = 1 << 20;
    for (let i = 0; i < 2 * (MAX_TILE_BYTES / mib); i++) verifiedTiles.set(`t${i}`, new Uint8Array(mib));
    expect(verifiedTiles.size).toBeLessThan(MAX_TILE_BYTES / mib);
    expect(verifiedTiles.get("t0")).toBeUndefined();
    expect(verifiedTiles.get(`t${2 * (MAX_TILE_BYTES / mib) - 1}`)).toBeDefined();
    verifiedTiles.clear();
    verifiedTiles.set("huge", new Uint8Array(MAX_TILE_BYTES));
    expect(verifiedTiles.size).toBe(0);

    const answer = "x".repeat(1000);
    for (let i = 0; i < (2 * MAX_PROOF_BYTES) / 1000; i++) provenConsistencyAnswers.set(`p${i}`, answer);
    expect(provenConsistencyAnswers.size).toBeLessThan(MAX_PROOF_BYTES / 1000);
    expect(provenConsistencyAnswers.get("p0")).toBeUndefined();
  });
});
