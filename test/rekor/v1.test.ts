// Rekor v1 API: create (hashedrekord 0.0.1), read back by UUID, by index and in bulk; SET and
// v1 checkpoint verified with the log's published ECDSA key; proofs; errors in Rekor's shape.
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { bytesEqual, fromHex, toBase64, toHex } from "../../src/tlog/encoding.ts";
import { parseNote } from "../../src/tlog/note.ts";
import { checkConsistency } from "../../src/tlog/proof.ts";
import { enc, http, sequencer } from "../helpers/log.ts";
import { logPublicKey, verifyV1Entry } from "../helpers/v1-entry.ts";
import { p256Key } from "../helpers/keys.ts";
import { v1HashedRekord } from "../input/requests.ts";

const json = { "content-type": "application/json" };

describe("Rekor v1 API", () => {
  it("creates a hashedrekord entry: 201, UUID map, ETag/Location, verifiable SET and checkpoint", async () => {
    const req = v1HashedRekord(p256Key(), enc(`v1 artifact ${Math.random()}`));
    const r = await http("/api/v1/log/entries", { method: "POST", headers: json, body: JSON.stringify(req) });
    expect(r.status).toBe(201);
    const map = (await r.json()) as Record<string, any>;
    const [uuid] = Object.keys(map);
    expect(uuid).toMatch(/^[0-9a-f]{80}$/);
    expect(r.headers.get("etag")).toBe(uuid);
    expect(r.headers.get("location")).toBe(`/api/v1/log/entries/${uuid}`);
    const e = map[uuid!];
    expect(Object.keys(e).sort()).toEqual(["body", "integratedTime", "logID", "logIndex", "verification"]);
    expect(Math.abs(e.integratedTime - Date.now() / 1000)).toBeLessThan(60);
    const body = await verifyV1Entry(uuid!, e);
    // Canonical form: the request's fields, the key re-encoded as Go's PEM.
    expect(body).toEqual({ apiVersion: "0.0.1", kind: "hashedrekord", spec: req.spec });

    // Read back: by UUID (80 and 64 hex), by index, in bulk; all the same entry with the same time.
    await sequencer().status(); // the index outbox drains after each round; make sure it has
    for (const path of [
      `/api/v1/log/entries/${uuid}`,
      `/api/v1/log/entries/${uuid!.slice(16)}`,
      `/api/v1/log/entries?logIndex=${e.logIndex}`,
    ]) {
      const g = await http(path);
      expect(g.status, path).toBe(200);
      const m = (await g.json()) as Record<string, any>;
      expect(Object.keys(m)).toEqual([uuid]);
      expect(m[uuid!].body).toBe(e.body);
      expect(m[uuid!].integratedTime).toBe(e.integratedTime);
      await verifyV1Entry(uuid!, m[uuid!]);
    }
    const bulk = await http("/api/v1/log/entries/retrieve", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ entryUUIDs: [uuid], logIndexes: [e.logIndex], entries: [req] }),
    });
    const list = (await bulk.json()) as Record<string, any>[];
    expect(list.map((x) => Object.keys(x)[0])).toEqual([uuid, uuid, uuid]);

    // A resubmission: 409 with the Location of the existing entry.
    const again = await http("/api/v1/log/entries", { method: "POST", headers: json, body: JSON.stringify(req) });
    expect(again.status).toBe(409);
    expect(again.headers.get("location")).toBe(`/api/v1/log/entries/${uuid}`);
    const conflict = (await again.json()) as any;
    expect(conflict.message).toBe(`an equivalent entry already exists in the transparency log with UUID ${uuid}`);
    expect(Object.keys(conflict.entry)).toEqual([uuid]); // the entry itself: test/rekor/duplicates.test.ts
  });

  it("serves log info and consistency proofs that verify", async () => {
    for (let i = 0; i < 5; i++) await sequencer().add(enc(`v1 proof filler ${i} ${Math.random()}`));
    const info = (await (await http("/api/v1/log")).json()) as any;
    expect(Object.keys(info).sort()).toEqual(["inactiveShards", "rootHash", "signedTreeHead", "treeID", "treeSize"]);
    expect(info.treeID).toMatch(/^[0-9]+$/);
    const sth = parseCheckpoint(parseNote(info.signedTreeHead).text);
    expect(sth.origin).toBe(`localhost:8787 - ${info.treeID}`);
    expect(toHex(sth.root)).toBe(info.rootHash);
    const size = info.treeSize as number;
    const first = Math.max(1, size - 3);
    const older = (await (await http(`/api/v1/log/proof?firstSize=${first}&lastSize=${first}`)).json()) as any;
    const proof = (await (await http(`/api/v1/log/proof?firstSize=${first}&lastSize=${size}`)).json()) as any;
    expect(proof.rootHash).toBe(info.rootHash);
    checkConsistency(proof.hashes.map(fromHex), first, size, fromHex(older.rootHash), fromHex(info.rootHash));
    for (const bad of [
      `lastSize=${size + 1}`,
      `firstSize=0&lastSize=${size}`,
      `firstSize=${size}&lastSize=${first - 1}`,
      "firstSize=1",
      `lastSize=abc`,
    ]) {
      const r = await http(`/api/v1/log/proof?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as any).code).toBe(400);
    }
  });

  it("rejects bad entries and lookups with Rekor-shaped errors", async () => {
    const good = v1HashedRekord(p256Key(), enc("v1 bad input"));
    const cases: [string, unknown, number, RegExp][] = [
      ["unknown kind", { ...good, kind: "rpm" }, 400, /unsupported entry type/],
      ["unknown version", { ...good, apiVersion: "9.9.9" }, 400, /unsupported entry type/],
      ["unknown field", { ...good, extra: true }, 400, /unknown field "extra"/],
      [
        "bad hex",
        { ...good, spec: { ...good.spec, data: { hash: { algorithm: "sha256", value: "zz" } } } },
        400,
        /hash.value/,
      ],
      [
        "wrong hash length",
        { ...good, spec: { ...good.spec, data: { hash: { algorithm: "sha512", value: good.spec.data.hash.value } } } },
        400,
        /hash.value/,
      ],
      [
        "unknown hash",
        { ...good, spec: { ...good.spec, data: { hash: { algorithm: "md5", value: "00" } } } },
        400,
        /algorithm/,
      ],
      [
        "not PEM",
        {
          ...good,
          spec: { ...good.spec, signature: { ...good.spec.signature, publicKey: { content: toBase64(enc("nope")) } } },
        },
        400,
        /publicKey/,
      ],
      [
        "bad signature",
        {
          ...good,
          spec: { ...good.spec, signature: { ...good.spec.signature, content: toBase64(new Uint8Array(70)) } },
        },
        400,
        /signature/,
      ],
    ];
    for (const [what, body, status, message] of cases) {
      const r = await http("/api/v1/log/entries", { method: "POST", headers: json, body: JSON.stringify(body) });
      expect(r.status, what).toBe(status);
      const j = (await r.json()) as { code: number; message: string };
      expect(j.code, what).toBe(status);
      expect(j.message, what).toMatch(message);
    }
    expect((await http("/api/v1/log/entries/abc")).status).toBe(400);
    expect((await http(`/api/v1/log/entries/${"ab".repeat(32)}`)).status).toBe(404);
    expect((await http("/api/v1/log/entries?logIndex=99999999")).status).toBe(404);
    expect((await http("/api/v1/log/entries?logIndex=-1")).status).toBe(400);
    expect(
      (
        await http("/api/v1/log/entries/retrieve", {
          method: "POST",
          headers: json,
          body: JSON.stringify({ logIndexes: Array(11).fill(0) }),
        })
      ).status,
    ).toBe(422);
  });

  it("publishes the v1 key whose hash is the log ID in every entry", async () => {
    const spki = await logPublicKey();
    const info = (await (await http("/api/v1/log")).json()) as any;
    const note = parseNote(info.signedTreeHead);
    expect(
      bytesEqual(
        sha256(spki).slice(0, 4),
        new Uint8Array([
          note.sigs[0]!.keyId >>> 24,
          (note.sigs[0]!.keyId >>> 16) & 255,
          (note.sigs[0]!.keyId >>> 8) & 255,
          note.sigs[0]!.keyId & 255,
        ]),
      ),
    ).toBe(true);
  });
});
