import { describe, expect, it } from "vitest";
import { appendLeaves, edgeRoot, emptyEdge, naiveRoot } from "../../src/tlog/tree.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { toBase64, utf8Encode } from "../../src/tlog/encoding.ts";
import { formatCheckpoint } from "../../src/tlog/checkpoint.ts";
import { newSigner, signNote, generateKey, newVerifier, openNote } from "../../src/tlog/note.ts";
import {
  checkInclusion,
  checkConsistency,
  proveInclusion,
  proveConsistency,
  tileHashReader,
  memoryHashReader,
} from "../../src/tlog/proof.ts";
import { tilePath } from "../../src/tlog/tile.ts";

// Tessera testdata/log (transparency-dev/tessera @1811ae1), values transcribed in shared/reference/tiles-and-peers.md §5.
const TESSERA_ENTRIES = "one two three four five six seven eit nain ten ileven twelf threeten fourten fivten".split(
  " ",
);
const TESSERA_SKEY = "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";

describe("core smoke", () => {
  it("reproduces the Tessera test log checkpoint for size 3 byte for byte", () => {
    let edge = emptyEdge();
    const leaves = TESSERA_ENTRIES.map((e) => hashLeaf(utf8Encode(e)));
    edge = appendLeaves(edge, leaves.slice(0, 3)).edge;
    expect(toBase64(edgeRoot(edge))).toBe("Wqx3HImawpLnS/Gv4ubjAvi1WIOy0b8Ze0amvqbavKk=");
    const note = signNote(
      formatCheckpoint({ origin: "example.com/log/testdata", size: 3, root: edgeRoot(edge), extensions: [] }),
      [newSigner(TESSERA_SKEY)],
    );
    expect(note).toBe(
      "example.com/log/testdata\n3\nWqx3HImawpLnS/Gv4ubjAvi1WIOy0b8Ze0amvqbavKk=\n\n— example.com/log/testdata M9e0lvAQRtH832pk2RTbeSeZMkp4FZSdJYFBUjO5SKxuRbywPUF3cx+HUrb50kjd3rUWW/fj53Wj1dwcwh9bGQnqVAg=\n",
    );
    const all = appendLeaves(emptyEdge(), leaves);
    expect(toBase64(edgeRoot(all.edge))).toBe("rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=");
  });
  it("roots, tiles and proofs agree with the naive tree", async () => {
    const leaves = Array.from({ length: 70_000 }, (_, i) => hashLeaf(utf8Encode(String(i))));
    let edge = emptyEdge();
    const store = new Map<string, Uint8Array>();
    const sizes: number[] = [];
    for (const step of [1, 254, 1, 65_000, 3, 4_741]) {
      const r = appendLeaves(edge, leaves.slice(edge.size, edge.size + step));
      edge = r.edge;
      for (const t of r.tiles) store.set(tilePath(t.tile), t.data);
      sizes.push(edge.size);
    }
    expect(edge.size).toBe(70_000);
    expect(store.has("tile/0/273.p/112")).toBe(true);
    expect(store.has("tile/1/001.p/17")).toBe(true);
    expect(store.has("tile/2/000.p/1")).toBe(true);
    expect(edgeRoot(edge)).toEqual(naiveRoot(leaves));
    const reader = tileHashReader(70_000, async (tiles) => tiles.map((t) => store.get(tilePath(t))!));
    for (const i of [0, 1, 255, 256, 65_535, 69_999]) {
      const p = await proveInclusion(i, 70_000, reader);
      checkInclusion(p, i, 70_000, leaves[i]!, edgeRoot(edge));
    }
    const small = leaves.slice(0, 300);
    const mem = memoryHashReader(small);
    const c = await proveConsistency(7, 300, mem);
    checkConsistency(c, 7, 300, naiveRoot(small.slice(0, 7)), naiveRoot(small));
    expect(() => checkConsistency(c, 8, 300, naiveRoot(small.slice(0, 8)), naiveRoot(small))).toThrow();
  });
  it("signs and opens notes", () => {
    const k = generateKey("example.com/x");
    const n = signNote("hello\n", [newSigner(k.skey)]);
    expect(openNote(n, [newVerifier(k.vkey)]).text).toBe("hello\n");
  });
});
