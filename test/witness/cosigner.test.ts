// The sequencer's cosigner (src/witnessing/cosigner.ts) with in-memory witnesses that decide like the
// real one: consistency proofs from the log's own tiles (partial ones from the right edge, full ones
// from the object store), publication as soon as the quorum is met while a slow witness still works,
// one request per witness at a time, and the slow witness's late cosignature kept for later.
import { describe, expect, it } from "vitest";
import { Cosigner, type CosignStore, type CosignState } from "../../src/witnessing/cosigner.ts";
import type { WitnessCall } from "../../src/witnessing/cosign.ts";
import type { ObjectStore } from "../../src/storage/object-store.ts";
import { formatCheckpoint } from "../../src/tlog/checkpoint.ts";
import {
  generateCosignatureKey,
  newCosignatureSigner,
  newCosignatureVerifier,
  verifyCosignatures,
  type CosignatureType,
} from "../../src/tlog/cosignature.ts";
import { utf8Encode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { generateKey, newSigner, parseNote, signNote } from "../../src/tlog/note.ts";
import { tilePath } from "../../src/tlog/tile.ts";
import { appendLeaves, edgeRoot, emptyEdge, type RightEdge } from "../../src/tlog/tree.ts";
import { parseWitnessPolicy, thresholdQuorum, type LogWitness } from "../../src/witnessing/policy.ts";
import { decide, parseAddCheckpoint, SIZE_CONTENT_TYPE, type WitnessedState } from "../../src/witness/protocol.ts";

const ORIGIN = "example.com/cosigner";
const logKey = generateKey(ORIGIN);

/** A log grown in rounds: each round's tiles go to the object store (full ones are read back from there). */
function growingLog() {
  const stored = new Map<string, Uint8Array>();
  const reads: string[] = [];
  const objects: ObjectStore = {
    put: async (key, body) => void stored.set(key, body),
    get: async (key) => (reads.push(key), stored.get(key) ?? null),
    getWithMetadata: async () => null,
    list: async () => [],
  };
  let edge: RightEdge = emptyEdge();
  const grow = (to: number): CosignState => {
    const hashes = [];
    for (let i = edge.size; i < to; i++) hashes.push(hashLeaf(utf8Encode(`leaf ${i}`)));
    const r = appendLeaves(edge, hashes);
    for (const t of r.tiles) stored.set(tilePath(t.tile), t.data);
    edge = r.edge;
    const note = signNote(formatCheckpoint({ origin: ORIGIN, size: edge.size, root: edgeRoot(edge), extensions: [] }), [
      newSigner(logKey.skey),
    ]);
    return { checkpoint: { size: edge.size, note }, edge };
  };
  return { objects, reads, grow };
}

function memoryStore(): CosignStore {
  const rows = new Map<string, { size: number; cosigned?: number; line?: string }>();
  return {
    knownSize: (k) => rows.get(k)?.size ?? 0,
    setKnownSize: (k, size) => void rows.set(k, { ...rows.get(k), size }),
    setCosignature: (k, size, line) => {
      const r = rows.get(k);
      if (r?.cosigned !== undefined && r.cosigned > size) return;
      rows.set(k, { size: Math.max(size, r?.size ?? 0), cosigned: size, line });
    },
    cosignatures: (size, vkeys) => vkeys.flatMap((k) => (rows.get(k)?.cosigned === size ? [rows.get(k)!.line!] : [])),
  };
}

interface FakeWitness {
  w: LogWitness;
  skey: string;
  calls: number;
  /** What it last cosigned. */
  known: WitnessedState | null;
  /** Holds every answer until release() (a slow witness). */
  hold: boolean;
  release: () => void;
}

function witness(name: string, hold = false, type: CosignatureType = "ed25519"): FakeWitness {
  const k = generateCosignatureKey(name, undefined, type);
  return {
    w: {
      name,
      vkey: k.vkey,
      verifier: newCosignatureVerifier(k.vkey),
      target: { kind: "url", url: `https://${name}` },
    },
    skey: k.skey,
    calls: 0,
    known: null,
    hold,
    release: () => {},
  };
}

/** Routes each request to its fake witness, which makes the real witness's decision and cosigns. */
function callFor(fakes: FakeWitness[]): WitnessCall {
  return async (w, body) => {
    const f = fakes.find((x) => x.w.vkey === w.vkey)!;
    f.calls++;
    if (f.hold) await new Promise<void>((r) => (f.release = r));
    const req = parseAddCheckpoint(body);
    const t = decide(f.known, req.oldSize, req.proof, req.checkpoint.size, req.checkpoint.root);
    if (t.kind === "conflict") return { status: 409, contentType: SIZE_CONTENT_TYPE, body: `${t.size}\n` };
    if (t.kind !== "cosign") return { status: 422, contentType: "text/plain", body: `${t.kind}\n` };
    if (t.persist) f.known = t.persist;
    return {
      status: 200,
      contentType: "text/plain",
      body: newCosignatureSigner(f.skey).cosignLine(req.text, 1_700_000_000),
    };
  };
}

const cosignedBy = (note: string, f: FakeWitness) => {
  const n = parseNote(note);
  return verifyCosignatures(n.text, n.sigs, [f.w.verifier]).valid.length === 1;
};

describe("the cosigner", () => {
  it("proves consistency from the witness's size with the log's own tiles (full ones from the store)", async () => {
    const log = growingLog();
    const a = witness("a.example/w");
    const c = new Cosigner(
      { witnesses: [a.w], rule: thresholdQuorum([a.w], 1), quorum: 1, timeoutMs: 1000 },
      memoryStore(),
      callFor([a]),
      log.objects,
    );
    const first = await c.forPublication(log.grow(300));
    expect(first !== null && cosignedBy(first, a)).toBe(true);
    // 300 → 1100: the proof needs hashes of full tiles written in earlier rounds; the witness checks it.
    const second = await c.forPublication(log.grow(1100));
    expect(second !== null && cosignedBy(second, a)).toBe(true);
    expect(a.known!.size).toBe(1100);
    expect(log.reads.length).toBeGreaterThan(0);
    expect(log.reads.every((p) => !p.includes(".p/"))).toBe(true); // partial tiles come from the edge
  });

  it("publishes once the quorum is met while a slow witness is still working; asks it once; keeps its late cosignature", async () => {
    const log = growingLog();
    const fast = witness("fast.example/w");
    const slow = witness("slow.example/w", true);
    const store = memoryStore();
    const c = new Cosigner(
      { witnesses: [slow.w, fast.w], rule: thresholdQuorum([slow.w, fast.w], 1), quorum: 1, timeoutMs: 1000 },
      store,
      callFor([slow, fast]),
      log.objects,
    );
    const state = log.grow(20);
    const note = await c.forPublication(state);
    expect(note !== null && cosignedBy(note, fast) && !cosignedBy(note, slow)).toBe(true);
    // Asked again while its first request is still running: the slow witness is not asked twice.
    await c.forPublication(state);
    expect([slow.calls, fast.calls]).toEqual([1, 2]);
    slow.hold = false;
    slow.release();
    for (let i = 0; i < 100 && c.stored(20).length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    // Both cosignatures now held for this size, in configuration order, and attached on the next publication.
    const again = c.noteWithStored(state);
    expect(cosignedBy(again, slow) && cosignedBy(again, fast)).toBe(true);
    expect(parseNote(again).sigs.map((s) => s.name)).toEqual([ORIGIN, "slow.example/w", "fast.example/w"]);
  });

  it("quorum 2 of 2 with one refusing: nothing to publish", async () => {
    const log = growingLog();
    const a = witness("a.example/w");
    const b = witness("b.example/w");
    b.known = { size: 5, root: new Uint8Array(32) }; // it cosigned another tree of size 5: it refuses this log's
    const c = new Cosigner(
      { witnesses: [a.w, b.w], rule: thresholdQuorum([a.w, b.w], 2), quorum: 2, timeoutMs: 1000 },
      memoryStore(),
      callFor([a, b]),
      log.objects,
    );
    expect(await c.forPublication(log.grow(10))).toBeNull();
    expect(c.stored(10)).toHaveLength(1);
  });

  it("a tlog-policy quorum over nested groups, with an ML-DSA-44 witness: all of (pq, any of (a, b))", async () => {
    const log = growingLog();
    const pq = witness("pq.example/w", false, "ml-dsa-44");
    const a = witness("a.example/w");
    const b = witness("b.example/w", true); // slow: answers only when released
    const text = `witness PQ ${pq.w.vkey} https://pq.example/w\nwitness A ${a.w.vkey} https://a.example/w\nwitness B ${b.w.vkey} https://b.example/w\ngroup AB any A B\ngroup all all PQ AB\nquorum all\n`;
    const policy = parseWitnessPolicy(undefined, undefined, undefined, "test", text);
    expect(policy.quorum).toBe(2);
    const c = new Cosigner(policy, memoryStore(), callFor([pq, a, b]), log.objects);
    const note = await c.forPublication(log.grow(10));
    expect(note !== null && cosignedBy(note, pq) && cosignedBy(note, a) && !cosignedBy(note, b)).toBe(true);
    b.hold = false;
    b.release();
    for (let i = 0; i < 100 && c.stored(10).length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    // Now PQ refuses: A and B cosign, as many as the quorum's size, but PQ is required.
    pq.known = { size: 11, root: new Uint8Array(32) };
    expect(await c.forPublication(log.grow(20))).toBeNull();
    expect(c.stored(20)).toHaveLength(2);
  });
});
