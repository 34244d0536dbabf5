// Search answers checked the way a client must: each hit's checkpoint signed by the shard's key,
// its inclusion proof against that checkpoint, its body hashed into the leaf.
import { expect } from "vitest";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { fromBase64, toBase64 } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { newVerifier, openNote } from "../../src/tlog/note.ts";
import { checkInclusion } from "../../src/tlog/proof.ts";

export interface Hit {
  shard: string;
  entry: any;
}

/** Throws unless the hit verifies against `vkey`; returns its index and canonical body. */
export function verifyHit(hit: Hit, vkey: string): { index: number; body: Uint8Array } {
  const e = hit.entry;
  const opened = openNote(e.inclusionProof.checkpoint.envelope, [newVerifier(vkey)]);
  const cp = parseCheckpoint(opened.text);
  expect(e.inclusionProof.treeSize).toBe(String(cp.size));
  expect(e.inclusionProof.rootHash).toBe(toBase64(cp.root));
  expect(e.inclusionProof.logIndex).toBe(e.logIndex);
  const body = fromBase64(e.canonicalizedBody);
  const index = Number(e.logIndex);
  checkInclusion(
    e.inclusionProof.hashes.map((h: string) => fromBase64(h)),
    index,
    cp.size,
    hashLeaf(body),
    cp.root,
  );
  return { index, body };
}
