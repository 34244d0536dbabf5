// JSON escapes can spell lone surrogates ("\ud800"), strings with no UTF-8 form. A field the canonical body records
// (intoto payloadType and keyid) used to reach the RFC 8785 canonicalizer, which throws a RangeError on them: a 500
// from any submitter with a key. Now every string field refuses them with a 400 naming the field.
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/rekor/errors.ts";
import { canonicalizeCreateEntryRequest } from "../../src/rekor/v2/entry.ts";
import { canonicalizeProposedEntry } from "../../src/rekor/v1/proposed-entry.ts";
import { enc, http } from "../helpers/log.ts";
import { p256Key } from "../helpers/keys.ts";
import { v1Dsse, v1Intoto, v2Dsse } from "./requests.ts";

const LONE = ["\ud800", "\udfff", "a\udc00b", "\ud83d"];

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a refusal");
}

describe("lone surrogates in request strings", () => {
  const key = p256Key();

  it("the valid requests they start from are accepted", async () => {
    await canonicalizeProposedEntry(v1Intoto(key, enc("{}")));
    await canonicalizeProposedEntry(v1Dsse(key, enc("{}")));
    await canonicalizeCreateEntryRequest(v2Dsse(key, enc("{}")));
  });

  it("intoto keyid (recorded in the leaf, not signed): RequestError, not RangeError", async () => {
    for (const s of LONE) {
      const req = v1Intoto(key, enc("{}"));
      req.spec.content.envelope.signatures[0]!.keyid = s;
      const e = await refusal(canonicalizeProposedEntry(req));
      expect(e).toBeInstanceOf(RequestError);
      expect(e.message).toMatch(/signatures\[0\]\.keyid is not valid Unicode/);
    }
  });

  it("intoto payloadType, even when signed as its UTF-8 replacement: RequestError", async () => {
    // utf8Encode turns a lone surrogate into U+FFFD, so this signature verifies over PAE("\ufffd", ...).
    const req = v1Intoto(key, enc("{}"), "\ud800");
    const e = await refusal(canonicalizeProposedEntry(req));
    expect(e).toBeInstanceOf(RequestError);
    expect(e.message).toMatch(/payloadType is not valid Unicode/);
  });

  it("v1 dsse payloadType and v2 dsse payloadType: RequestError", async () => {
    const e1 = await refusal(canonicalizeProposedEntry(v1Dsse(key, enc("{}"), "\udfff")));
    expect(e1).toBeInstanceOf(RequestError);
    expect(e1.message).toMatch(/envelope\.payloadType is not valid Unicode/);
    const e2 = await refusal(canonicalizeCreateEntryRequest(v2Dsse(key, enc("{}"), "\udfff")));
    expect(e2).toBeInstanceOf(RequestError);
    expect(e2.message).toMatch(/envelope\.payloadType: not valid Unicode/);
  });

  it("over HTTP: 400, never 500 (the escape travels as JSON text)", async () => {
    const req = v1Intoto(key, enc(`{"n":${Math.random()}}`));
    req.spec.content.envelope.signatures[0]!.keyid = "\ud800";
    const body = JSON.stringify(req);
    expect(body).toContain("\\ud800");
    const r = await http("/api/v1/log/entries", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).message).toMatch(/keyid is not valid Unicode/);
  });

  it("paired surrogates (astral characters) are fine", async () => {
    const req = v1Intoto(key, enc("{}"));
    req.spec.content.envelope.signatures[0]!.keyid = "key 🔑";
    await canonicalizeProposedEntry(req);
  });
});
