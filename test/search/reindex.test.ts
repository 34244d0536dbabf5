// Rebuilding the search index from the log's own bundles (POST /admin/reindex, driven by `edgelog
// reindex`): from an empty index it writes exactly the rows the live path (the sequencer's outbox) wrote,
// resumes from any position, and /healthz reports the lag before and after.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index.ts";
import type { ReindexAnswer } from "../../src/api/admin.ts";
import type { IndexLag } from "../../src/api/health.ts";
import { toHex } from "../../src/tlog/encoding.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { enc, sequencer } from "../helpers/log.ts";
import { v1HashedRekord } from "../input/requests.ts";

const vars = env as unknown as Record<string, string>;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** The Worker, as a deployment whose one shard is `shard` (a fresh environment object: a fresh lag cache). */
function worker(shard: string, extra: Record<string, string> = {}) {
  const e = { ...vars, SHARDS: shard, ...extra } as unknown as Env;
  return (path: string, init?: RequestInit) => app.fetch(new Request(`http://localhost:8787${path}`, init), e, ctx);
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const admin = { Authorization: `Bearer ${vars.ADMIN_TOKEN}` };

/** The shard's rows in D1, in a canonical order. */
async function indexRows(shard: string): Promise<{ entries: string[]; keys: string[] }> {
  const entries = await env.INDEX.prepare("SELECT hex(leaf_hash) AS h, idx FROM entries WHERE shard = ? ORDER BY idx")
    .bind(shard)
    .all();
  const keys = await env.INDEX.prepare(
    "SELECT key, idx, hex(leaf_hash) AS h FROM index_keys WHERE shard = ? ORDER BY key, idx",
  )
    .bind(shard)
    .all();
  return {
    entries: entries.results.map((r) => `${r.idx} ${r.h}`),
    keys: keys.results.map((r) => `${r.idx} ${r.key} ${r.h}`),
  };
}

async function lag(shard: string): Promise<IndexLag> {
  const r = await worker(shard)("/healthz");
  expect(r.status).toBe(200);
  const body = (await r.json()) as { status: string; index: IndexLag };
  expect(body.status).toBe("SERVING");
  return body.index;
}

describe("reindex", () => {
  it("rebuilds a shard's index from nothing with exactly the rows the live path wrote, resumably", async () => {
    const shard = `reindex-${crypto.randomUUID()}`;
    const call = worker(shard);
    // Entries of several kinds through the Worker (the edge computes their keys), then enough raw
    // entries to span two bundles.
    const k = p256Key();
    const cert = fulcioCertificate(k, {
      email: `reindex-${shard}@example.com`,
      issuer: "https://issuer.example",
      uri: "https://github.com/o/r/.github/workflows/w.yml@refs/heads/main",
    });
    const submissions = [
      call("/api/v2/log/entries", json(hashedRekordV2(k, enc(`${shard} v2 key`)))),
      call("/api/v2/log/entries", json(hashedRekordV2(k, enc(`${shard} v2 cert`), "x509Certificate", cert))),
      call("/api/v1/log/entries", json(v1HashedRekord(p256Key(), enc(`${shard} v1`)))),
    ];
    for (const r of await Promise.all(submissions)) expect(r.status, await r.clone().text()).toBe(201);
    const salt = toHex(crypto.getRandomValues(new Uint8Array(28)));
    const body = (i: number) =>
      JSON.stringify({
        apiVersion: "0.0.1",
        kind: "hashedrekord",
        spec: { data: { hash: { algorithm: "sha256", value: i.toString(16).padStart(8, "0") + salt } } },
      });
    const log = sequencer(shard);
    const raw = await log.addBatch(Array.from({ length: 300 }, (_, i) => enc(body(i))));
    expect(raw.every((r) => r.kind === "sequenced")).toBe(true);
    const size = (await log.status()).size; // status() drains the outbox into D1
    expect(size).toBe(303);
    const live = await indexRows(shard);
    expect(live.entries).toHaveLength(size);
    expect(live.keys.length).toBeGreaterThan(size); // every entry has a digest key, some have more
    expect(await lag(shard)).toEqual({ shard, size, indexed: size, lag: 0 });

    // The index lost: search sees nothing, and /healthz says so.
    await env.INDEX.batch([
      env.INDEX.prepare("DELETE FROM entries WHERE shard = ?").bind(shard),
      env.INDEX.prepare("DELETE FROM index_keys WHERE shard = ?").bind(shard),
      env.INDEX.prepare("DELETE FROM index_sizes WHERE shard = ?").bind(shard),
    ]);
    expect(await lag(shard)).toEqual({ shard, size, indexed: 0, lag: size });

    // Rebuilt in steps of 128; the first pass stops after two steps (an interrupted run) and the next resumes.
    const step = async (from: number): Promise<ReindexAnswer> => {
      const r = await call("/admin/reindex", json({ from, count: 128 }, admin));
      expect(r.status, await r.clone().text()).toBe(200);
      return (await r.json()) as ReindexAnswer;
    };
    let next = 0;
    for (let i = 0; i < 2; i++) next = (await step(next)).next;
    expect(next).toBe(256);
    expect(await lag(shard)).toEqual({ shard, size, indexed: 256, lag: size - 256 });
    let answer: ReindexAnswer;
    do answer = await step(next);
    while ((next = answer.next) < answer.size);
    expect(answer).toEqual({ shard, size, from: 256, next: size, indexed: size - 256 });
    expect(await indexRows(shard)).toEqual(live);
    expect(await lag(shard)).toEqual({ shard, size, indexed: size, lag: 0 });
    // Past the end there is nothing to do; running it again changes nothing.
    expect(await step(size)).toEqual({ shard, size, from: size, next: size, indexed: 0 });
    await step(0);
    expect(await indexRows(shard)).toEqual(live);
  });

  it("is for operators only: 404 without ADMIN_TOKEN, 401 without the token, 400 for a bad range", async () => {
    const shard = `reindex-auth-${crypto.randomUUID()}`;
    expect((await sequencer(shard).add(enc("auth"))).kind).toBe("sequenced");
    const call = worker(shard);
    const off = await worker(shard, { ADMIN_TOKEN: "" })("/admin/reindex", json({ from: 0 }, admin));
    expect(off.status).toBe(404);
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: "Bearer wrong" },
      { Authorization: vars.ADMIN_TOKEN! },
    ];
    for (const headers of attempts) {
      const r = await call("/admin/reindex", json({ from: 0 }, headers));
      expect(r.status).toBe(401);
      expect(r.headers.get("WWW-Authenticate")).toBe("Bearer");
      expect(await r.json()).toMatchObject({ code: 401 });
    }
    for (const bad of [{ from: -1 }, { from: 0.5 }, { count: 0 }, { count: 1025 }, []]) {
      const r = await call("/admin/reindex", json(bad, admin));
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(await r.json()).toMatchObject({ code: 400 });
    }
    expect((await call("/admin/reindex", json({ from: 0, pad: "x".repeat(2000) }, admin))).status).toBe(413);
    expect((await call("/admin/reindex", { method: "GET", headers: admin })).status).toBe(405);
  });
});
