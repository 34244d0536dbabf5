// Storage the edge reads is not trusted on its own (docs/SECURITY.md, "R2 tampering"). The Rekor v1 read path signs a fresh Signed
// Entry Timestamp over whatever entry it reads from R2, so it must first check that entry against the log's own
// signed checkpoint. An attacker who can write to the bucket and replaces an entry together with the level-0 tile
// that hashes it must get no SET over the forgery: the inclusion proof from the tiles no longer reaches the signed
// root, and the read fails instead of vouching for the forged bytes. Likewise the D1 search index, which is not
// authenticated at all: a row pointing a UUID at another entry must not make a lookup answer with that entry.
// Answers are cached per tree (src/api/v1.ts), so each tampering happens at a tree size no read has seen yet
// (test/input/read-caches.test.ts covers tampering after a cached read).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeBundle, parseBundle } from "../../src/tlog/bundle.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { newSigner } from "../../src/tlog/note.ts";
import { INTEGRATED_TIMES_METADATA, signedIntegratedTimes } from "../../src/log/integrated-times.ts";
import { enc, http, sequencer } from "../helpers/log.ts";
import { DEFAULT_SHARD } from "../../src/log/shards.ts";

const PREFIX = `${DEFAULT_SHARD}/`;

async function getObject(key: string): Promise<{ body: Uint8Array; metadata: Record<string, string> }> {
  const o = await env.TILES.get(PREFIX + key);
  expect(o, key).not.toBeNull();
  return { body: new Uint8Array(await o!.arrayBuffer()), metadata: o!.customMetadata ?? {} };
}

async function putObject(key: string, o: { body: Uint8Array; metadata: Record<string, string> }): Promise<void> {
  await env.TILES.put(PREFIX + key, o.body, { customMetadata: o.metadata });
}

describe("R2 tampering and the v1 read path", () => {
  let size = 0;
  const target = 1;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await sequencer().add(enc(`tamper seed ${i} ${Math.random()}`));
    size = (await sequencer().status()).size;
    expect(size).toBe(3);
  });

  /** A tree no read has seen: one more entry (storage rolls back after each test). */
  async function grow(): Promise<number> {
    const r = await sequencer().add(enc(`tamper grow ${Math.random()}`));
    expect(r.kind).toBe("sequenced");
    return r.kind === "sequenced" ? r.index + 1 : NaN;
  }

  async function withTampered(forgeTile: boolean, check: () => Promise<void>): Promise<void> {
    const size = await grow();
    const bundleKey = `tile/entries/000.p/${size}`;
    const tileKey = `tile/0/000.p/${size}`;
    const bundle = await getObject(bundleKey);
    const tile = await getObject(tileKey);
    const entries = parseBundle(bundle.body);
    const forged = enc("a forged entry the log never accepted");
    entries[target] = forged;
    await putObject(bundleKey, { body: encodeBundle(entries), metadata: bundle.metadata });
    if (forgeTile) {
      const hashes = tile.body.slice();
      hashes.set(hashLeaf(forged), 32 * target);
      await putObject(tileKey, { body: hashes, metadata: tile.metadata });
    }
    try {
      await check();
    } finally {
      await putObject(bundleKey, bundle);
      await putObject(tileKey, tile);
    }
  }

  it("the untampered entry reads back with a SET", async () => {
    const r = await http(`/api/v1/log/entries?logIndex=${target}`);
    expect(r.status).toBe(200);
  });

  it("an entry replaced in its bundle alone: refused (it does not match the level-0 tile)", async () => {
    await withTampered(false, async () => {
      const r = await http(`/api/v1/log/entries?logIndex=${target}`);
      expect(r.status).toBe(500);
      expect(await r.text()).not.toContain("signedEntryTimestamp");
    });
  });

  it("an entry replaced together with its level-0 tile hash: refused, no SET over the forgery", async () => {
    await withTampered(true, async () => {
      const r = await http(`/api/v1/log/entries?logIndex=${target}`);
      expect(r.status).toBe(500);
      expect(await r.text()).not.toContain("signedEntryTimestamp");
      const bulk = await http("/api/v1/log/entries/retrieve", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ logIndexes: [target] }),
      });
      expect(bulk.status).toBe(500);
      expect(await bulk.text()).not.toContain("signedEntryTimestamp");
    });
  });

  it("after the objects are restored the entry reads again", async () => {
    expect((await http(`/api/v1/log/entries?logIndex=${target}`)).status).toBe(200);
  });

  describe("integrated times (R2 metadata, signed by the log): no SET over a time the log did not sign", () => {
    let grown = 0;
    const bundleKey = () => `tile/entries/000.p/${grown}`;
    async function withMetadata(
      edit: (m: Record<string, string>) => Record<string, string> | Promise<Record<string, string>>,
      check: () => Promise<void>,
    ): Promise<void> {
      grown = await grow();
      const bundle = await getObject(bundleKey());
      await putObject(bundleKey(), { body: bundle.body, metadata: await edit({ ...bundle.metadata }) });
      try {
        await check();
      } finally {
        await putObject(bundleKey(), bundle);
      }
    }
    async function expectRefused(): Promise<void> {
      const r = await http(`/api/v1/log/entries?logIndex=${target}`);
      expect(r.status).toBe(500);
      expect(await r.text()).not.toContain("signedEntryTimestamp");
    }
    const signer = () => newSigner(env.LOG_SIGNING_KEY);
    const origin = () => signer().name;

    it("a backdated time with the log's signature left in place", async () => {
      await withMetadata((m) => ({ ...m, [INTEGRATED_TIMES_METADATA]: "0:1000000000" }), expectRefused);
    });
    it("no signature", async () => {
      await withMetadata((m) => ({ [INTEGRATED_TIMES_METADATA]: m[INTEGRATED_TIMES_METADATA]! }), expectRefused);
    });
    it("times signed by the log for another bundle position or width (replayed metadata)", async () => {
      const times = (n: number) => Array.from({ length: n }, () => 1000000000);
      await withMetadata(
        () => signedIntegratedTimes(times(grown), { origin: origin(), index: 7, width: grown }, signer()),
        expectRefused,
      );
      await withMetadata(
        () => signedIntegratedTimes(times(grown - 1), { origin: origin(), index: 0, width: grown - 1 }, signer()),
        expectRefused,
      );
    });
    it("the same statement signed by the log's key for this position verifies (the check is not vacuous)", async () => {
      const times = () => Array.from({ length: grown }, (_, i) => 1000000000 + i);
      await withMetadata(
        () => signedIntegratedTimes(times(), { origin: origin(), index: 0, width: grown }, signer()),
        async () => {
          const r = await http(`/api/v1/log/entries?logIndex=${target}`);
          expect(r.status).toBe(200);
          const body = Object.values((await r.json()) as Record<string, { integratedTime: number }>)[0]!;
          expect(body.integratedTime).toBe(times()[target]);
        },
      );
    });
  });

  it("a D1 row pointing a UUID at another entry: 404, not the other entry", async () => {
    const bogus = "5a".repeat(32);
    await env.INDEX.prepare("INSERT INTO entries (leaf_hash, shard, idx) VALUES (unhex(?), ?, ?)")
      .bind(bogus, DEFAULT_SHARD, target)
      .run();
    const r = await http(`/api/v1/log/entries/${bogus}`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { message: string }).message).toBe("entry not found");
    const bulk = await http("/api/v1/log/entries/retrieve", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ entryUUIDs: [bogus] }),
    });
    expect(bulk.status).toBe(200);
    expect(await bulk.json()).toEqual([]);
  });
});
