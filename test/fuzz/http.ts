// Fuzzing the HTTP layer: random and mutated JSON bodies, raw text and odd content types to every POST endpoint
// facing the internet, and random query values and tile paths to the GET endpoints that parse them. Never a 5xx;
// every error is JSON with a code and a message. (POST /add, the test-only raw append, takes any bytes by design
// and is left out.) A failure prints fast-check's seed and path; replay with fc.assert(property, { seed, path }).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { tilePath } from "../../src/tlog/tile.ts";
import { enc, http, sequencer } from "../helpers/log.ts";
import { p256Key } from "../helpers/keys.ts";
import { v1Dsse, v1HashedRekord, v1Intoto, v2Dsse, v2HashedRekord } from "../input/requests.ts";
import { mutatedJson, mutatedString, nastyString } from "./mutate.ts";

const key = p256Key();
const V2 = [v2HashedRekord(key, enc("http fuzz v2")), v2Dsse(key, enc('{"http":2}'))];
const V1 = [v1HashedRekord(key, enc("http fuzz v1")), v1Dsse(key, enc('{"http":1}')), v1Intoto(key, enc('{"http":1}'))];

/** Fails the property on a 5xx, and on an error that is not a JSON {code, message}. */
async function noServerError(r: Response, what: string): Promise<void> {
  const text = await r.text();
  expect(r.status, `${what} → ${r.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400 && r.status !== 405) {
    const body = JSON.parse(text) as { code: unknown; message: unknown };
    expect(typeof body.code, what).toBe("number");
    expect(typeof body.message, what).toBe("string");
  }
}

/** Percent-encodes any string (lone surrogates become U+FFFD, as a client's UTF-8 encoder would send them). */
const pct = (s: string) => encodeURIComponent(s.toWellFormed());
/** Raw escapes a client may send as they are, valid or not. */
const rawEscape = fc.constantFrom(
  "%",
  "%0",
  "%00",
  "%ZZ",
  "%2F",
  "%2f",
  "%ff",
  "%C0%AF",
  "%E2%80%AE",
  "%25",
  "..",
  "%2e%2e",
);

const post = (path: string, body: string, contentType = "application/json") =>
  http(path, { method: "POST", headers: { "content-type": contentType }, body });

const json = (bases: unknown[]) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 4, arbitrary: fc.constantFrom(...bases).chain((b) => mutatedJson(b)) },
  );

/** Bodies as sent: JSON text, JSON text with a few edits (often no longer JSON), or random text. */
const bodyText = (bases: unknown[]) =>
  fc.oneof(
    { weight: 3, arbitrary: json(bases).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom(...bases).chain((b) => mutatedString(JSON.stringify(b))) },
    { weight: 1, arbitrary: fc.oneof(nastyString, fc.string({ unit: "binary", maxLength: 200 })) },
  );

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "text/plain",
      "",
      "application/json-patch+json",
      "application/jsonx",
    ),
  },
);

describe("fuzz: HTTP", () => {
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await sequencer().add(enc(`http fuzz seed ${i}`)); // a log with a checkpoint
  });

  it("POST /api/v2/log/entries: never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(bodyText(V2), contentType, async (body, type) =>
        noServerError(await post("/api/v2/log/entries", body, type), body.slice(0, 300)),
      ),
      { numRuns: 80 },
    );
  });

  it("POST /api/v1/log/entries: never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(bodyText(V1), contentType, async (body, type) =>
        noServerError(await post("/api/v1/log/entries", body, type), body.slice(0, 300)),
      ),
      { numRuns: 80 },
    );
  });

  it("POST /api/v1/log/entries/retrieve: never a 5xx", async () => {
    const query = { entryUUIDs: ["ab".repeat(32)], logIndexes: [0, 1], entries: [V1[0]] };
    await fc.assert(
      fc.asyncProperty(bodyText([query, { logIndexes: [2] }, { entries: V1 }]), async (body) =>
        noServerError(await post("/api/v1/log/entries/retrieve", body), body.slice(0, 300)),
      ),
      { numRuns: 50 },
    );
  });

  it("GET query values and tile paths: never a 5xx", async () => {
    const value = fc.oneof(
      fc
        .oneof(
          nastyString,
          fc.nat().map(String),
          fc.integer().map(String),
          fc.string({ unit: "binary", maxLength: 20 }),
        )
        .map(pct),
      fc.tuple(rawEscape, fc.nat({ max: 999 })).map(([e, n]) => `${n}${e}`),
    );
    const tile = fc
      .record({
        level: fc.integer({ min: -1, max: 3 }),
        index: fc.nat({ max: 2000 }),
        width: fc.integer({ min: 1, max: 256 }),
      })
      .chain((t) => fc.oneof(fc.constant(tilePath(t)), mutatedString(tilePath(t))));
    const path = fc.oneof(
      value.map((v) => `/api/v1/log/entries?logIndex=${v}`),
      value.map((v) => `/api/v1/log/entries/${v}`),
      fc.tuple(value, value).map(([a, b]) => `/api/v1/log/proof?firstSize=${a}&lastSize=${b}`),
      fc.nat({ max: 5 }).map((n) => `/api/v1/log/proof?lastSize=${n}`),
      tile.map((t) => `/${t.split("/").map(pct).join("/")}`),
      fc
        .tuple(tile, rawEscape, fc.nat())
        .map(([t, e, at]) => `/${t.slice(0, at % (t.length + 1))}${e}${t.slice(at % (t.length + 1))}`),
    );
    await fc.assert(
      fc.asyncProperty(path, async (p) => noServerError(await http(p), p)),
      { numRuns: 120 },
    );
  });
});
