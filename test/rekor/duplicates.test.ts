// Retries get their proof: a duplicate submission answers 409 (v2: x-log-index; v1: Location) and carries the logged
// entry, proven against the current checkpoint. Entries whose certificate has expired since stay findable: a retry
// is still a 409 and a v1 retrieve by proposed entry still finds them (the validity check is for new entries only).
import { afterEach, describe, expect, it, vi } from "vitest";
import { certificateValidity } from "../../src/pki/validity.ts";
import { encodePem } from "../../src/pki/keys.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { fromBase64, toBase64, utf8Encode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { newVerifier, openNote } from "../../src/tlog/note.ts";
import { checkInclusion } from "../../src/tlog/proof.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { hashedRekordV2, p256Key, type TestEcKey } from "../helpers/keys.ts";
import { enc, http, logVerifierKey, sequencer } from "../helpers/log.ts";
import { verifyV1Entry } from "../helpers/v1-entry.ts";
import { v1HashedRekord } from "../input/requests.ts";

const post = (path: string, body: unknown) =>
  http(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** The protojson type URL of sigstore_rekor.proto's TransparencyLogEntry (package dev.sigstore.rekor.v1) in an Any. */
const TLE_ANY = "type.googleapis.com/dev.sigstore.rekor.v1.TransparencyLogEntry";

/** Checks a v2 409 body's TransparencyLogEntry: typed Any, the same leaf, a proof to its own signed checkpoint. */
function expectProvenDuplicate(body: any, index: string, leaf: string) {
  expect(body.code).toBe(6); // gRPC AlreadyExists
  expect(body.details).toHaveLength(1);
  const { "@type": type, ...tle } = body.details[0];
  expect(type).toBe(TLE_ANY);
  expect(tle.logIndex).toBe(index);
  expect(tle.canonicalizedBody).toBe(leaf);
  expect(tle.kindVersion).toEqual({ kind: "hashedrekord", version: "0.0.2" });
  const cp = parseCheckpoint(openNote(tle.inclusionProof.checkpoint.envelope, [newVerifier(logVerifierKey())]).text);
  expect(tle.inclusionProof.treeSize).toBe(String(cp.size));
  expect(tle.inclusionProof.rootHash).toBe(toBase64(cp.root));
  checkInclusion(
    tle.inclusionProof.hashes.map(fromBase64),
    Number(index),
    cp.size,
    hashLeaf(fromBase64(leaf)),
    cp.root,
  );
  return cp;
}

function v1WithCertificate(key: TestEcKey, artifact: Uint8Array, cert: Uint8Array) {
  const req = v1HashedRekord(key, artifact);
  req.spec.signature.publicKey.content = toBase64(utf8Encode(encodePem("CERTIFICATE", cert)));
  return req;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("duplicates carry the logged entry", () => {
  it("Rekor v2: 409 + x-log-index + the TransparencyLogEntry as a typed Any, proven against the current checkpoint", async () => {
    const req = hashedRekordV2(p256Key(), enc(`dup v2 ${Math.random()}`));
    const first = (await (await post("/api/v2/log/entries", req)).json()) as any;
    // The log grows: the retry's proof is against the newer checkpoint, not the one the first answer had.
    await post("/api/v2/log/entries", hashedRekordV2(p256Key(), enc(`after ${Math.random()}`)));
    const again = await post("/api/v2/log/entries", req);
    expect(again.status).toBe(409);
    expect(again.headers.get("x-log-index")).toBe(first.logIndex);
    const body = (await again.json()) as any;
    expect(body.message).toBe(
      `an equivalent entry already exists in the transparency log with index ${first.logIndex}`,
    );
    const cp = expectProvenDuplicate(body, first.logIndex, first.canonicalizedBody);
    expect(cp.size).toBeGreaterThan(Number(first.inclusionProof.treeSize));
    // Everything else as in the 201 answer.
    const { "@type": _, ...tle } = body.details[0];
    expect(Object.keys(tle).sort()).toEqual(Object.keys(first).sort());
    expect(tle.logId).toEqual(first.logId);
  });

  it("Rekor v1: 409 + Location, and the Error body carries the LogEntry as a read returns it", async () => {
    const req = v1HashedRekord(p256Key(), enc(`dup v1 ${Math.random()}`));
    const first = await post("/api/v1/log/entries", req);
    expect(first.status).toBe(201);
    const [uuid] = Object.keys((await first.json()) as object);
    const again = await post("/api/v1/log/entries", req);
    expect(again.status).toBe(409);
    expect(again.headers.get("location")).toBe(`/api/v1/log/entries/${uuid}`);
    const body = (await again.json()) as any;
    expect(body.code).toBe(409);
    expect(body.message).toBe(`an equivalent entry already exists in the transparency log with UUID ${uuid}`);
    expect(Object.keys(body.entry)).toEqual([uuid]);
    await verifyV1Entry(uuid!, body.entry[uuid!]);
  });

  it("a duplicate whose entry cannot be read still answers 409 with its index (and no entry)", async () => {
    const req = hashedRekordV2(p256Key(), enc(`unreadable ${Math.random()}`));
    const first = (await (await post("/api/v2/log/entries", req)).json()) as any;
    // The checkpoint object gone: the reader cannot prove anything, but the sequencer still knows the leaf.
    const { env } = await import("cloudflare:workers");
    const tiles = (env as unknown as { TILES: R2Bucket }).TILES;
    const keys = (await tiles.list()).objects.map((o) => o.key).filter((k) => k.endsWith("checkpoint"));
    const saved = await Promise.all(keys.map(async (k) => [k, await (await tiles.get(k))!.arrayBuffer()] as const));
    await Promise.all(keys.map((k) => tiles.delete(k)));
    try {
      const again = await post("/api/v2/log/entries", req);
      expect(again.status).toBe(409);
      expect(again.headers.get("x-log-index")).toBe(first.logIndex);
      expect(((await again.json()) as any).details).toEqual([]);
    } finally {
      await Promise.all(saved.map(([k, v]) => tiles.put(k, v)));
    }
  });
});

describe("entries whose certificate has expired since stay findable", () => {
  it("past notAfter: a retry is 409 with the entry (v2 and v1), a v1 retrieve finds it, a new entry is 400", async () => {
    const key = p256Key();
    const cert = fulcioCertificate(key, { email: "expiry@example.org", issuer: "https://issuer.example" });
    const v2req = hashedRekordV2(key, enc(`expiring v2 ${Math.random()}`), "x509Certificate", cert);
    const v1req = v1WithCertificate(key, enc(`expiring v1 ${Math.random()}`), cert);
    const v2first = await post("/api/v2/log/entries", v2req);
    expect(v2first.status).toBe(201);
    const v2entry = (await v2first.json()) as any;
    const v1first = await post("/api/v1/log/entries", v1req);
    expect(v1first.status).toBe(201);
    const [uuid] = Object.keys((await v1first.json()) as object);
    await sequencer().status(); // the search index is filled after each round; make sure it has been

    // Ten minutes after the certificate expired.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(certificateValidity(cert).notAfter + 10 * 60_000);

    const v2again = await post("/api/v2/log/entries", v2req);
    expect(v2again.status).toBe(409);
    expect(v2again.headers.get("x-log-index")).toBe(v2entry.logIndex);
    expectProvenDuplicate(await v2again.json(), v2entry.logIndex, v2entry.canonicalizedBody);

    const v1again = await post("/api/v1/log/entries", v1req);
    expect(v1again.status).toBe(409);
    expect(v1again.headers.get("location")).toBe(`/api/v1/log/entries/${uuid}`);
    await verifyV1Entry(uuid!, ((await v1again.json()) as any).entry[uuid!]);

    const found = await post("/api/v1/log/entries/retrieve", { entries: [v1req] });
    expect(found.status).toBe(200);
    const list = (await found.json()) as Record<string, any>[];
    expect(list.map((x) => Object.keys(x)[0])).toEqual([uuid]);
    await verifyV1Entry(uuid!, list[0]![uuid!]);

    // Something new with that certificate is refused, in both APIs, and nothing is appended.
    const size = (await sequencer().status()).size;
    const v2new = await post(
      "/api/v2/log/entries",
      hashedRekordV2(key, enc(`new v2 ${Math.random()}`), "x509Certificate", cert),
    );
    expect(v2new.status).toBe(400);
    expect(((await v2new.json()) as any).message).toMatch(
      /^hashedRekordRequestV002\.signature\.verifier\.x509Certificate: certificate expired at /,
    );
    const v1new = await post("/api/v1/log/entries", v1WithCertificate(key, enc(`new v1 ${Math.random()}`), cert));
    expect(v1new.status).toBe(400);
    expect(((await v1new.json()) as any).message).toMatch(
      /^error processing entry: spec\.signature\.publicKey\.content: certificate expired at /,
    );
    expect((await sequencer().status()).size).toBe(size);
  });
});
