// Golden vectors from outside edgelog: RFC 6962 hashing (transparency-dev/merkle), the Tessera 15-entry
// test log, signed notes (C2SP spec, golang/mod sumdb/note) and tlog-tiles paths. Every constant comes
// from test/fixtures/<source>/ (see the README there for provenance); nothing is recomputed by the code
// under test and then compared with itself.
import { describe, expect, it } from "vitest";
import { encodeBundle, parseBundle } from "../../src/tlog/bundle.ts";
import { formatCheckpoint, parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { bytesEqual, fromBase64, fromHex, toBase64, toHex, utf8Decode, utf8Encode } from "../../src/tlog/encoding.ts";
import { MalformedError, ProofError } from "../../src/tlog/errors.ts";
import { EMPTY_ROOT, hashChildren, hashLeaf, type Hash } from "../../src/tlog/hash.ts";
import {
  ed25519KeyId,
  formatNote,
  generateKey,
  newSigner,
  newVerifier,
  openNote,
  parseNote,
  signNote,
} from "../../src/tlog/note.ts";
import {
  checkConsistency,
  checkInclusion,
  memoryHashReader,
  proveConsistency,
  proveInclusion,
  tileHashReader,
  treeHash,
} from "../../src/tlog/proof.ts";
import { entryBundlesForSize, parseTilePath, tilePath, tilesForSize, type Tile } from "../../src/tlog/tile.ts";
import { appendLeaves, edgeRoot, emptyEdge, naiveRoot, type RightEdge } from "../../src/tlog/tree.ts";
import * as c2sp from "../fixtures/c2sp/index.ts";
import * as gomod from "../fixtures/golang-mod/index.ts";
import { refNodeHash, refSha256 } from "../fixtures/reference/rfc6962.ts";
import * as tessera from "../fixtures/tessera-testdata/index.ts";
import { HASHER_VECTORS, LEAVES_HEX, ROOTS_HEX } from "../fixtures/transparency-dev-merkle/index.ts";

const b64 = (s: string): Hash => fromBase64(s);
const ascii = (s: string): Uint8Array => utf8Encode(s);

/** Asserts fn throws one of the core's typed errors (never a TypeError/RangeError or an assertion). */
function expectTyped(fn: () => unknown, ...types: (typeof MalformedError | typeof ProofError)[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, "expected a typed error").toBeDefined();
  const allowed = types.length > 0 ? types : [MalformedError, ProofError];
  expect(
    allowed.some((t) => thrown instanceof t),
    `expected ${allowed.map((t) => t.name).join("|")}, got ${String(thrown)}`,
  ).toBe(true);
}

describe("RFC 6962 hasher (transparency-dev/merkle rfc6962_test.go)", () => {
  it("empty tree, leaf and node vectors", () => {
    expect(toHex(EMPTY_ROOT)).toBe(HASHER_VECTORS.emptyTree);
    expect(toHex(hashLeaf(new Uint8Array(0)))).toBe(HASHER_VECTORS.leafEmpty);
    expect(toHex(hashLeaf(ascii(HASHER_VECTORS.leafL123456.input)))).toBe(HASHER_VECTORS.leafL123456.hash);
    // hashChildren on 32-byte hashes agrees with the plain definition SHA-256(0x01 || l || r).
    const l = hashLeaf(ascii("l"));
    const r = hashLeaf(ascii("r"));
    expect(toHex(hashChildren(l, r))).toBe(toHex(refNodeHash(l, r)));
  });

  it("node(N123, N456): the oracle reproduces the upstream vector", () => {
    const { left, right, hash } = HASHER_VECTORS.nodeN123N456;
    expect(toHex(refNodeHash(ascii(left), ascii(right)))).toBe(hash);
  });

  // Upstream hashes raw 4-byte children here. Our Hash is 32 bytes, so hashChildren may refuse other
  // lengths, but it must never return a different hash silently (for instance from stale bytes of
  // an earlier call): that would make a malformed proof element hash to something arbitrary.
  it("hashChildren on non-32-byte inputs either computes SHA-256(0x01||l||r) or throws", () => {
    const { left, right, hash } = HASHER_VECTORS.nodeN123N456;
    hashChildren(hashLeaf(ascii("fill the scratch")), hashLeaf(ascii("with other bytes")));
    let got: string | undefined;
    try {
      got = toHex(hashChildren(ascii(left), ascii(right)));
    } catch {
      got = undefined;
    }
    if (got !== undefined) expect(got).toBe(hash);
  });

  it("8-leaf tree roots (testonly/constants.go) via naiveRoot, appendLeaves and treeHash", async () => {
    const leaves = LEAVES_HEX.map((h) => hashLeaf(fromHex(h)));
    let edge = emptyEdge();
    for (let n = 1; n <= 8; n++) {
      expect(toHex(naiveRoot(leaves.slice(0, n))), `naiveRoot ${n}`).toBe(ROOTS_HEX[n - 1]);
      edge = appendLeaves(edge, [leaves[n - 1]!]).edge;
      expect(toHex(edgeRoot(edge)), `edgeRoot ${n}`).toBe(ROOTS_HEX[n - 1]);
      expect(toHex(await treeHash(n, memoryHashReader(leaves.slice(0, n)))), `treeHash ${n}`).toBe(ROOTS_HEX[n - 1]);
    }
    const once = appendLeaves(emptyEdge(), leaves);
    expect(toHex(edgeRoot(once.edge))).toBe(ROOTS_HEX[7]);
    expect(toHex(naiveRoot([]))).toBe(HASHER_VECTORS.emptyTree);
    expect(toHex(edgeRoot(emptyEdge()))).toBe(HASHER_VECTORS.emptyTree);
  });
});

describe("Tessera testdata/log (15 entries)", () => {
  const entries = tessera.ENTRIES.map(ascii);
  const leafHashes = entries.map(hashLeaf);
  const signer = newSigner(tessera.LOG_PRIVATE_KEY);
  const verifier = newVerifier(tessera.LOG_PUBLIC_KEY);
  const checkpointFor = (size: number, root: Hash): string =>
    signNote(formatCheckpoint({ origin: tessera.ORIGIN, size, root, extensions: [] }), [signer]);

  /** Builds the log one entry per round, as build_log.sh does, keeping every tile written. */
  function buildOnePerRound(): { edges: RightEdge[]; store: Map<string, Uint8Array> } {
    const edges: RightEdge[] = [emptyEdge()];
    const store = new Map<string, Uint8Array>();
    for (let s = 1; s <= 15; s++) {
      const { edge, tiles } = appendLeaves(edges[s - 1]!, [leafHashes[s - 1]!]);
      expect(tiles.map((t) => tilePath(t.tile))).toEqual([`tile/0/000.p/${s}`]);
      expect(tilesForSize(s, s - 1).map(tilePath)).toEqual([`tile/0/000.p/${s}`]);
      expect(entryBundlesForSize(s, s - 1).map(tilePath)).toEqual([`tile/entries/000.p/${s}`]);
      for (const t of tiles) store.set(tilePath(t.tile), t.data);
      edges.push(edge);
    }
    return { edges, store };
  }

  it("the entries hash to the transcribed leaf hashes", () => {
    expect(toBase64(leafHashes[0]!)).toBe(tessera.ROOTS_B64[1]); // a 1-leaf root is its leaf hash
    expect(toBase64(leafHashes[2]!)).toBe(tessera.INCLUSION_2_IN_15.leafHash);
    expect(toBase64(leafHashes[3]!)).toBe(tessera.CONSISTENCY_3_TO_15.proof[1]); // MTH(D[3])
  });

  it("one entry per round: roots per size and the level-0 tile bytes", () => {
    const { edges, store } = buildOnePerRound();
    for (let s = 0; s <= 15; s++) {
      const root = edgeRoot(edges[s]!);
      expect(toBase64(root), `root at size ${s}`).toBe(toBase64(naiveRoot(leafHashes.slice(0, s))));
      const want = tessera.ROOTS_B64[s];
      if (want !== undefined) expect(toBase64(root), `transcribed root at size ${s}`).toBe(want);
    }
    // tile/0/000.p/N = the first N leaf hashes, concatenated.
    for (let s = 1; s <= 15; s++) {
      const data = store.get(`tile/0/000.p/${s}`)!;
      expect(data.length).toBe(32 * s);
      for (let i = 0; i < s; i++) expect(bytesEqual(data.subarray(32 * i, 32 * i + 32), leafHashes[i]!)).toBe(true);
    }
    const p3 = toHex(store.get("tile/0/000.p/3")!);
    tessera.TILE_0_000_P_3_ABBREVIATED.forEach(({ head, tail }, i) => {
      const h = p3.slice(64 * i, 64 * i + 64);
      expect(h.startsWith(head) && h.endsWith(tail), `hash ${i} of tile/0/000.p/3`).toBe(true);
    });
    expect(p3.slice(128)).toBe(toHex(b64(tessera.INCLUSION_2_IN_15.leafHash)));
  });

  it("one round of 15 entries gives the same root and tile", () => {
    const { edges, store } = buildOnePerRound();
    const { edge, tiles } = appendLeaves(emptyEdge(), leafHashes);
    expect(toBase64(edgeRoot(edge))).toBe(tessera.ROOTS_B64[15]);
    expect(toBase64(edgeRoot(edges[15]!))).toBe(tessera.ROOTS_B64[15]);
    expect(tiles.length).toBe(1);
    expect(tilePath(tiles[0]!.tile)).toBe("tile/0/000.p/15");
    expect(toHex(tiles[0]!.data)).toBe(toHex(store.get("tile/0/000.p/15")!));
  });

  it("entry bundles: tile/entries/000.p/3 bytes, and every size round-trips", () => {
    expect(toHex(encodeBundle(entries.slice(0, 3)))).toBe(tessera.BUNDLE_000_P_3_HEX);
    expect(parseBundle(fromHex(tessera.BUNDLE_000_P_3_HEX)).map((e) => utf8Decode(e))).toEqual(["one", "two", "three"]);
    for (let s = 1; s <= 15; s++) {
      const bundle = encodeBundle(entries.slice(0, s));
      const back = parseBundle(bundle);
      expect(back.map((e) => utf8Decode(e))).toEqual(tessera.ENTRIES.slice(0, s));
      // Entry i hashes to hash i of the level-0 tile of the same size (C2SP tlog-tiles).
      back.forEach((e, i) => expect(bytesEqual(hashLeaf(e), leafHashes[i]!)).toBe(true));
    }
  });

  it("keys: the private key yields the published verifier key and key ID", () => {
    expect(signer.name).toBe(tessera.ORIGIN);
    expect(signer.keyId).toBe(tessera.LOG_KEY_ID);
    expect(verifier.name).toBe(tessera.ORIGIN);
    expect(verifier.keyId).toBe(tessera.LOG_KEY_ID);
    const raw = fromBase64(tessera.LOG_PRIVATE_KEY.split("+").slice(4).join("+"));
    expect(raw[0]).toBe(1);
    expect(generateKey(tessera.ORIGIN, raw.slice(1))).toEqual({
      skey: tessera.LOG_PRIVATE_KEY,
      vkey: tessera.LOG_PUBLIC_KEY,
    });
    const pub = fromBase64(tessera.LOG_PUBLIC_KEY.split("+").slice(2).join("+")).slice(1);
    expect(ed25519KeyId(tessera.ORIGIN, pub)).toBe(tessera.LOG_KEY_ID);
  });

  it("checkpoints for sizes 3 and 15 are reproduced byte for byte", () => {
    expect(checkpointFor(3, b64(tessera.ROOTS_B64[3]!))).toBe(tessera.CHECKPOINT_3);
    expect(checkpointFor(15, b64(tessera.ROOTS_B64[15]!))).toBe(tessera.CHECKPOINT_15);
    // And from the tree we built, not the transcribed roots.
    const { edge } = appendLeaves(emptyEdge(), leafHashes);
    expect(checkpointFor(15, edgeRoot(edge))).toBe(tessera.CHECKPOINT_15);
    expect(checkpointFor(3, naiveRoot(leafHashes.slice(0, 3)))).toBe(tessera.CHECKPOINT_3);
  });

  it("checkpoints open with the public key and parse back", () => {
    for (const [size, msg] of [
      [3, tessera.CHECKPOINT_3],
      [15, tessera.CHECKPOINT_15],
    ] as const) {
      const note = openNote(msg, [verifier]);
      expect(note.sigs.length).toBe(1);
      expect(note.sigs[0]!.name).toBe(tessera.ORIGIN);
      expect(note.sigs[0]!.keyId).toBe(tessera.LOG_KEY_ID);
      const cp = parseCheckpoint(note.text);
      expect(cp.origin).toBe(tessera.ORIGIN);
      expect(cp.size).toBe(size);
      expect(toBase64(cp.root)).toBe(tessera.ROOTS_B64[size]);
      expect(cp.extensions).toEqual([]);
      expect(formatCheckpoint(cp)).toBe(note.text);
      expect(formatNote(parseNote(msg))).toBe(msg);
    }
    // The size-3 signature does not verify over the size-15 text.
    const forged = tessera.CHECKPOINT_15.split("\n\n")[0] + "\n\n" + tessera.CHECKPOINT_3.split("\n\n")[1];
    expectTyped(() => openNote(forged, [verifier]), ProofError);
  });

  it("inclusion proof for leaf 2 in size 15, from memory and from the tiles", async () => {
    const { index, size, proof, leafHash } = tessera.INCLUSION_2_IN_15;
    const root = b64(tessera.ROOTS_B64[15]!);
    const fromMemory = await proveInclusion(index, size, memoryHashReader(leafHashes));
    expect(fromMemory.map(toBase64)).toEqual(proof);
    const { store } = buildOnePerRound();
    const reader = tileHashReader(15, async (tiles: Tile[]) => tiles.map((t) => store.get(tilePath(t))!));
    expect((await proveInclusion(index, size, reader)).map(toBase64)).toEqual(proof);
    checkInclusion(proof.map(b64), index, size, b64(leafHash), root);
    expectTyped(() => checkInclusion(proof.map(b64), index + 1, size, b64(leafHash), root), ProofError);
  });

  it("consistency proof 3 → 15, and the tlog-witness request that carries it", async () => {
    const { oldSize, newSize, proof } = tessera.CONSISTENCY_3_TO_15;
    const oldRoot = b64(tessera.ROOTS_B64[3]!);
    const newRoot = b64(tessera.ROOTS_B64[15]!);
    expect((await proveConsistency(oldSize, newSize, memoryHashReader(leafHashes))).map(toBase64)).toEqual(proof);
    const { store } = buildOnePerRound();
    const reader = tileHashReader(15, async (tiles: Tile[]) => tiles.map((t) => store.get(tilePath(t))!));
    const fromTiles = await proveConsistency(oldSize, newSize, reader);
    expect(fromTiles.map(toBase64)).toEqual(proof);
    checkConsistency(proof.map(b64), oldSize, newSize, oldRoot, newRoot);
    expectTyped(() => checkConsistency(proof.map(b64), oldSize, newSize, newRoot, oldRoot), ProofError);
    const body =
      `old ${oldSize}\n` + fromTiles.map((h) => toBase64(h) + "\n").join("") + "\n" + checkpointFor(15, newRoot);
    expect(body).toBe(tessera.WITNESS_REQUEST_3_TO_15);
  });
});

describe("signed notes", () => {
  it("C2SP signed-note spec example verifies", () => {
    const v = newVerifier(c2sp.SIGNED_NOTE_VKEY);
    expect(v.name).toBe("example.com/foo");
    expect(v.keyId).toBe(c2sp.SIGNED_NOTE_KEY_ID);
    const note = openNote(c2sp.SIGNED_NOTE, [v]);
    expect(note.text).toBe(c2sp.SIGNED_NOTE_TEXT);
    expect(note.sigs.map((s) => [s.name, s.keyId])).toEqual([["example.com/foo", c2sp.SIGNED_NOTE_KEY_ID]]);
    expect(formatNote(parseNote(c2sp.SIGNED_NOTE))).toBe(c2sp.SIGNED_NOTE);
    // Change one character of the text: the known key's signature now fails.
    expectTyped(() => openNote(c2sp.SIGNED_NOTE.replace("example message", "example massage"), [v]), ProofError);
  });

  it("tlog-checkpoint spec example parses and round-trips (its key is unpublished)", () => {
    const note = parseNote(c2sp.CHECKPOINT_EXAMPLE.note);
    expect(note.text).toBe(c2sp.CHECKPOINT_EXAMPLE.text);
    expect(note.sigs.length).toBe(1);
    expect(note.sigs[0]!.name).toBe(c2sp.CHECKPOINT_EXAMPLE.origin);
    expect(note.sigs[0]!.sig.length).toBe(64);
    expect(formatNote(note)).toBe(c2sp.CHECKPOINT_EXAMPLE.note);
    const cp = parseCheckpoint(note.text);
    expect(cp.origin).toBe(c2sp.CHECKPOINT_EXAMPLE.origin);
    expect(cp.size).toBe(c2sp.CHECKPOINT_EXAMPLE.size);
    expect(toBase64(cp.root)).toBe(c2sp.CHECKPOINT_EXAMPLE.rootB64);
  });

  it("PeterNeumann: Sign reproduces TestSign byte for byte", () => {
    const signer = newSigner(gomod.PETER_SKEY);
    expect(signer.name).toBe("PeterNeumann");
    expect(signer.keyId).toBe(gomod.PETER_KEY_ID);
    expect(signNote(gomod.TEXT, [signer])).toBe(gomod.PETER_NOTE);
    const raw = fromBase64(gomod.PETER_SKEY.split("+").slice(4).join("+"));
    expect(generateKey("PeterNeumann", raw.slice(1))).toEqual({ skey: gomod.PETER_SKEY, vkey: gomod.PETER_VKEY });
  });

  const peter = () => newVerifier(gomod.PETER_VKEY);
  const enoch = () => newVerifier(gomod.ENOCH_VKEY);
  const sigOf = (line: string) => parseNote(gomod.TEXT + "\n" + line).sigs[0]!;

  it("TestOpen: one known and one unknown signature", () => {
    expect(enoch().keyId).toBe(gomod.ENOCH_KEY_ID);
    const msg = gomod.TEXT + "\n" + gomod.PETER_SIG_LINE + gomod.ENOCH_SIG_LINE;
    const n = openNote(msg, [peter()]);
    expect(n.text).toBe(gomod.TEXT);
    expect(n.sigs.length).toBe(1);
    expect(n.sigs[0]!.name).toBe("PeterNeumann");
    expect(n.sigs[0]!.keyId).toBe(gomod.PETER_KEY_ID);
    expect(toBase64(n.sigs[0]!.sig)).toBe(toBase64(sigOf(gomod.PETER_SIG_LINE).sig));
    // Both known: both verified, in order.
    const both = openNote(msg, [peter(), enoch()]);
    expect(both.sigs.map((s) => s.name)).toEqual(["PeterNeumann", "EnochRoot"]);
    // Only Enoch known.
    expect(openNote(msg, [enoch()]).sigs.map((s) => s.name)).toEqual(["EnochRoot"]);
  });

  it("TestOpen: no known signature is rejected", () => {
    const msg = gomod.TEXT + "\n" + gomod.PETER_SIG_LINE + gomod.ENOCH_SIG_LINE;
    expectTyped(() => openNote(msg, []), ProofError);
    expectTyped(() => openNote(gomod.TEXT + "\n" + gomod.ENOCH_SIG_LINE, [peter()]), ProofError);
  });

  it("TestOpen: more than 100 signatures is malformed, verified or not", () => {
    const msg = gomod.TEXT + "\n" + gomod.PETER_SIG_LINE.repeat(101);
    expectTyped(() => openNote(msg, [peter()]), MalformedError);
    expectTyped(() => openNote(msg, []), MalformedError);
    expectTyped(() => parseNote(msg), MalformedError);
    // 100 is still fine (C2SP: verifiers MUST accept at least 16).
    expect(openNote(gomod.TEXT + "\n" + gomod.PETER_SIG_LINE.repeat(100), [peter()]).text).toBe(gomod.TEXT);
  });

  /** Inserts `ins` at UTF-8 byte offset `at` of `line`, as Go's peterSig[:60]+"ABCD"+peterSig[60:] does. */
  const insertAtByte = (line: string, at: number, ins: string): string => {
    const b = utf8Encode(line);
    return utf8Decode(b.slice(0, at)) + ins + utf8Decode(b.slice(at));
  };

  it("TestOpen: an invalid signature by a known key rejects the note", () => {
    const bad = insertAtByte(gomod.PETER_SIG_LINE, 60, "ABCD");
    expectTyped(() => openNote(gomod.TEXT + "\n" + bad, [peter()]), ProofError);
    // A valid Peter signature does not rescue a failing one by the same key.
    expectTyped(() => openNote(gomod.TEXT + "\n" + gomod.PETER_SIG_LINE + bad, [peter()]), ProofError);
  });

  it("TestOpen: duplicated verified and unverified signatures", () => {
    const enochABCD = insertAtByte(gomod.ENOCH_SIG_LINE, 60, "ABCD");
    const msg =
      gomod.TEXT +
      "\n" +
      gomod.PETER_SIG_LINE +
      gomod.PETER_SIG_LINE +
      gomod.ENOCH_SIG_LINE +
      gomod.ENOCH_SIG_LINE +
      enochABCD;
    const n = openNote(msg, [peter()]);
    expect(n.text).toBe(gomod.TEXT);
    expect(n.sigs.length).toBeGreaterThanOrEqual(1);
    expect(n.sigs.every((s) => s.name === "PeterNeumann")).toBe(true);
  });

  it("TestOpen: malformed messages", () => {
    const peterSig = gomod.PETER_SIG_LINE;
    const bad = [
      gomod.TEXT,
      gomod.TEXT + "\n",
      gomod.TEXT + "\n" + peterSig.slice(0, -1),
      "\x01" + gomod.TEXT + "\n" + peterSig,
      // Go's "\xff" is an invalid UTF-8 byte; a JS string can only be ill-formed by a lone surrogate.
      "\ud800" + gomod.TEXT + "\n" + peterSig,
      gomod.TEXT +
        "\n" +
        "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
      gomod.TEXT + "\n" + peterSig + "Unexpected line.\n",
      // And a few of our own: a hyphen instead of the em dash, CRLF, a tab, a non-canonical base64 signature.
      gomod.TEXT + "\n" + peterSig.replace("—", "-"),
      gomod.TEXT.replace(/\n/g, "\r\n") + "\r\n" + peterSig,
      "\t" + gomod.TEXT + "\n" + peterSig,
      gomod.TEXT + "\n" + peterSig.replace("AM=\n", "AN=\n"),
    ];
    for (const msg of bad) {
      expectTyped(() => parseNote(msg), MalformedError);
      expectTyped(() => openNote(msg, [peter()]), MalformedError);
    }
  });

  it("TestNewVerifier: every substring and every byte increment of the vkey is rejected", () => {
    const vkey = gomod.PETER_VKEY;
    expect(newVerifier(vkey).keyId).toBe(gomod.PETER_KEY_ID);
    let tried = 0;
    for (let i = 0; i <= vkey.length; i++) {
      for (let j = i + 1; j <= vkey.length; j++) {
        if (i === 0 && j === vkey.length) continue;
        expectTyped(() => newVerifier(vkey.slice(i, j)), MalformedError);
        tried++;
      }
    }
    for (let i = 0; i < vkey.length; i++) {
      const mangled = vkey.slice(0, i) + String.fromCharCode(vkey.charCodeAt(i) + 1) + vkey.slice(i + 1);
      expectTyped(() => newVerifier(mangled), MalformedError);
      tried++;
    }
    expect(tried).toBeGreaterThan(2000);
  });

  it("TestNewVerifier: wrong key length and unknown algorithm, each with a correct key ID", () => {
    // Upstream spells these two with hand-adjusted key hashes; we recompute the IDs from the definition
    // SHA-256(name || "\n" || key bytes)[:4] so only the defect under test remains.
    // Go's base64 decoder ignores non-zero padding bits ("BADKEY=="), so decode leniently here.
    const lenient = (t: string) => Uint8Array.from(atob(t), (c) => c.charCodeAt(0));
    const keyId = (name: string, keyBytes: Uint8Array) =>
      toHex(refSha256(new Uint8Array([...ascii(name), 0x0a, ...keyBytes])).slice(0, 4));
    const longKey = lenient("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==");
    expectTyped(
      () =>
        newVerifier(
          `PeterNeumann+${keyId("PeterNeumann", longKey)}+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==`,
        ),
      MalformedError,
    );
    const otherAlg = lenient("ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    expectTyped(
      () => newVerifier(`PeterNeumann+${keyId("PeterNeumann", otherAlg)}+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`),
      MalformedError,
    );
    // Sanity: the same recipe gives the published ID for the real key.
    expect(keyId("PeterNeumann", fromBase64("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))).toBe("c74f20a3");
  });

  it("TestNewSigner: every substring and every byte increment of the skey is rejected", () => {
    const skey = gomod.PETER_SKEY;
    for (let i = 0; i <= skey.length; i++) {
      for (let j = i + 1; j <= skey.length; j++) {
        if (i === 0 && j === skey.length) continue;
        expectTyped(() => newSigner(skey.slice(i, j)), MalformedError);
      }
    }
    for (let i = 0; i < skey.length; i++) {
      const mangled = skey.slice(0, i) + String.fromCharCode(skey.charCodeAt(i) + 1) + skey.slice(i + 1);
      expectTyped(() => newSigner(mangled), MalformedError);
    }
  });

  it("generateKey: a fresh key signs and verifies; a flipped bit does not", () => {
    const { skey, vkey } = generateKey("EnochRoot");
    const s = newSigner(skey);
    const v = newVerifier(vkey);
    expect([s.name, s.keyId]).toEqual([v.name, v.keyId]);
    const msg = ascii("hi");
    const sig = s.sign(msg);
    expect(v.verify(msg, sig)).toBe(true);
    sig[0]! ^= 1;
    expect(v.verify(msg, sig)).toBe(false);
    sig[0]! ^= 1;
    expect(v.verify(ascii("hj"), sig)).toBe(false);
  });
});

describe("tlog-tiles paths", () => {
  it("the <N> encoding table (reference §1.2)", () => {
    for (const { index, path } of c2sp.INDEX_PATHS) {
      expect(tilePath({ level: 0, index, width: 256 })).toBe(`tile/0/${path}`);
      expect(tilePath({ level: 3, index, width: 7 })).toBe(`tile/3/${path}.p/7`);
      expect(tilePath({ level: -1, index, width: 256 })).toBe(`tile/entries/${path}`);
      expect(tilePath({ level: -1, index, width: 255 })).toBe(`tile/entries/${path}.p/255`);
      expect(parseTilePath(`tile/0/${path}`)).toEqual({ level: 0, index, width: 256 });
      expect(parseTilePath(`tile/12/${path}.p/1`)).toEqual({ level: 12, index, width: 1 });
      expect(parseTilePath(`tile/entries/${path}.p/89`)).toEqual({ level: -1, index, width: 89 });
    }
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe("tile/0/x001/x234/067");
    expect(tilePath({ level: 1, index: 0, width: 17 })).toBe("tile/1/000.p/17");
    expect(tilePath({ level: -1, index: 0, width: 3 })).toBe("tile/entries/000.p/3");
    expect(parseTilePath("tile/63/000")).toEqual({ level: 63, index: 0, width: 256 });
  });

  it("spec example: the tiles of a 70,000-leaf tree", () => {
    const paths = tilesForSize(c2sp.TILES_70000.size).map(tilePath);
    const full0 = Array.from({ length: c2sp.TILES_70000.fullLevel0Tiles }, (_, n) =>
      tilePath({ level: 0, index: n, width: 256 }),
    );
    expect([...paths].sort()).toEqual([...full0, ...c2sp.TILES_70000.otherPaths].sort());
    expect(entryBundlesForSize(c2sp.TILES_70000.size).length).toBe(c2sp.TILES_70000.fullLevel0Tiles + 1);
  });

  it("spec example: the tiles of a 256-leaf tree", () => {
    expect(tilesForSize(c2sp.TILES_256.size).map(tilePath).sort()).toEqual([...c2sp.TILES_256.paths].sort());
    expect(entryBundlesForSize(256).map(tilePath)).toEqual(["tile/entries/000"]);
  });

  it("rejects what Tessera's parser rejects", () => {
    for (const path of c2sp.TESSERA_REJECTED_PATHS) expectTyped(() => parseTilePath(path), MalformedError);
  });

  it("rejects other non-canonical and out-of-range spellings", () => {
    const bad = [
      "",
      "tile",
      "tile/0",
      "tile/0/",
      "/tile/0/000",
      "tile/0/000/",
      "tiles/0/000",
      "tile/00/000",
      "tile/01/000",
      "tile/64/000",
      "tile/+1/000",
      "tile/data/000",
      "tile/entries/000.p/0",
      "tile/0/000.p/0",
      "tile/0/000.p/00",
      "tile/0/000.p/01",
      "tile/0/000.p/-1",
      "tile/0/000.p/1.0",
      "tile/0/000.p",
      "tile/0/000.p/",
      "tile/0/00",
      "tile/0/0000",
      "tile/0/x000/001", // leading zero group
      "tile/0/x001",
      "tile/0/x001/",
      "tile/0/x001/x234",
      "tile/0/x001/.p/5",
      "tile/0/X001/000",
      "tile/0/x001/00a",
      "tile/0/ 001",
      "tile/0/001 ",
      "tile/0/001.p/5/",
      "tile/0/001.p/5.p/5",
      "tile/0/001?x=1",
      "tile/0/001%2f",
      "tile/0/x009/x007/x199/x254/x740/992", // 2^53: beyond the JS safe-integer index range
      "tile/63/x999/x999/x999/x999/x999/999.p/255", // 10^18 - 1: accepted by Tessera (uint64), not representable here
    ];
    for (const path of bad) expectTyped(() => parseTilePath(path), MalformedError);
    // 2^53 - 1 is the largest index we accept.
    expect(parseTilePath("tile/0/x009/x007/x199/x254/x740/991")).toEqual({ level: 0, index: 2 ** 53 - 1, width: 256 });
  });
});
