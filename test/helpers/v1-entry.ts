// Checks a Rekor v1 LogEntry the way sigstore-go and sigstore-js do: SET, checkpoint signature, inclusion, body.
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { expect } from "vitest";
import { decodePem } from "../../src/pki/keys.ts";
import { canonicalize } from "../../src/rekor/jcs.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { fromBase64, fromHex, utf8Decode, utf8Encode, toHex } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { parseNote } from "../../src/tlog/note.ts";
import { checkInclusion } from "../../src/tlog/proof.ts";
import { http } from "./log.ts";

export async function logPublicKey(): Promise<Uint8Array> {
  const r = await http("/api/v1/log/publicKey");
  expect(r.headers.get("content-type")).toBe("application/x-pem-file");
  return decodePem(await r.text())[0]!.der;
}

/** Checks a v1 LogEntry the way sigstore-go and sigstore-js do: SET, checkpoint signature, inclusion, body. */
export async function verifyV1Entry(uuid: string, e: any) {
  const spki = await logPublicKey();
  const pub = spki.slice(-65);
  expect(e.logID).toBe(toHex(sha256(spki)));
  const set = canonicalize({ body: e.body, integratedTime: e.integratedTime, logID: e.logID, logIndex: e.logIndex });
  expect(
    p256.verify(fromBase64(e.verification.signedEntryTimestamp), sha256(utf8Encode(set)), pub, {
      prehash: false,
      format: "der",
    }),
  ).toBe(true);
  const p = e.verification.inclusionProof;
  const note = parseNote(p.checkpoint);
  expect(note.sigs).toHaveLength(1);
  expect(note.sigs[0]!.keyId).toBe(parseInt(e.logID.slice(0, 8), 16) >>> 0); // key hint = SHA-256(SPKI)[:4]
  expect(p256.verify(note.sigs[0]!.sig, sha256(utf8Encode(note.text)), pub, { prehash: false, format: "der" })).toBe(
    true,
  );
  const cp = parseCheckpoint(note.text);
  expect(cp.origin).toMatch(/ - [0-9]+$/); // sigstore-go recognises a v1 tree head by this origin shape
  expect(cp.extensions[0]).toMatch(/^Timestamp: [0-9]+$/);
  expect(toHex(cp.root)).toBe(p.rootHash);
  expect(cp.size).toBe(p.treeSize);
  const body = fromBase64(e.body);
  checkInclusion(
    p.hashes.map((h: string) => fromHex(h)),
    p.logIndex,
    p.treeSize,
    hashLeaf(body),
    cp.root,
  );
  expect(uuid.slice(16)).toBe(toHex(hashLeaf(body)));
  return JSON.parse(utf8Decode(body));
}
