// Keeps docs true: every operation in /api/openapi.json is called with a sample request, and the
// answer's status and content type must be ones the document lists for it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { enc, http, sequencer } from "../helpers/log.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { v1HashedRekord } from "../input/requests.ts";

const adminToken = (env as unknown as { ADMIN_TOKEN: string }).ADMIN_TOKEN;

type Sample = { path: string; init?: RequestInit; status: number };
const post = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** One or more sample calls per operationId. A new operation without samples fails the test. */
function samples(): Record<string, Sample[]> {
  const v1 = v1HashedRekord(p256Key(), enc(`openapi ${Math.random()}`));
  const v2 = hashedRekordV2(p256Key(), enc(`openapi v2 ${Math.random()}`));
  return {
    health: [{ path: "/healthz", status: 200 }],
    getCheckpoint: [{ path: "/checkpoint", status: 200 }],
    getCheckpointV2: [{ path: "/api/v2/checkpoint", status: 200 }],
    listMirroredLogs: [{ path: "/mirror", status: 200 }],
    getMirrorCheckpoint: [{ path: `/mirror/${"ab".repeat(32)}/checkpoint`, status: 404 }],
    getMirrorTile: [
      { path: `/mirror/${"ab".repeat(32)}/tile/0/000`, status: 404 },
      { path: `/mirror/${"ab".repeat(32)}/tile/0/0001`, status: 400 },
    ],
    getTlogProof: [
      { path: "/proof/0", status: 200 },
      { path: `/proof/${"00".repeat(32)}`, status: 404 },
      { path: "/proof/x", status: 400 },
    ],
    // 200 needs a log with witnesses: test/witness/witnessed-checkpoints.test.ts.
    getWitnessedCheckpoint: [
      { path: "/api/v2/log/entries/0/witnessed", status: 404 },
      { path: "/api/v2/log/entries/x/witnessed", status: 400 },
    ],
    getTileV2: [
      { path: "/api/v2/tile/0/000.p/1", status: 200 },
      { path: "/api/v2/tile/0/x999/999", status: 404 },
      { path: "/api/v2/tile/0/1", status: 400 },
    ],
    getEntryBundleV2: [
      { path: "/api/v2/tile/entries/000.p/1", status: 200 },
      { path: "/api/v2/tile/entries/x999/999", status: 404 },
      { path: "/api/v2/tile/entries/0001", status: 400 },
    ],
    getTile: [
      { path: "/tile/0/000.p/1", status: 200 },
      { path: "/tile/0/x999/999", status: 404 },
      { path: "/tile/0/1", status: 400 },
    ],
    getEntryBundle: [
      { path: "/tile/entries/000.p/1", status: 200 },
      { path: "/tile/entries/x999/999", status: 404 },
      { path: "/tile/entries/0001", status: 400 },
    ],
    createEntryV2: [
      { path: "/api/v2/log/entries", init: post(v2), status: 201 },
      { path: "/api/v2/log/entries", init: post(v2), status: 409 },
      { path: "/api/v2/log/entries", init: post({}), status: 400 },
    ],
    createLogEntry: [
      { path: "/api/v1/log/entries", init: post(v1), status: 201 },
      { path: "/api/v1/log/entries", init: post(v1), status: 409 },
      { path: "/api/v1/log/entries", init: post({}), status: 400 },
    ],
    getLogEntryByIndex: [
      { path: "/api/v1/log/entries?logIndex=0", status: 200 },
      { path: "/api/v1/log/entries?logIndex=x", status: 400 },
    ],
    getLogEntryByUUID: [
      { path: `/api/v1/log/entries/${"00".repeat(32)}`, status: 404 },
      { path: "/api/v1/log/entries/xyz", status: 400 },
    ],
    searchLogQuery: [
      { path: "/api/v1/log/entries/retrieve", init: post({ logIndexes: [0] }), status: 200 },
      { path: "/api/v1/log/entries/retrieve", init: post({ logIndexes: Array(11).fill(0) }), status: 422 },
    ],
    search: [
      { path: `/api/v2/search?digest=sha256:${"ab".repeat(32)}`, status: 200 },
      { path: "/api/v2/search", status: 400 },
      { path: `/api/v2/search?digest=sha256:${"ab".repeat(32)}&complete=yes`, status: 400 },
    ],
    getIndexCheckpoint: [{ path: "/index/checkpoint", status: 404 }],
    getIndexMapTile: [{ path: `/index/tile/0/${"ab".repeat(32)}`, status: 404 }],
    getIndexValueObject: [{ path: `/index/value/${"ab".repeat(32)}/chunk/0.p/1`, status: 404 }],
    getIndexStatus: [{ path: "/api/v2/index/status", status: 200 }],
    searchIndex: [
      { path: "/api/v1/index/retrieve", init: post({ hash: `sha256:${"ab".repeat(32)}` }), status: 200 },
      { path: "/api/v1/index/retrieve", init: post({}), status: 400 },
    ],
    getLogInfo: [{ path: "/api/v1/log", status: 200 }],
    getPublicKey: [{ path: "/api/v1/log/publicKey", status: 200 }],
    getLogProof: [
      { path: "/api/v1/log/proof?firstSize=1&lastSize=1", status: 200 },
      { path: "/api/v1/log/proof?firstSize=2&lastSize=1", status: 400 },
    ],
    getTrustedRoot: [{ path: "/api/v1/trust/trusted_root.json", status: 200 }],
    getSigningConfig: [{ path: "/api/v1/trust/signing_config.json", status: 200 }],
    getOpenApi: [{ path: "/api/openapi.json", status: 200 }],
    getExplorer: [{ path: "/", status: 200 }],
    getExplorerScript: [{ path: "/explorer/app.js", status: 200 }],
    getExplorerStyles: [{ path: "/explorer/app.css", status: 200 }],
    reindex: [
      {
        path: "/admin/reindex",
        init: {
          ...post({ from: 0, count: 1 }),
          headers: { "content-type": "application/json", Authorization: `Bearer ${adminToken}` },
        },
        status: 200,
      },
      { path: "/admin/reindex", init: post({ from: 0 }), status: 401 },
      {
        path: "/admin/reindex",
        init: {
          ...post({ count: 0 }),
          headers: { "content-type": "application/json", Authorization: `Bearer ${adminToken}` },
        },
        status: 400,
      },
    ],
  };
}

describe("OpenAPI document", () => {
  it("describes every route, and every route answers as described", async () => {
    await sequencer().add(enc(`openapi seed ${Math.random()}`)); // a non-empty log
    const doc = (await (await http("/api/openapi.json")).json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    const all = samples();
    const seen = new Set<string>();
    for (const [template, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        const list = all[op.operationId];
        expect(list, `samples for ${op.operationId}`).toBeDefined();
        seen.add(op.operationId);
        for (const s of list!) {
          const r = await http(s.path, s.init);
          expect(r.status, `${method.toUpperCase()} ${s.path}`).toBe(s.status);
          const documented = op.responses[String(r.status)];
          expect(documented, `${op.operationId} documents ${r.status}`).toBeDefined();
          const types = Object.keys(documented.content ?? {});
          if (types.length > 0)
            expect(types, `${op.operationId} ${r.status} content type`).toContain(r.headers.get("content-type"));
          expect(s.path.split("?")[0]!.startsWith(template.split("{")[0]!), `${s.path} matches ${template}`).toBe(true);
          await r.arrayBuffer();
        }
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(all).sort());
  });
});
