// A C2SP tlog-mirror of an edgelog log, step by step (src/mirror/follow.ts): the upstream is this test
// deployment's own log read through its public tlog-tiles paths, the mirror's copy an in-memory store. The copy
// must be the log's tiles byte for byte under a cosigned checkpoint, follow the log as it grows (proving
// consistency), and refuse — storing nothing — a wrong tile, a wrong entry, a checkpoint by another key, a
// rolled-back or forked checkpoint, and a newer checkpoint that does not extend the mirrored one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TileReader } from "../../src/client/tile-reader.ts";
import { logKey } from "../../src/client/verify-checkpoint.ts";
import {
  EMPTY_MIRROR,
  MirrorRefusal,
  mirrorStep,
  type MirrorSource,
  type MirrorState,
  type MirrorStore,
} from "../../src/mirror/follow.ts";
import { encodeBundle } from "../../src/tlog/bundle.ts";
import { formatCheckpoint } from "../../src/tlog/checkpoint.ts";
import {
  generateCosignatureKey,
  newCosignatureSigner,
  newCosignatureVerifier,
  verifyCosignatures,
} from "../../src/tlog/cosignature.ts";
import { utf8Decode, utf8Encode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { generateKey, newSigner, newVerifier, parseNote, signNote } from "../../src/tlog/note.ts";
import { appendLeaves, edgeRoot, emptyEdge } from "../../src/tlog/tree.ts";
import { ENTRIES_LEVEL, TILE_WIDTH, tilePath, tileWidth } from "../../src/tlog/tile.ts";
import { enc, http, logVerifierKey, sequencer } from "../helpers/log.ts";

const mirrorKey = generateCosignatureKey("mirror.example/m1");
const cosigner = newCosignatureSigner(mirrorKey.skey);
const logSkey = (env as unknown as { LOG_SIGNING_KEY: string }).LOG_SIGNING_KEY;

const edgelog = (): MirrorSource => {
  const vkey = logVerifierKey();
  return {
    origin: parseNote(`x\n\n— ${vkey.split("+")[0]} AAAAAAA=\n`).sigs[0]!.name,
    logKey: logKey(vkey),
    fetch: async (path) => {
      const r = await http(`/${path}`);
      return r.status === 404 ? null : new Uint8Array(await r.arrayBuffer());
    },
  };
};

function memoryStore(): MirrorStore & { objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  return {
    objects,
    get: async (p) => objects.get(p) ?? null,
    put: async (p, body) => {
      objects.set(p, body);
    },
  };
}

/** Steps until caught up; every step's state is kept, as the Durable Object does. */
async function follow(
  src: MirrorSource,
  store: MirrorStore,
  state: MirrorState,
  maxBundles = 1,
): Promise<{ state: MirrorState; published: string[] }> {
  const published: string[] = [];
  for (let i = 0; i < 100; i++) {
    const r = await mirrorStep(src, store, state, cosigner, 1_800_000_000 + i, maxBundles);
    state = r.state;
    if (r.published) published.push(r.published);
    if (r.caughtUp) return { state, published };
  }
  throw new Error("did not catch up");
}

async function grow(n: number, tag: string) {
  await Promise.all(Array.from({ length: n }, (_, i) => sequencer().add(enc(`${tag} ${i} ${Math.random()}`))));
}

/** A tile log in memory, written by edgelog's tree code and signed with `skey` (a log that lies, when it must). */
function memoryLog(entries: Uint8Array[], skey: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const r = appendLeaves(emptyEdge(), entries.map(hashLeaf));
  for (const t of r.tiles) files.set(tilePath(t.tile), t.data);
  for (let n = 0; n * TILE_WIDTH < entries.length; n++) {
    const width = tileWidth(ENTRIES_LEVEL, n, entries.length);
    files.set(
      tilePath({ level: ENTRIES_LEVEL, index: n, width }),
      encodeBundle(entries.slice(n * TILE_WIDTH, n * TILE_WIDTH + width)),
    );
  }
  const signer = newSigner(skey);
  files.set(
    "checkpoint",
    utf8Encode(
      signNote(
        formatCheckpoint({ origin: signer.name, size: entries.length, root: edgeRoot(r.edge), extensions: [] }),
        [signer],
      ),
    ),
  );
  return files;
}

const fromFiles = (files: Map<string, Uint8Array>, skey: string): MirrorSource => ({
  origin: newSigner(skey).name,
  logKey: logKey(newSigner(skey).vkey),
  fetch: async (p) => files.get(p) ?? null,
});

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MirrorRefusal);
  return (e as Error).message;
}

describe("mirroring an edgelog log", () => {
  it("copies every tile and bundle, cosigns the log's checkpoint, then follows it as it grows", async () => {
    await sequencer().status();
    await grow(300, "mirror a");
    const src = edgelog();
    const store = memoryStore();
    const first = await follow(src, store, EMPTY_MIRROR);
    expect(first.published).toHaveLength(1);
    const note = parseNote(first.published[0]!);
    const size = Number(note.text.split("\n")[1]);
    expect(size).toBeGreaterThanOrEqual(300);
    // The log's note as served (its signature first), then the mirror's cosignature, which verifies.
    const served = utf8Decode((await src.fetch("checkpoint"))!);
    expect(first.published[0]!.startsWith(served)).toBe(true);
    expect(verifyCosignatures(note.text, note.sigs, [newCosignatureVerifier(mirrorKey.vkey)]).valid).toHaveLength(1);
    // Byte for byte the log's objects, read through the tlog-tiles interface with the log's key.
    for (const [path, body] of store.objects)
      if (path !== "checkpoint") expect(body, path).toEqual(await src.fetch(path));
    const copy = new TileReader(async (p) => store.objects.get(p) ?? null, [newVerifier(logVerifierKey())]);
    const cp = await copy.checkpoint();
    for (const i of [0, 255, 256, size - 1]) await copy.verifyInclusion(await copy.entry(i, cp.size), i, cp);

    await grow(600, "mirror b");
    const second = await follow(src, store, first.state, 2);
    expect(second.published).toHaveLength(1);
    const cp2 = await copy.checkpoint();
    expect(cp2.size).toBeGreaterThanOrEqual(size + 600);
    await copy.verifyConsistency(cp, cp2);
    await copy.verifyInclusion(await copy.entry(cp2.size - 1, cp2.size), cp2.size - 1, cp2);
    // Caught up: nothing more to do, nothing published.
    const again = await mirrorStep(src, store, second.state, cosigner, 1_900_000_000);
    expect(again).toMatchObject({ caughtUp: true });
    expect(again.published).toBeUndefined();
  });
});

describe("a log that lies is refused, and nothing is stored", () => {
  const skey = generateKey("liar.example").skey;
  const entries = Array.from({ length: 700 }, (_, i) => enc(`entry ${i}`));

  it("mirrors the honest log in memory", async () => {
    const store = memoryStore();
    const { published } = await follow(fromFiles(memoryLog(entries, skey), skey), store, EMPTY_MIRROR, 4);
    expect(published).toHaveLength(1);
    expect(store.objects.get("tile/0/002.p/188")).toBeDefined();
  });

  it("a wrong hash in a tile, a wrong entry, a truncated tile", async () => {
    for (const [path, change, why] of [
      ["tile/0/001", (b: Uint8Array) => (b[40]! ^= 1), /tile\/0\/001 does not hash to its hash in the tile above/],
      ["tile/0/002.p/188", (b: Uint8Array) => (b[0]! ^= 1), /do not hash to the root/],
      ["tile/1/000.p/2", (b: Uint8Array) => (b[0]! ^= 1), /do not hash to the root/],
      [
        "tile/entries/001",
        (b: Uint8Array) => (b[b.length - 1]! ^= 1),
        /entry 511 in tile\/entries\/001 does not hash to its leaf hash/,
      ],
    ] as const) {
      const files = memoryLog(entries, skey);
      change(files.get(path)!);
      const store = memoryStore();
      expect(await refusal(follow(fromFiles(files, skey), store, EMPTY_MIRROR, 4)), path).toMatch(why);
      expect(store.objects.size, path).toBe(0);
    }
    const files = memoryLog(entries, skey);
    files.set("tile/0/000", files.get("tile/0/000")!.slice(0, 100));
    expect(await refusal(follow(fromFiles(files, skey), memoryStore(), EMPTY_MIRROR))).toMatch(/malformed|bytes/);
  });

  it("a checkpoint signed by another key, or with another origin", async () => {
    // Signed by another key of the same name, read with the log's key.
    const other = generateKey("liar.example").skey;
    expect(await refusal(follow(fromFiles(memoryLog(entries, other), skey), memoryStore(), EMPTY_MIRROR))).toMatch(
      /checkpoint does not verify: .*no signature by a known key/,
    );
    // Signed by the log's key, but the note names another origin.
    const files = memoryLog(entries, skey);
    const text = utf8Decode(files.get("checkpoint")!).replace(/^liar\.example\n/, "elsewhere.example\n");
    files.set("checkpoint", utf8Encode(signNote(parseNote(text).text, [newSigner(skey)])));
    expect(await refusal(follow(fromFiles(files, skey), memoryStore(), EMPTY_MIRROR))).toMatch(
      /checkpoint does not verify: .*origin/,
    );
  });

  it("a newer checkpoint that does not extend the mirrored one, a rollback, a fork at the same size", async () => {
    const store = memoryStore();
    const { state } = await follow(fromFiles(memoryLog(entries.slice(0, 300), skey), skey), store, EMPTY_MIRROR, 4);
    const before = new Map(store.objects);
    const rewritten = [...entries.slice(0, 100), enc("rewritten"), ...entries.slice(101)];
    expect(await refusal(follow(fromFiles(memoryLog(rewritten, skey), skey), store, state, 4))).toMatch(
      /size 700 is not consistent with the mirrored one of size 300/,
    );
    expect(await refusal(follow(fromFiles(memoryLog(entries.slice(0, 200), skey), skey), store, state))).toMatch(
      /older than the mirror's/,
    );
    expect(await refusal(follow(fromFiles(memoryLog(rewritten.slice(0, 300), skey), skey), store, state))).toMatch(
      /a fork/,
    );
    expect(store.objects).toEqual(before); // nothing stored, the mirror checkpoint unchanged
    // The honest continuation still mirrors.
    const next = await follow(fromFiles(memoryLog(entries, skey), skey), store, state, 4);
    expect(next.state.mirror?.size).toBe(700);
  });
});
