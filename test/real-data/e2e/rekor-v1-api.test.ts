// Every Rekor v1 answer edgelog gives, checked against Rekor's own API description (../shared/fixtures/rekor-api:
// its swagger, openapi.yaml, and the entry-type JSON schemas) with ajv. The answers are those of a real Worker
// (Miniflare) driven through the v1 calls the e2e tests make: create (201, 409, 400), reads by UUID and index (200,
// 404), bulk retrieve, index search, log info, consistency proofs. Each is validated against the schema the swagger
// gives for that operation and status (following its `responses` references); each entry's decoded body against its
// kind's versioned schema.
//
// One correction to the swagger, checked against real Rekor output: it describes LogEntry.body as an object, but Rekor
// answers a base64 string (sigstore-java's recorded rekor.sigstage.dev answer, rekor-response/valid/entry.json, fails
// the uncorrected schema exactly there and passes the corrected one).
import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startLocalLog, type LocalLog } from "../../e2e/local-log.ts";
import { fulcioCertificate } from "../../helpers/certificates.ts";
import { p256Key } from "../../helpers/keys.ts";
import { encodePem } from "../../../src/pki/keys.ts";
import { toBase64, utf8Encode } from "../../../src/tlog/encoding.ts";
import { v1Dsse, v1HashedRekord, v1Intoto } from "../../input/requests.ts";
import { FIXTURES, readJson } from "../fixtures.ts";

const API = join(FIXTURES, "rekor-api");
const swagger = parse(readFileSync(join(API, "openapi.yaml"), "utf8"));

function makeAjv(correctBody: boolean): Ajv {
  const doc = structuredClone(swagger);
  if (correctBody) doc.definitions.LogEntry.additionalProperties.properties.body = { type: "string", format: "byte" };
  // The swagger's own keywords (x-*, discriminator, readOnly …) are not JSON Schema: not strict; its formats checked here.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat("uri", (s: string) => URL.canParse(s) || s.startsWith("/"));
  ajv.addFormat("email", /^[^@\s]+@[^@\s]+$/);
  ajv.addFormat("signedCheckpoint", /\n\n\u2014 /);
  ajv.addSchema(doc, "rekor.json");
  for (const f of [
    "hashedrekord_v0_0_1_schema.json",
    "dsse_v0_0_1_schema.json",
    "intoto_v0_0_2_schema.json",
    "rekord_v0_0_1_schema.json",
  ]) {
    ajv.addSchema(JSON.parse(readFileSync(join(API, "schemas", f), "utf8")), f);
  }
  return ajv;
}
const ajv = makeAjv(true);

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/**
 * The schema location the swagger gives for (path template, method, status), following `$ref: '#/responses/…'`;
 * null for a documented answer without a body schema (NotFound), undefined for an undocumented status.
 */
function responseSchemaRef(template: string, method: string, status: number): string | null | undefined {
  const responses = swagger.paths[template][method].responses;
  if (!(status in responses) && status < 500) return undefined; // `default` is InternalServerError
  let at = `#/${pointer("paths", template, method, "responses", String(status in responses ? status : "default"))}`;
  let response = responses[status] ?? responses.default;
  if (response?.$ref) {
    at = response.$ref;
    response = swagger.responses[response.$ref.split("/").pop()];
  }
  return response?.schema ? `rekor.json${at}/schema` : null;
}

function validate(a: Ajv, template: string, method: string, status: number, body: unknown): string[] {
  const ref = responseSchemaRef(template, method, status);
  if (ref === undefined) return [`the swagger documents no ${status} answer for ${method.toUpperCase()} ${template}`];
  if (ref === null) return [];
  const check = a.getSchema(ref) ?? a.compile({ $ref: ref });
  return check(body) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Each entry's body, decoded, against its kind's versioned schema (spec only, as Rekor's types validate it). */
function bodyProblems(entries: Record<string, any>): string[] {
  const problems: string[] = [];
  for (const e of Object.values(entries)) {
    const body = JSON.parse(Buffer.from(e.body, "base64").toString("utf8"));
    const schema = `${body.kind}_v${body.apiVersion.replace(/\./g, "_")}_schema.json`;
    const check = ajv.getSchema(schema);
    if (!check) problems.push(`no schema ${schema}`);
    else if (!check(body.spec))
      problems.push(...(check.errors ?? []).map((x) => `${schema}${x.instancePath} ${x.message}`));
  }
  return problems;
}

let log: LocalLog;
beforeAll(async () => {
  log = await startLocalLog();
}, 60_000);
afterAll(async () => {
  await log?.stop();
});

const seen: { template: string; method: string; status: number }[] = [];

/** Calls the log and validates the JSON answer against the swagger (and the bodies of the entries it holds). */
async function call(
  template: string,
  method: "get" | "post",
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const res = await fetch(
    `${log.url}${path}`,
    method === "post"
      ? { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
      : {},
  );
  const json = await res.json();
  seen.push({ template, method, status: res.status });
  expect(validate(ajv, template, method, res.status, json), `${method.toUpperCase()} ${path} → ${res.status}`).toEqual(
    [],
  );
  const entryMaps =
    res.status < 300 && template.includes("/entries") && template !== "/api/v1/index/retrieve"
      ? Array.isArray(json)
        ? json
        : [json]
      : res.status === 409 && json.entry
        ? [json.entry]
        : [];
  for (const m of entryMaps) expect(bodyProblems(m), path).toEqual([]);
  return { status: res.status, json };
}

describe("Rekor v1 answers match Rekor's swagger and entry schemas", () => {
  it("the correction: real Rekor's LogEntry fails the swagger's body: object and passes body: byte", () => {
    const real = readJson("sigstore-java/rekor-response/valid/entry.json");
    expect(validate(makeAjv(false), "/api/v1/log/entries", "post", 201, real).join()).toMatch(/body must be object/);
    expect(validate(ajv, "/api/v1/log/entries", "post", 201, real)).toEqual([]);
  });

  it("create, duplicate, reads, retrieve, search, log info and proofs", async () => {
    const key = p256Key();
    const payload = utf8Encode(`{"_type":"https://in-toto.io/Statement/v1","n":${Math.random()}}`);
    const withCert = v1HashedRekord(key, utf8Encode(`cert ${Math.random()}`));
    withCert.spec.signature.publicKey.content = toBase64(
      utf8Encode(
        encodePem("CERTIFICATE", fulcioCertificate(key, { email: "v1@example.org", issuer: "https://issuer.example" })),
      ),
    );
    const created: Record<string, any>[] = [];
    for (const req of [
      v1HashedRekord(key, utf8Encode(`a ${Math.random()}`)),
      withCert,
      v1Dsse(key, payload),
      v1Intoto(key, payload),
    ]) {
      const r = await call("/api/v1/log/entries", "post", "/api/v1/log/entries", req);
      expect(r.status).toBe(201);
      created.push(r.json);
      expect((await call("/api/v1/log/entries", "post", "/api/v1/log/entries", req)).status).toBe(409);
    }
    expect((await call("/api/v1/log/entries", "post", "/api/v1/log/entries", { kind: "nope" })).status).toBe(400);
    const [uuid] = Object.keys(created[0]!);
    const index = created[0]![uuid!].logIndex;
    expect((await call("/api/v1/log/entries/{entryUUID}", "get", `/api/v1/log/entries/${uuid}`)).status).toBe(200);
    expect((await call("/api/v1/log/entries/{entryUUID}", "get", `/api/v1/log/entries/${"0".repeat(64)}`)).status).toBe(
      404,
    );
    expect((await call("/api/v1/log/entries", "get", `/api/v1/log/entries?logIndex=${index}`)).status).toBe(200);
    expect((await call("/api/v1/log/entries", "get", `/api/v1/log/entries?logIndex=999999`)).status).toBe(404);
    expect(
      (
        await call("/api/v1/log/entries/retrieve", "post", "/api/v1/log/entries/retrieve", {
          entryUUIDs: [uuid],
          logIndexes: [index],
        })
      ).status,
    ).toBe(200);
    expect(
      (await call("/api/v1/index/retrieve", "post", "/api/v1/index/retrieve", { email: "v1@example.org" })).status,
    ).toBe(200);
    expect((await call("/api/v1/index/retrieve", "post", "/api/v1/index/retrieve", {})).status).toBe(400);
    const info = await call("/api/v1/log", "get", "/api/v1/log");
    expect(info.status).toBe(200);
    expect(
      (await call("/api/v1/log/proof", "get", `/api/v1/log/proof?firstSize=1&lastSize=${info.json.treeSize}`)).status,
    ).toBe(200);
    expect(
      (await call("/api/v1/log/proof", "get", `/api/v1/log/proof?firstSize=1&lastSize=${info.json.treeSize + 10}`))
        .status,
    ).toBe(400);
    // Every documented v1 JSON operation was exercised.
    const ops = new Set(seen.map((s) => `${s.method} ${s.template}`));
    for (const [template, methods] of Object.entries<any>(swagger.paths)) {
      for (const method of Object.keys(methods))
        if (template !== "/api/v1/log/publicKey")
          expect(ops, `${method} ${template}`).toContain(`${method} ${template}`);
    }
  });
});
