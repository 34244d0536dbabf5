// Rekor v2 write API: request parsing, canonical leaf, TransparencyLogEntry shape, duplicates, errors.
import { describe, expect, it } from "vitest";
import { checkInclusion } from "../../src/tlog/proof.ts";
import { fromBase64, toBase64, utf8Decode } from "../../src/tlog/encoding.ts";
import { hashLeaf } from "../../src/tlog/hash.ts";
import { parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { newVerifier, openNote } from "../../src/tlog/note.ts";
import { canonicalizeCreateEntryRequest } from "../../src/rekor/v2/entry.ts";
import { enc, http, httpReader, logVerifierKey } from "../helpers/log.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";

// rekor-api.md §1.4: a real Rekor v2 production entry (log2025-1.rekor.sigstore.dev, index 547661,
// from sigstore-js packages/verify/src/__tests__/__fixtures__/bundles.ts). Its request fields
// rebuilt, our canonical leaf must be byte-identical.
const PRODUCTION_LEAF =
  '{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":"aOZWslHmfoNYvvhIOrDVHGYZ8+ehqfDnWDjUH/No9yg="},"signature":{"content":"MEQCIEfMLZlnJcxlGIR7L+oLSvx8qiv4kssxS70+ydm5z1VAAiA3ZbUTs4agQ7MJKwiwhCjY1TjF3/e0lbwin6IGRqo9KQ==","verifier":{"keyDetails":"PKIX_ECDSA_P256_SHA_256","publicKey":{"rawBytes":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErbAqpGLwY5yA9xLCs+Q/ABfPSInM7aNeJrLnIa0vz1YK+FNkQTpK1zUPDRawSCxMpzAHnzQC7Q8D08cKEov6WA=="}}}}}}';

const post = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  http("/api/v2/log/entries", {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("Rekor v2: POST /api/v2/log/entries", () => {
  it("builds the production leaf byte for byte from its request (proto field names too)", async () => {
    const leaf = JSON.parse(PRODUCTION_LEAF).spec.hashedRekordV002;
    const request = {
      hashed_rekord_request_v002: {
        digest: leaf.data.digest,
        signature: {
          content: leaf.signature.content,
          verifier: { public_key: { raw_bytes: leaf.signature.verifier.publicKey.rawBytes }, key_details: 5 },
        },
      },
    };
    const entry = await canonicalizeCreateEntryRequest(request);
    expect(utf8Decode(entry.body)).toBe(PRODUCTION_LEAF);
  });

  it("answers 201 with a TransparencyLogEntry whose proof verifies against the returned signed checkpoint", async () => {
    const key = p256Key();
    const res = await post(hashedRekordV2(key, enc(`artifact ${Math.random()}`)));
    expect(res.status).toBe(201);
    const tle = (await res.json()) as Record<string, any>;
    expect(Object.keys(tle).sort()).toEqual([
      "canonicalizedBody",
      "inclusionPromise",
      "inclusionProof",
      "integratedTime",
      "kindVersion",
      "logId",
      "logIndex",
    ]);
    expect(tle.kindVersion).toEqual({ kind: "hashedrekord", version: "0.0.2" });
    expect(tle.integratedTime).toBe("0");
    expect(tle.inclusionPromise).toBeNull();
    expect(typeof tle.logIndex).toBe("string");
    expect(tle.inclusionProof.logIndex).toBe(tle.logIndex);
    const note = openNote(tle.inclusionProof.checkpoint.envelope, [newVerifier(logVerifierKey())]);
    const cp = parseCheckpoint(note.text);
    expect(tle.inclusionProof.treeSize).toBe(String(cp.size));
    expect(tle.inclusionProof.rootHash).toBe(toBase64(cp.root));
    // logId.keyId is the full 32-byte key hash whose first 4 bytes are the checkpoint signature's key ID.
    const keyId = fromBase64(tle.logId.keyId);
    expect(keyId.length).toBe(32);
    expect(((keyId[0]! << 24) | (keyId[1]! << 16) | (keyId[2]! << 8) | keyId[3]!) >>> 0).toBe(note.sigs[0]!.keyId);
    const body = fromBase64(tle.canonicalizedBody);
    checkInclusion(
      tle.inclusionProof.hashes.map((h: string) => fromBase64(h)),
      Number(tle.logIndex),
      cp.size,
      hashLeaf(body),
      cp.root,
    );
    // The leaf is what readers get from the entry bundle.
    expect(await httpReader().entry(Number(tle.logIndex), cp.size)).toEqual(body);
    expect(JSON.parse(utf8Decode(body)).spec.hashedRekordV002.signature.verifier.publicKey.rawBytes).toBe(
      toBase64(key.spki),
    );
  });

  it("accepts sigstore-js 5's SPKI-inside-x509Certificate and records it as publicKey", async () => {
    const key = p256Key();
    const res = await post(hashedRekordV2(key, enc(`spki as cert ${Math.random()}`), "x509Certificate"));
    expect(res.status).toBe(201);
    const body = JSON.parse(utf8Decode(fromBase64(((await res.json()) as any).canonicalizedBody)));
    expect(body.spec.hashedRekordV002.signature.verifier).toEqual({
      keyDetails: "PKIX_ECDSA_P256_SHA_256",
      publicKey: { rawBytes: toBase64(key.spki) },
    });
  });

  it("answers a duplicate with 409 and x-log-index", async () => {
    const req = hashedRekordV2(p256Key(), enc(`dup ${Math.random()}`));
    const first = await post(req);
    const index = ((await first.json()) as any).logIndex;
    const again = await post(req);
    expect(again.status).toBe(409);
    expect(again.headers.get("x-log-index")).toBe(index);
    const body = (await again.json()) as any;
    expect(body.code).toBe(6);
    expect(body.message).toBe(`an equivalent entry already exists in the transparency log with index ${index}`);
    expect(body.details[0].logIndex).toBe(index); // the entry itself: test/rekor/duplicates.test.ts
  });

  it("rejects bad requests with 4xx and a message naming the problem", async () => {
    const key = p256Key();
    const good = hashedRekordV2(key, enc("bad requests"));
    const h = good.hashedRekordRequestV002;
    const cases: [string, unknown, number, RegExp][] = [
      ["malformed JSON", "{", 400, /malformed JSON/],
      ["unknown top-level field", { ...good, extra: 1 }, 400, /unknown field "extra"/],
      ["no spec", {}, 400, /must be hashedrekord/],
      ["unknown nested field", { hashedRekordRequestV002: { ...h, foo: "x" } }, 400, /unknown field "foo"/],
      ["missing digest", { hashedRekordRequestV002: { signature: h.signature } }, 400, /digest is required/],
      ["bad base64", { hashedRekordRequestV002: { ...h, digest: "%%%" } }, 400, /digest: invalid base64/],
      ["short digest", { hashedRekordRequestV002: { ...h, digest: toBase64(new Uint8Array(31)) } }, 400, /digest/],
      [
        "wrong signature",
        { hashedRekordRequestV002: { ...h, digest: toBase64(new Uint8Array(32)) } },
        400,
        /signature/,
      ],
      [
        "key details mismatch",
        {
          hashedRekordRequestV002: {
            ...h,
            signature: { ...h.signature, verifier: { ...h.signature.verifier, keyDetails: "PKIX_ECDSA_P384_SHA_384" } },
          },
        },
        400,
        /keyDetails/,
      ],
      [
        "unknown key details",
        {
          hashedRekordRequestV002: {
            ...h,
            signature: { ...h.signature, verifier: { ...h.signature.verifier, keyDetails: "NOPE" } },
          },
        },
        400,
        /keyDetails/,
      ],
      [
        "garbage key",
        {
          hashedRekordRequestV002: {
            ...h,
            signature: {
              ...h.signature,
              verifier: { publicKey: { rawBytes: "AAAA" }, keyDetails: "PKIX_ECDSA_P256_SHA_256" },
            },
          },
        },
        400,
        /publicKey/,
      ],
      [
        "both key fields",
        {
          hashedRekordRequestV002: {
            ...h,
            signature: { ...h.signature, verifier: { ...h.signature.verifier, x509Certificate: { rawBytes: "AAAA" } } },
          },
        },
        400,
        /exactly one/,
      ],
      ["deep nesting", "[".repeat(100) + "]".repeat(100), 400, /nested deeper/],
    ];
    for (const [what, body, status, message] of cases) {
      const r = await post(body);
      expect(r.status, what).toBe(status);
      const j = (await r.json()) as { code: number; message: string };
      expect(j.message, what).toMatch(message);
      expect(j.code, what).toBe(3);
    }
    const wrongType = await post(good, { "content-type": "text/plain" });
    expect(wrongType.status).toBe(415);
    const huge = await post(JSON.stringify({ x: "a".repeat(2 << 20) }));
    expect(huge.status).toBe(413);
    expect((await http("/api/v2/log/entries")).status).toBe(405);
  });
});
