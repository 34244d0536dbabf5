// Fuzzing the rekord parsers (openpgp.js behind src/pki/pgp.ts, and our minisign, SSH and armor readers): the key
// and signature bytes of tool-made submissions (test/fixtures/rekord), randomly corrupted — bits flipped, bytes
// cut, inserted or overwritten — and the request JSON mutated. Each must give a leaf or a RequestError (a 400);
// anything else would be a 500 at the edge.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/rekor/errors.ts";
import { canonicalizeProposedEntry } from "../../src/rekor/v1/proposed-entry.ts";
import { fromBase64, toBase64 } from "../../src/tlog/encoding.ts";
import { fixture, type FixtureName } from "../fixtures/rekord/index.ts";
import { describeError, mutatedJson, thrown } from "./mutate.ts";

const BASES: [string, FixtureName, FixtureName][] = [
  ["pgp", "pgp-rsa.pub.asc", "pgp-rsa.sig"],
  ["pgp", "pgp-subkeys.pub.gpg", "pgp-subkeys.sig"],
  ["pgp", "pgp-ed25519.pub.gpg", "pgp-ed25519.sig.asc"],
  ["minisign", "minisign-a.pub", "minisign-a.prehashed.minisig"],
  ["ssh", "ssh-p256.pub", "ssh-p256.sig"],
  ["ssh", "ssh-rsa.pub", "ssh-rsa.sig"],
  ["x509", "x509-ed25519.cert.pem", "x509-ed25519.sig"],
];

const request = (format: string, key: Uint8Array, sig: Uint8Array) => ({
  apiVersion: "0.0.1",
  kind: "rekord",
  spec: {
    data: { content: toBase64(fixture("artifact.txt")) },
    signature: { format, content: toBase64(sig), publicKey: { content: toBase64(key) } },
  },
});

async function leafOrRefusal(json: unknown): Promise<"leaf" | "refused"> {
  let ok = false;
  const e = await thrown(async () => {
    await canonicalizeProposedEntry(json);
    ok = true;
  });
  if (ok) return "leaf";
  if (e instanceof RequestError) return "refused";
  throw new Error(`on ${JSON.stringify(json).slice(0, 500)}: ${describeError(e)}`);
}

/** Random damage to bytes: flips, cuts, insertions and overwrites at random places. */
const corrupted = (bytes: Uint8Array) =>
  fc
    .array(
      fc.oneof(
        fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
        fc.record({ op: fc.constant("cut" as const), at: fc.nat() }),
        fc.record({ op: fc.constant("insert" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ op: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((ops) => {
      let b = Array.from(bytes);
      for (const o of ops) {
        const at = b.length === 0 ? 0 : o.at % b.length;
        if (o.op === "flip") b[at] = (b[at] ?? 0) ^ (1 << o.bit);
        else if (o.op === "cut") b = b.slice(0, at);
        else if (o.op === "insert") b.splice(at, 0, o.byte);
        else b[at] = o.byte;
      }
      return Uint8Array.from(b);
    });

describe("fuzz: rekord keys and signatures", () => {
  it("the submissions the corruption starts from are accepted", async () => {
    for (const [format, key, sig] of BASES)
      expect(await leafOrRefusal(request(format, fixture(key), fixture(sig)))).toBe("leaf");
  });

  it("corrupted keys and signatures → a leaf or a RequestError", async () => {
    const cases = fc.oneof(
      ...BASES.map(([format, key, sig]) =>
        fc.oneof(
          corrupted(fixture(key)).map((k) => request(format, k, fixture(sig))),
          corrupted(fixture(sig)).map((s) => request(format, fixture(key), s)),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(cases, async (json) => void (await leafOrRefusal(json))),
      { numRuns: 400 },
    );
  });

  it("mutated request JSON → a leaf or a RequestError", async () => {
    const [format, key, sig] = BASES[0]!;
    const base = request(format, fixture(key), fixture(sig));
    await fc.assert(
      fc.asyncProperty(mutatedJson(base), async (json) => void (await leafOrRefusal(json))),
      { numRuns: 200 },
    );
    // the base64 helper itself is strict: a corrupted base64 field is a refusal, not a crash
    expect(
      await leafOrRefusal({
        ...base,
        spec: { ...base.spec, data: { content: toBase64(fromBase64(base.spec.data.content)).slice(1) } },
      }),
    ).toBe("refused");
  });
});
