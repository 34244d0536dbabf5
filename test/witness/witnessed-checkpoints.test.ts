// Time from witnesses, served: the sequencer keeps the first cosigned checkpoint of each size, and
// GET /api/v2/log/entries/<index>/witnessed answers the earliest one covering the entry, checked. The
// expected checkpoint is the one the sequencer answered the entry's submitter with (with a quorum, the
// first published tree holding it, cosigned); the signatures are checked with the keys the test made.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkCosignatures, logKey } from "../../src/client/verify-checkpoint.ts";
import { verifyWitnessedCheckpoint } from "../../src/client/witnessed-checkpoint.ts";
import { app } from "../../src/index.ts";
import type { AddResult } from "../../src/sequencer/protocol.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { newCosignatureVerifier } from "../../src/tlog/cosignature.ts";
import { fromBase64 } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { newSigner, openNote, parseNote } from "../../src/tlog/note.ts";
import { checkInclusion } from "../../src/tlog/proof.ts";
import { enc, sequencer } from "../helpers/log.ts";
import { WITNESS_TEST_SHARDS } from "../setup/bindings.ts";

const vars = env as unknown as Record<string, string>;
const suffix = (shard: string) => shard.toUpperCase().replace(/-/g, "_");
const logVkey = (shard: string) => newSigner(vars[`LOG_SIGNING_KEY_${suffix(shard)}`]!).vkey;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

function get(shard: string, path: string): Promise<Response> {
  const e = { ...vars, SHARDS: shard } as unknown as Env;
  return app.fetch(new Request(`http://localhost:8787/${shard}${path}`), e, ctx) as Promise<Response>;
}

type Sequenced = Extract<AddResult, { kind: "sequenced" }>;

async function add(shard: string, text: string): Promise<Sequenced> {
  const r = await sequencer(shard).add(enc(text));
  expect(r.kind).toBe("sequenced");
  return r as Sequenced;
}

const padded = (size: number) => String(size).padStart(20, "0");

interface Witnessed {
  logIndex: number;
  leafHash: string;
  treeSize: number;
  rootHash: string;
  inclusionProof: string[];
  checkpoint: string;
  cosignatures: { name: string; keyId: string; timestamp: number; time: string }[];
  loggedNoLaterThan: string;
}

describe("the earliest cosigned checkpoint covering an entry", () => {
  const shard = WITNESS_TEST_SHARDS.quorum;

  it("is the one its submitter was answered with, not a later one; it and its proof verify", async () => {
    const first = await add(shard, "witnessed time 1");
    const second = await add(shard, "witnessed time 2");
    const third = await add(shard, "witnessed time 3");
    expect(second.index).toBe(first.index + 1);
    for (const [r, text] of [
      [first, "witnessed time 1"],
      [second, "witnessed time 2"],
    ] as const) {
      const res = await get(shard, `/api/v2/log/entries/${r.index}/witnessed`);
      expect(res.status).toBe(200);
      const w = (await res.json()) as Witnessed;
      expect(w.checkpoint).toBe(r.checkpoint); // the first cosigned tree holding it
      const size = parseCheckpoint(parseNote(r.checkpoint).text).size;
      expect(w.treeSize).toBe(size);
      expect(size).toBeLessThan(parseCheckpoint(parseNote(third.checkpoint).text).size);
      // The log's signature and the witness's cosignature verify with the keys the test configured.
      const opened = openNote(w.checkpoint, [logKey(logVkey(shard))]);
      const cp = parseCheckpoint(opened.text);
      const report = checkCosignatures(w.checkpoint, [], [newCosignatureVerifier(vars.TEST_WITNESS_VKEY!)], 1);
      const times = report.present.map((c) => c.time);
      expect(w.cosignatures.map((c) => c.time)).toEqual(times);
      expect(w.loggedNoLaterThan).toBe(times[0]);
      // The entry is in that tree: the proof takes the hash of what was submitted to its signed root.
      checkInclusion(
        w.inclusionProof.map((h) => fromBase64(h)),
        r.index,
        cp.size,
        hashLeaf(enc(text)),
        cp.root,
      );
      expect(fromBase64(w.rootHash)).toEqual(cp.root);
      // What `edgelog verify --online` checks: the same bound; an answer for another entry does not verify.
      const witness = [newCosignatureVerifier(vars.TEST_WITNESS_VKEY!)];
      const keys = [logKey(logVkey(shard))];
      const bound = verifyWitnessedCheckpoint(w, enc(text), r.index, keys, witness);
      expect(bound && new Date(bound.time * 1000).toISOString()).toBe(times[0]);
      expect(bound?.treeSize).toBe(size);
      expect(() => verifyWitnessedCheckpoint(w, enc("another entry"), r.index, keys, witness)).toThrow();
      expect(() => verifyWitnessedCheckpoint(w, enc(text), size, keys, witness)).toThrow(/does not cover/);
      expect(() => verifyWitnessedCheckpoint(w, enc(text), r.index, keys, [])).toThrow();
    }
  });

  it("a stored checkpoint that was tampered with is never served: 503 with a JSON error", async () => {
    const r = await add(shard, "witnessed time tampered");
    const size = r.index + 1;
    const key = `${shard}/checkpoints/${padded(size)}`;
    const stored = await (await env.TILES.get(key))!.text();
    const { text, sigs } = parseNote(stored);
    const cp = { root: text.split("\n")[2]! };
    const lines = stored.slice(text.length + 1).split("\n");
    expect(sigs.length).toBe(2);
    // A cosignature line whose bytes changed (the last base64 character before the padding).
    const cosig = lines[1]!;
    const flipped = cosig.slice(0, -2) + (cosig.at(-2) === "A" ? "B" : "A") + cosig.at(-1);
    for (const tampered of [
      stored.replace(cosig, flipped),
      // Another root hash under the log's signature.
      stored.replace(cp.root, cp.root.startsWith("A") ? `B${cp.root.slice(1)}` : `A${cp.root.slice(1)}`),
    ]) {
      expect(tampered).not.toBe(stored);
      await env.TILES.put(key, tampered);
      const res = await get(shard, `/api/v2/log/entries/${r.index}/witnessed`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ message: expect.stringMatching(/does not verify/) });
    }
    await env.TILES.put(key, stored);
    expect((await get(shard, `/api/v2/log/entries/${r.index}/witnessed`)).status).toBe(200);
  });

  it("an index no cosigned checkpoint covers yet: 404 with a JSON error; not an index: 400", async () => {
    const r = await add(shard, "witnessed time last");
    const res = await get(shard, `/api/v2/log/entries/${r.index + 1}/witnessed`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ message: expect.stringMatching(/no cosigned checkpoint covers entry/) });
    expect((await get(shard, "/api/v2/log/entries/-1/witnessed")).status).toBe(400);
  });

  it("quorum 0: the checkpoint republished with the cosignature is kept and served", async () => {
    const async = WITNESS_TEST_SHARDS.async;
    const r = await add(async, "witnessed time, quorum 0");
    const size = r.index + 1;
    expect(parseNote(r.checkpoint).sigs).toHaveLength(1); // answered before the witnesses were asked
    let res: Response | undefined;
    for (let i = 0; (res = await get(async, `/api/v2/log/entries/${r.index}/witnessed`)).status !== 200; i++) {
      expect(res.status).toBe(404);
      if (i > 400) throw new Error("the cosigned checkpoint was never kept");
      await new Promise((done) => setTimeout(done, 10));
    }
    const w = (await res.json()) as Witnessed;
    expect(w.treeSize).toBe(size);
    expect(parseNote(w.checkpoint).text).toBe(parseNote(r.checkpoint).text); // the same tree, now cosigned
    const witness = [newCosignatureVerifier(vars.TEST_WITNESS_VKEY!)];
    expect(
      verifyWitnessedCheckpoint(w, enc("witnessed time, quorum 0"), r.index, [logKey(logVkey(async))], witness),
    ).not.toBeNull();
  });

  it("a log without witnesses keeps no cosigned checkpoints", async () => {
    await sequencer().add(enc("no witnesses here"));
    const listed = await env.TILES.list({ prefix: "" });
    const kept = listed.objects.map((o) => o.key).filter((k) => k.includes("/checkpoints/"));
    expect(kept.every((k) => Object.values(WITNESS_TEST_SHARDS).some((s) => k.startsWith(`${s}/`)))).toBe(true);
  });
});
