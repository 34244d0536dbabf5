// Fuzzing the entry parsers that face the internet: random and mutated Rekor v2 CreateEntryRequests through
// canonicalizeCreateEntryRequest and Rekor v1 ProposedEntries through canonicalizeProposedEntry. Each either builds a
// leaf (canonical RFC 8785 JSON) or refuses with a RequestError; a TypeError, RangeError or anything else would be a
// 500 at the edge. A failure prints fast-check's seed and path; replay with fc.assert(property, { seed, path }).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/rekor/errors.ts";
import { canonicalize } from "../../src/rekor/jcs.ts";
import { canonicalizeCreateEntryRequest } from "../../src/rekor/v2/entry.ts";
import { canonicalizeProposedEntry } from "../../src/rekor/v1/proposed-entry.ts";
import { utf8Decode } from "../../src/tlog/encoding.ts";
import { enc } from "../helpers/log.ts";
import { p256Key } from "../helpers/keys.ts";
import { v1Dsse, v1HashedRekord, v1Intoto, v2Dsse, v2HashedRekord } from "../input/requests.ts";
import { describeError, jsonPaths, mutatedJson, thrown } from "./mutate.ts";

const key = p256Key();
const V2 = { hashedrekord: v2HashedRekord(key, enc("fuzz v2")), dsse: v2Dsse(key, enc('{"fuzz":2}')) };
const V1 = {
  hashedrekord: v1HashedRekord(key, enc("fuzz v1")),
  dsse: v1Dsse(key, enc('{"fuzz":1}')),
  intoto: v1Intoto(key, enc('{"fuzz":1}')),
};

/** Accepted: the leaf is canonical JSON. Refused: a RequestError. Anything else fails the property. */
async function acceptsOrRefuses(
  canonicalizeFn: (json: unknown) => Promise<{ body: Uint8Array }>,
  input: unknown,
): Promise<void> {
  let body: Uint8Array | undefined;
  const e = await thrown(async () => {
    body = (await canonicalizeFn(input)).body;
  });
  if (e !== undefined) {
    if (e instanceof RequestError) return;
    throw new Error(`on ${JSON.stringify(input)?.slice(0, 2000)}: ${describeError(e)}`);
  }
  const text = utf8Decode(body!);
  expect(canonicalize(JSON.parse(text))).toBe(text);
}

/** v1 dsse carries its envelope as a JSON string: mutate the envelope's structure too, not only its text. */
const v1DsseInner = mutatedJson(JSON.parse(V1.dsse.spec.proposedContent.envelope)).map((envelope) => ({
  ...V1.dsse,
  spec: { proposedContent: { ...V1.dsse.spec.proposedContent, envelope: JSON.stringify(envelope) } },
}));

const arbitraryJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.constantFrom("hashedRekordRequestV002", "dsseRequestV002", "apiVersion", "kind", "spec", "x"),
    fc.jsonValue({ maxDepth: 3 }),
  ),
);

/** Values a string field can take that its parser must refuse cleanly or carry into the leaf intact. */
const FIELD_STRINGS = [
  "",
  " ",
  "\u0000",
  "\n",
  "\ud800",
  "\udfff",
  "a\udc00",
  "\ud83d\ude00",
  "é",
  "=",
  "AAAA",
  "-1",
  "\\u0000",
];

/** A copy of `value` with the node at `path` replaced. */
function setAt(value: unknown, path: (string | number)[], to: unknown): unknown {
  if (path.length === 0) return to;
  const out = structuredClone(value) as Record<string | number, unknown>;
  let o = out;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path[path.length - 1]!] = to;
  return out;
}

function stringPaths(value: unknown): (string | number)[][] {
  return jsonPaths(value as never).filter((p) => typeof p.reduce<any>((o, k) => o[k], value) === "string");
}

describe("fuzz: entry bodies", () => {
  it("every string field of every valid request, set to each awkward string → a leaf or a RequestError", async () => {
    const bases: [(json: unknown) => Promise<{ body: Uint8Array }>, unknown][] = [
      ...Object.values(V2).map(
        (r) => [canonicalizeCreateEntryRequest, r] as [typeof canonicalizeCreateEntryRequest, unknown],
      ),
      ...Object.values(V1).map((r) => [canonicalizeProposedEntry, r] as [typeof canonicalizeProposedEntry, unknown]),
    ];
    const envelope = JSON.parse(V1.dsse.spec.proposedContent.envelope);
    let calls = 0;
    for (const [fn, base] of bases) {
      for (const path of stringPaths(base)) {
        for (const s of FIELD_STRINGS) {
          await acceptsOrRefuses(fn, setAt(base, path, s));
          calls++;
        }
      }
    }
    // The v1 dsse envelope's own strings, inside its JSON string.
    for (const path of stringPaths(envelope)) {
      for (const s of FIELD_STRINGS) {
        await acceptsOrRefuses(canonicalizeProposedEntry, {
          ...V1.dsse,
          spec: {
            proposedContent: { ...V1.dsse.spec.proposedContent, envelope: JSON.stringify(setAt(envelope, path, s)) },
          },
        });
        calls++;
      }
    }
    expect(calls).toBeGreaterThan(300);
  });

  it("the valid requests the mutations start from are accepted", async () => {
    for (const r of Object.values(V2)) await canonicalizeCreateEntryRequest(r);
    for (const r of Object.values(V1)) await canonicalizeProposedEntry(r);
  });

  it("Rekor v2: random JSON and mutated valid requests → a leaf or a RequestError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(arbitraryJson, mutatedJson(V2.hashedrekord), mutatedJson(V2.dsse)), (json) =>
        acceptsOrRefuses(canonicalizeCreateEntryRequest, json),
      ),
      { numRuns: 500 },
    );
  });

  it("Rekor v1: random JSON and mutated valid requests → a leaf or a RequestError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          arbitraryJson,
          mutatedJson(V1.hashedrekord),
          mutatedJson(V1.dsse),
          v1DsseInner,
          mutatedJson(V1.intoto),
        ),
        (json) => acceptsOrRefuses(canonicalizeProposedEntry, json),
      ),
      { numRuns: 600 },
    );
  });
});
