// Lookups computed once and served many (src/log/uuid-positions.ts, src/log/search-pages.ts,
// src/api/checkpoint-view.ts): what they keep must never make an answer wrong. A UUID's position is kept only
// when no preferred shard can log that entry later; a search page only for the trees it was read from and
// only once the index held all of them; /checkpoint serves only what verified, never an older tree.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker, { app } from "../../src/index.ts";
import { DEFAULT_SHARD } from "../../src/log/shards.ts";
import { fromBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { p256Key } from "../helpers/keys.ts";
import { enc, http, sequencer } from "../helpers/log.ts";
import { v1HashedRekord, v2HashedRekord } from "./requests.ts";

const vars = env as unknown as Record<string, string>;
const json = { "content-type": "application/json" };
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const call = (e: Env, path: string, init?: RequestInit) =>
  app.fetch(new Request(`http://localhost:8787${path}`, init), e, ctx);
const post = (e: Env, path: string, body: unknown) =>
  call(e, path, { method: "POST", headers: json, body: JSON.stringify(body) });
const drain = (shard: string) => env.SEQUENCER.get(env.SEQUENCER.idFromName(shard)).status(); // index outbox → D1

describe("UUID positions", () => {
  it("a 64-hex UUID found in a frozen shard is looked up again: the active shard may log the entry later, and is preferred", async () => {
    const A = "shardtest-a";
    const B = "shardtest-b";
    const phase1 = { ...vars, SHARDS: `${A},${B}`, ACTIVE_SHARD: A } as unknown as Env;
    const phase2 = { ...vars, SHARDS: `${A},${B}`, ACTIVE_SHARD: B } as unknown as Env;
    const request = v1HashedRekord(p256Key(), utf8Encode(`in both shards ${Math.random()}`));
    expect((await post(phase1, "/api/v1/log/entries", request)).status).toBe(201);
    const cron = {
      waitUntil: (p: Promise<unknown>) => void p,
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext;
    await worker.scheduled({} as ScheduledController, phase2, cron); // b exists, a frozen
    await drain(A);
    await drain(B);
    const [uuidA] = Object.keys(
      (await (await post(phase2, "/api/v1/log/entries/retrieve", { entries: [request] })).json<object[]>())[0]!,
    );
    const leafHash = uuidA!.slice(16);
    const lookup = async () =>
      Object.entries(
        await (await call(phase2, `/api/v1/log/entries/${leafHash}`)).json<Record<string, { logIndex: number }>>(),
      )[0]!;
    expect((await lookup())[0]).toBe(uuidA); // found in a (frozen): b, preferred, may log it later
    const logged = await post(phase2, "/api/v1/log/entries", request); // b has not: it logs it
    expect(logged.status).toBe(201);
    const [uuidB] = Object.keys(await logged.json<object>());
    expect(uuidB).not.toBe(uuidA);
    await drain(B);
    expect((await lookup())[0]).toBe(uuidB); // the newest shard's, as D1 answers: a's position was not kept
    expect((await lookup())[0]).toBe(uuidB); // found in the active shard: final, and still the same answer
    const byUuid = (u: string) =>
      call(phase2, `/api/v1/log/entries/${u}`).then(async (r) => Object.keys(await r.json<object>())[0]);
    expect(await byUuid(uuidA!)).toBe(uuidA); // an 80-hex UUID names its shard: kept apart from the 64-hex lookup
    expect(await byUuid(uuidB!)).toBe(uuidB);
  });
});

describe("search pages", () => {
  const post1 = (body: unknown) =>
    http("/api/v2/log/entries", { method: "POST", headers: json, body: JSON.stringify(body) });
  const search = async (digest: string) =>
    (
      await (
        await http(`/api/v2/search?digest=sha256:${digest}`)
      ).json<{ hits: { entry: { canonicalizedBody: string } }[] }>()
    ).hits;

  it("a page is not served for a newer tree: an entry logged since is found", async () => {
    const artifact = utf8Encode(`searched ${Math.random()}`);
    const digest = toHex(sha256(artifact));
    expect((await post1(v2HashedRekord(p256Key(), artifact))).status).toBe(201);
    await drain(DEFAULT_SHARD);
    expect(await search(digest)).toHaveLength(1);
    expect(await search(digest)).toHaveLength(1);
    expect((await post1(v2HashedRekord(p256Key(), artifact))).status).toBe(201); // another signer, the same artifact
    await drain(DEFAULT_SHARD);
    expect(await search(digest)).toHaveLength(2);
  });

  it("a page read while the index lagged the checkpoint is not kept: the entry shows once the index has it", async () => {
    const artifact = utf8Encode(`lagging ${Math.random()}`);
    const digest = toHex(sha256(artifact));
    const made = await post1(v2HashedRekord(p256Key(), artifact));
    expect(made.status).toBe(201);
    const { logIndex, canonicalizedBody } = await made.json<{ logIndex: string; canonicalizedBody: string }>();
    await drain(DEFAULT_SHARD);
    // The index loses the newest entry's rows, as if its outbox had not drained yet.
    const rows = await env.INDEX.prepare("SELECT key, leaf_hash FROM index_keys WHERE shard = ? AND idx = ?")
      .bind(DEFAULT_SHARD, Number(logIndex))
      .all<{ key: string; leaf_hash: ArrayBuffer }>();
    expect(rows.results.length).toBeGreaterThan(0);
    const at = Number(logIndex);
    await env.INDEX.batch([
      env.INDEX.prepare("DELETE FROM index_keys WHERE shard = ? AND idx = ?").bind(DEFAULT_SHARD, at),
      env.INDEX.prepare("DELETE FROM entries WHERE shard = ? AND idx = ?").bind(DEFAULT_SHARD, at),
      env.INDEX.prepare("UPDATE index_sizes SET size = ? WHERE shard = ?").bind(at, DEFAULT_SHARD),
    ]);
    expect(await search(digest)).toEqual([]);
    await env.INDEX.batch([
      ...rows.results.map(({ key, leaf_hash }) =>
        env.INDEX.prepare("INSERT INTO index_keys (key, shard, idx, leaf_hash) VALUES (?, ?, ?, ?)").bind(
          key,
          DEFAULT_SHARD,
          at,
          leaf_hash,
        ),
      ),
      env.INDEX.prepare("INSERT INTO entries (leaf_hash, shard, idx) VALUES (?, ?, ?)").bind(
        hashLeaf(fromBase64(canonicalizedBody)),
        DEFAULT_SHARD,
        at,
      ),
      env.INDEX.prepare("UPDATE index_sizes SET size = ? WHERE shard = ?").bind(at + 1, DEFAULT_SHARD),
    ]);
    const hits = await search(digest); // the same tree, the index caught up
    expect(hits).toHaveLength(1);
    expect(hits[0]!.entry.canonicalizedBody).toBe(canonicalizedBody);
  });
});

describe("/checkpoint from the verified view", () => {
  const PREFIX = `${DEFAULT_SHARD}/`;
  const add = async (tag: string) => {
    const r = await sequencer().add(enc(`checkpoint view ${tag} ${Math.random()}`));
    if (r.kind !== "sequenced") throw new Error(r.kind);
  };
  const r2Checkpoint = async () => new Uint8Array(await (await env.TILES.get(`${PREFIX}checkpoint`))!.arrayBuffer());

  it("is 404 before the log has one", async () => {
    await env.TILES.delete(`${PREFIX}checkpoint`);
    const r = await http("/checkpoint");
    expect(r.status).toBe(404);
  });

  it("never goes back to an older checkpoint R2 is rolled back to, and refuses one whose signature does not verify", async () => {
    await add("old");
    const older = await r2Checkpoint();
    await add("new");
    const newer = await (await http("/checkpoint")).text();
    expect(newer).toBe(new TextDecoder().decode(await r2Checkpoint()));
    await env.TILES.put(`${PREFIX}checkpoint`, older); // a checkpoint the log really signed, of a smaller tree
    expect(await (await http("/checkpoint")).text()).toBe(newer);
    expect(await (await http("/api/v2/checkpoint")).text()).toBe(newer);
    const sigAt = newer.lastIndexOf(" ") + 1;
    const sig = fromBase64(newer.slice(sigAt, -1));
    sig[sig.length - 1]! ^= 1;
    await env.TILES.put(`${PREFIX}checkpoint`, enc(newer.slice(0, sigAt) + btoa(String.fromCharCode(...sig)) + "\n")); // not the log's signature
    const r = await http("/checkpoint");
    expect(r.status).toBe(503);
  });
});
