// Search through the Worker: entries of every kind the log accepts are found by each of their keys
// once their round has drained its outbox (status() waits for that), misses are empty, every hit
// verifies against the checkpoint signed by the log's key, pagination covers every hit exactly once,
// Rekor v1 index/retrieve answers the entry UUIDs, and a D1 outage delays search without losing anything.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import { encodePem } from "../../src/pki/keys.ts";
import { bytesEqual, fromBase64, toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { p256Key, type TestEcKey } from "../helpers/keys.ts";
import { http, logVerifierKey, sequencer } from "../helpers/log.ts";
import { verifyHit, type Hit } from "../helpers/search.ts";
import { v1Dsse, v1HashedRekord, v1Intoto, v2Dsse, v2HashedRekord } from "../input/requests.ts";

const json = { "content-type": "application/json" };
const post = (path: string, body: unknown) => http(path, { method: "POST", headers: json, body: JSON.stringify(body) });
const keyOf = (k: TestEcKey) => `key:sha256:${toHex(sha256(k.spki))}`;

async function searchAll(query: string, limit?: number): Promise<Hit[]> {
  const hits: Hit[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await http(
      `/api/v2/search?${query}${limit ? `&limit=${limit}` : ""}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(r.status, await r.clone().text()).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    const a = (await r.json()) as { hits: Hit[]; nextCursor?: string };
    if (limit) expect(a.hits.length).toBeLessThanOrEqual(limit);
    hits.push(...a.hits);
    if (a.nextCursor === undefined) return hits;
    cursor = encodeURIComponent(a.nextCursor);
  }
  throw new Error("too many pages");
}

interface Logged {
  name: string;
  index: number;
  body: Uint8Array;
  kind: string;
  version: string;
  keys: Record<string, string>; // selector query → expected to find this entry
  v1Uuid?: string;
}

function identity(tag: string) {
  return {
    email: `Signer.${tag}@Example.com`,
    uri: `https://github.com/example/${tag}/.github/workflows/release.yml@refs/heads/main`,
    issuer: `https://issuer.example/${tag}`,
    repository: `https://github.com/example/${tag}`,
  };
}

function identityQueries(id: ReturnType<typeof identity>): Record<string, string> {
  return {
    email: id.email.toUpperCase(), // emails match case-insensitively
    [`subject(email)`]: id.email,
    subject: id.uri,
    issuer: id.issuer,
    repository: id.repository,
  };
}

const q = (selector: string, value: string) => `${selector.replace(/\(.*\)$/, "")}=${encodeURIComponent(value)}`;

async function logV2(name: string, body: unknown, keys: Record<string, string>): Promise<Logged> {
  const r = await post("/api/v2/log/entries", body);
  expect(r.status, await r.clone().text()).toBe(201);
  const tle = (await r.json()) as any;
  return {
    name,
    index: Number(tle.logIndex),
    body: fromBase64(tle.canonicalizedBody),
    kind: tle.kindVersion.kind,
    version: tle.kindVersion.version,
    keys,
  };
}

async function logV1(name: string, body: unknown, keys: Record<string, string>): Promise<Logged> {
  const r = await post("/api/v1/log/entries", body);
  expect(r.status, await r.clone().text()).toBe(201);
  const map = (await r.json()) as Record<string, any>;
  const [uuid] = Object.keys(map);
  const e = map[uuid!];
  const parsed = JSON.parse(new TextDecoder().decode(fromBase64(e.body)));
  return {
    name,
    index: e.verification.inclusionProof.logIndex,
    body: fromBase64(e.body),
    kind: parsed.kind,
    version: parsed.apiVersion,
    keys,
    v1Uuid: uuid!,
  };
}

function hashedRekordWithCert(key: TestEcKey, cert: Uint8Array, artifact: Uint8Array) {
  const digest = sha256(artifact);
  return {
    hashedRekordRequestV002: {
      digest: toBase64(digest),
      signature: {
        content: toBase64(key.signDigest(digest)),
        verifier: { x509Certificate: { rawBytes: toBase64(cert) }, keyDetails: "PKIX_ECDSA_P256_SHA_256" },
      },
    },
  };
}

describe("search API", () => {
  it("finds entries of every kind by each of their keys, and every hit verifies", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const art = (s: string) => utf8Encode(`${s} ${tag}`);
    const logged: Logged[] = [];

    const k1 = p256Key();
    logged.push(
      await logV2("v2 hashedrekord, key", v2HashedRekord(k1, art("a1")), {
        digest: `sha256:${toHex(sha256(art("a1")))}`,
        key: keyOf(k1),
      }),
    );

    const k2 = p256Key();
    const id2 = identity(`v2cert-${tag}`);
    logged.push(
      await logV2(
        "v2 hashedrekord, Fulcio certificate",
        hashedRekordWithCert(k2, fulcioCertificate(k2, id2), art("a2")),
        {
          digest: toHex(sha256(art("a2"))), // bare hex means sha256
          key: toHex(sha256(k2.spki)),
          ...identityQueries(id2),
        },
      ),
    );

    const k3 = p256Key();
    logged.push(
      await logV2("v2 dsse", v2Dsse(k3, art("p3")), { digest: `sha256:${toHex(sha256(art("p3")))}`, key: keyOf(k3) }),
    );

    const k4 = p256Key();
    const id4 = identity(`v1cert-${tag}`);
    const v1hr = v1HashedRekord(k4, art("a4"));
    v1hr.spec.signature.publicKey.content = toBase64(utf8Encode(encodePem("CERTIFICATE", fulcioCertificate(k4, id4))));
    logged.push(
      await logV1("v1 hashedrekord, certificate", v1hr, {
        digest: `sha256:${toHex(sha256(art("a4")))}`,
        key: keyOf(k4),
        ...identityQueries(id4),
      }),
    );

    const k5 = p256Key();
    const dsse = v1Dsse(k5, art("p5"));
    logged.push(
      await logV1("v1 dsse", dsse, {
        digest: `sha256:${toHex(sha256(art("p5")))}`,
        "digest(envelope)": `sha256:${toHex(sha256(utf8Encode(dsse.spec.proposedContent.envelope)))}`,
        key: keyOf(k5),
      }),
    );

    const k6 = p256Key();
    const intoto = v1Intoto(k6, art("p6"));
    logged.push(
      await logV1("v1 intoto", intoto, {
        digest: `sha256:${toHex(sha256(art("p6")))}`,
        "digest(envelope)": `sha256:${intoto.spec.content.hash.value}`,
        key: keyOf(k6),
      }),
    );

    await sequencer().status(); // the last round's outbox has drained into D1

    const vkey = logVerifierKey();
    for (const e of logged) {
      for (const [selector, value] of Object.entries(e.keys)) {
        const hits = await searchAll(q(selector, value));
        const mine = hits.filter((h) => Number(h.entry.logIndex) === e.index);
        expect(mine, `${e.name} by ${selector}`).toHaveLength(1);
        const hit = mine[0]!;
        expect(hit.shard).toBe("default");
        const verified = verifyHit(hit, vkey);
        expect(bytesEqual(verified.body, e.body), `${e.name} body`).toBe(true);
        expect(hit.entry.kindVersion).toEqual({ kind: e.kind, version: e.version });
        // Rekor v1 entries carry their integrated time; v2 entries have none ("0"), as rekor-tiles answers.
        if (e.v1Uuid) expect(Number(hit.entry.integratedTime)).toBeGreaterThan(1_700_000_000);
        else expect(hit.entry.integratedTime).toBe("0");
        for (const h of hits) verifyHit(h, vkey);
      }
    }

    // Rekor v1 index/retrieve: UUIDs by hash, email, x509 key (PEM key or PEM certificate), and/or.
    const v1cert = logged[3]!;
    const retrieve = async (body: unknown) => {
      const r = await post("/api/v1/index/retrieve", body);
      expect(r.status, await r.clone().text()).toBe(200);
      return (await r.json()) as string[];
    };
    expect(await retrieve({ hash: v1cert.keys.digest })).toEqual([v1cert.v1Uuid]);
    expect(await retrieve({ hash: v1cert.keys.digest!.slice(7).toUpperCase() })).toEqual([v1cert.v1Uuid]);
    expect(await retrieve({ email: id4.email })).toEqual([v1cert.v1Uuid]);
    const certPem = toBase64(utf8Encode(encodePem("CERTIFICATE", fulcioCertificate(k4, {}))));
    const keyPem = toBase64(utf8Encode(encodePem("PUBLIC KEY", k4.spki)));
    expect(await retrieve({ publicKey: { format: "x509", content: certPem } })).toEqual([v1cert.v1Uuid]);
    expect(
      await retrieve({ publicKey: { format: "x509", content: keyPem }, email: id4.email, operator: "and" }),
    ).toEqual([v1cert.v1Uuid]);
    expect(
      await retrieve({ publicKey: { format: "x509", content: keyPem }, email: id2.email, operator: "and" }),
    ).toEqual([]);
    const either = await retrieve({ publicKey: { format: "x509", content: keyPem }, email: id2.email });
    expect(either).toHaveLength(2);
    expect(either).toContain(v1cert.v1Uuid);
    // The v2 entry's UUID is the same form: the tree ID of the shard and the leaf hash.
    const v2uuid = either.find((u) => u !== v1cert.v1Uuid)!;
    expect(v2uuid.slice(0, 16)).toBe(v1cert.v1Uuid!.slice(0, 16));
    expect((await http(`/api/v1/log/entries/${v2uuid}`)).status).toBe(200);
  });

  it("misses are empty", async () => {
    for (const query of [
      `digest=sha256:${toHex(sha256(utf8Encode(crypto.randomUUID())))}`,
      `email=nobody-${crypto.randomUUID()}@example.com`,
      `key=${"0".repeat(64)}`,
      "subject=nothing",
      "key=key:pgp:" + "ab".repeat(20),
    ]) {
      const r = await http(`/api/v2/search?${query}`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ hits: [] });
    }
    const r = await post("/api/v1/index/retrieve", { email: `nobody-${crypto.randomUUID()}@example.com` });
    expect(await r.json()).toEqual([]);
  });

  it("leaves out what a tampered index points at, if the entry does not have the key", async () => {
    const key = p256Key();
    const logged = await logV2("genuine", v2HashedRekord(key, utf8Encode(`genuine ${Math.random()}`)), {});
    await sequencer().status();
    const forged = `forged-${crypto.randomUUID()}@example.com`;
    await env.INDEX.prepare(
      "INSERT INTO index_keys (key, shard, idx, leaf_hash) VALUES (?, 'default', ?, randomblob(32))",
    )
      .bind(`email:${forged}`, logged.index)
      .run();
    expect(await searchAll(`email=${forged}`)).toEqual([]);
    // The genuine key still finds it.
    expect((await searchAll(`key=${keyOf(key)}`)).map((h) => Number(h.entry.logIndex))).toEqual([logged.index]);
  });

  it("pagination returns every hit exactly once, in index order", async () => {
    const key = p256Key();
    const indices: number[] = [];
    for (let i = 0; i < 7; i++)
      indices.push((await logV2(`page ${i}`, v2HashedRekord(key, utf8Encode(`page ${i} ${Math.random()}`)), {})).index);
    await sequencer().status();
    for (const limit of [1, 3, 7, 20]) {
      const hits = await searchAll(`key=${keyOf(key)}`, limit);
      expect(
        hits.map((h) => Number(h.entry.logIndex)),
        `limit ${limit}`,
      ).toEqual(indices);
    }
    const first = (await (await http(`/api/v2/search?key=${keyOf(key)}&limit=3`)).json()) as {
      hits: Hit[];
      nextCursor: string;
    };
    expect(first.hits).toHaveLength(3);
    const second = (await (
      await http(`/api/v2/search?key=${keyOf(key)}&limit=3&cursor=${first.nextCursor}`)
    ).json()) as { hits: Hit[] };
    expect(second.hits.map((h) => Number(h.entry.logIndex))).toEqual(indices.slice(3, 6));
  });

  it("appends succeed while D1 fails, and search catches up once it is back", async () => {
    const log = sequencer();
    await log.status();
    await runInDurableObject(log, (inst: Sequencer) => {
      inst.faults.hook = (op) => (op === "d1.write" ? { fail: true, persist: false } : { fail: false });
    });
    const key = p256Key();
    try {
      const during: Logged[] = [];
      for (let i = 0; i < 3; i++)
        during.push(await logV2(`outage ${i}`, v2HashedRekord(key, utf8Encode(`outage ${i} ${Math.random()}`)), {}));
      const status = await log.status(); // tries to drain: D1 still failing
      expect(status.rows.outbox).toBeGreaterThanOrEqual(3);
      expect(await searchAll(`key=${keyOf(key)}`)).toEqual([]);

      await runInDurableObject(log, (inst: Sequencer) => {
        inst.faults.hook = undefined;
      });
      const after = await log.status();
      expect(after.rows.outbox).toBe(0);
      const hits = await searchAll(`key=${keyOf(key)}`);
      expect(hits.map((h) => Number(h.entry.logIndex))).toEqual(during.map((d) => d.index));
      for (const h of hits) verifyHit(h, logVerifierKey());
    } finally {
      await runInDurableObject(log, (inst: Sequencer) => {
        inst.faults.hook = undefined;
      });
    }
  });
});
