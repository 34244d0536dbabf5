// What one request may spend on signature verification: DSSE signatures are matched to verifiers in a bounded
// number of attempts (each attempt is one WebCrypto verification over the whole PAE, counted here by wrapping
// crypto.subtle.verify), and a v1 retrieve's entries share one budget.
import { sha256 } from "@noble/hashes/sha2.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encodePem } from "../../src/pki/keys.ts";
import { matchEnvelopeSignatures, verifierOrder } from "../../src/rekor/envelope-signatures.ts";
import { canonicalizeProposedEntry } from "../../src/rekor/v1/proposed-entry.ts";
import { canonicalizeCreateEntryRequest, pae } from "../../src/rekor/v2/entry.ts";
import { MAX_VERIFICATION_UNITS, MAX_VERIFIED_BYTES, VerificationBudget } from "../../src/rekor/verification-budget.ts";
import { toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { fixture as rekordFixture } from "../fixtures/rekord/index.ts";
import { p256Key, type TestEcKey } from "../helpers/keys.ts";
import { keyWithSelfSignatures } from "../helpers/pgp-packets.ts";
import { http } from "../helpers/log.ts";

const TYPE = "application/vnd.in-toto+json";
const payload = utf8Encode('{"budget":1}');
const message = pae(TYPE, payload);
const keys = Array.from({ length: 10 }, () => p256Key());
/** Signature i made by keys[signers[i]]. */
const signed = (signers: number[]) => signers.map((k) => keys[k]!.signDigest(sha256(message)));
const pem = (k: TestEcKey) => toBase64(utf8Encode(encodePem("PUBLIC KEY", k.spki)));

function v2Dsse(signers: number[]) {
  return {
    dsseRequestV002: {
      envelope: {
        payload: toBase64(payload),
        payloadType: TYPE,
        signatures: signed(signers).map((s) => ({ sig: toBase64(s), keyid: "" })),
      },
      verifiers: keys.map((k) => ({
        publicKey: { rawBytes: toBase64(k.spki) },
        keyDetails: "PKIX_ECDSA_P256_SHA_256",
      })),
    },
  };
}

function v1Dsse(signers: number[], verifiers = keys) {
  const envelope = {
    payload: toBase64(payload),
    payloadType: TYPE,
    signatures: signed(signers).map((s) => ({ keyid: "", sig: toBase64(s) })),
  };
  return {
    apiVersion: "0.0.1",
    kind: "dsse",
    spec: { proposedContent: { envelope: JSON.stringify(envelope), verifiers: verifiers.map(pem) } },
  };
}

function v1Intoto(signers: number[], keyOf: (i: number) => number) {
  const sigs = signed(signers);
  return {
    apiVersion: "0.0.2",
    kind: "intoto",
    spec: {
      content: {
        envelope: {
          payloadType: TYPE,
          payload: toBase64(utf8Encode(toBase64(payload))),
          signatures: sigs.map((s, i) => ({
            keyid: `k${i}`,
            sig: toBase64(utf8Encode(toBase64(s))),
            publicKey: pem(keys[keyOf(i)]!),
          })),
        },
        hash: { algorithm: "sha256", value: "00".repeat(32) },
      },
    },
  };
}

let verifications = 0;
beforeEach(() => {
  verifications = 0;
  const verify = crypto.subtle.verify.bind(crypto.subtle);
  vi.spyOn(crypto.subtle, "verify").mockImplementation((...args: Parameters<SubtleCrypto["verify"]>) => {
    verifications++;
    return verify(...args);
  });
});
afterEach(() => vi.restoreAllMocks());

const TEN = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe("DSSE signatures are matched to verifiers at a bounded cost", () => {
  it("tries a signature's own position first, then the others in order", () => {
    expect(verifierOrder(0, 3)).toEqual([0, 1, 2]);
    expect(verifierOrder(2, 3)).toEqual([2, 0, 1]);
    expect(verifierOrder(4, 3)).toEqual([0, 1, 2]);
  });

  it("10 signatures over 10 verifiers in the same order: exactly 10 verifications (v2 and v1)", async () => {
    await canonicalizeCreateEntryRequest(v2Dsse(TEN));
    expect(verifications).toBe(10);
    verifications = 0;
    await canonicalizeProposedEntry(v1Dsse(TEN));
    expect(verifications).toBe(10);
  });

  it("10 signatures all by the last of 10 verifiers (100 attempts): refused once the budget is spent, never more", async () => {
    const message = new RegExp(
      `needs more signature verifications than the ${MAX_VERIFICATION_UNITS} units one request may spend`,
    );
    await expect(canonicalizeCreateEntryRequest(v2Dsse(Array(10).fill(9)))).rejects.toThrow(message);
    expect(verifications).toBe(MAX_VERIFICATION_UNITS);
    verifications = 0;
    await expect(canonicalizeProposedEntry(v1Dsse(Array(10).fill(9)))).rejects.toThrow(message);
    expect(verifications).toBe(MAX_VERIFICATION_UNITS);
  });

  it("in-toto: each signature is tried with its own key first, so 10 signatures cost 10 verifications", async () => {
    await canonicalizeProposedEntry(v1Intoto(TEN, (i) => i));
    expect(verifications).toBe(10);
    // A signature whose own key did not make it is still accepted when another listed key did (Rekor's rule).
    verifications = 0;
    await canonicalizeProposedEntry(v1Intoto([1, 0], (i) => i));
    expect(verifications).toBe(4);
  });

  it("bounds the bytes hashed: attempts over a large PAE stop at the byte limit", async () => {
    const big = new Uint8Array(1 << 20);
    const budget = new VerificationBudget();
    const digest = sha256(big);
    const sigs = Array.from({ length: 10 }, () => keys[0]!.signDigest(digest));
    const verifiers = keys.map((k) => ({
      key: { kind: "ecdsa" as const, curve: "P-256" as const, spki: k.spki, subjectPublicKey: k.spki.subarray(-65) },
      hash: "sha256" as const,
    }));
    await expect(matchEnvelopeSignatures(big, sigs, verifiers.slice(1), budget, "sigs")).rejects.toThrow(
      new RegExp(`more than the ${MAX_VERIFIED_BYTES} bytes of signed messages`),
    );
    expect(verifications).toBe(Math.floor(MAX_VERIFIED_BYTES / big.length));
  });
});

describe("a v1 retrieve's entries share one verification budget", () => {
  const retrieve = (entries: unknown[]) =>
    http("/api/v1/log/entries/retrieve", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ entries }),
    });

  it("ten one-signature entries pass; ten entries of ten attempts each are refused with a 400 after the budget", async () => {
    const ok = await retrieve(Array.from({ length: 10 }, () => v1Dsse([0], [keys[0]!])));
    expect(ok.status).toBe(200);
    expect(verifications).toBe(10);
    verifications = 0;
    // Each entry alone is within the budget (its signature is by the last of ten verifiers); ten are not.
    const costly = await retrieve(Array.from({ length: 10 }, () => v1Dsse([9])));
    expect(costly.status).toBe(400);
    expect(((await costly.json()) as { message: string }).message).toMatch(
      /^error processing entry: envelope\.signatures\[0\]: this request needs more signature verifications than the 24 units/,
    );
    expect(verifications).toBe(MAX_VERIFICATION_UNITS);
  });

  it("hashedrekord entries are charged by what verifying a digest costs (P-256 in pure JS: 4 units each)", async () => {
    const entry = () => {
      const digest = sha256(utf8Encode(`budget ${Math.random()}`));
      return {
        apiVersion: "0.0.1",
        kind: "hashedrekord",
        spec: {
          data: { hash: { algorithm: "sha256", value: toHex(digest) } },
          signature: { content: toBase64(keys[0]!.signDigest(digest)), publicKey: { content: pem(keys[0]!) } },
        },
      };
    };
    expect((await retrieve(Array.from({ length: MAX_VERIFICATION_UNITS / 4 }, entry))).status).toBe(200);
    expect((await retrieve(Array.from({ length: MAX_VERIFICATION_UNITS / 4 + 1 }, entry))).status).toBe(400);
    const budget = new VerificationBudget();
    for (let i = 0; i < MAX_VERIFICATION_UNITS / 4; i++)
      await canonicalizeProposedEntry(entry(), { maxDataBytes: 1024, budget });
    await expect(canonicalizeProposedEntry(entry(), { maxDataBytes: 1024, budget })).rejects.toThrow(
      /units one request may spend/,
    );
  });

  it("a PGP key is charged a unit for every four self-signatures openpgp.js may verify", async () => {
    const entry = {
      apiVersion: "0.0.1",
      kind: "rekord",
      spec: {
        data: { content: toBase64(rekordFixture("artifact.txt")) },
        signature: {
          format: "pgp",
          content: toBase64(rekordFixture("pgp-ed25519.sig")),
          publicKey: { content: toBase64(keyWithSelfSignatures(32)) },
        },
      },
    };
    // 1 + 32 / 4 = 9 units each: two fit in 24, the third does not.
    expect((await retrieve([entry, entry])).status).toBe(200);
    const three = await retrieve([entry, entry, entry]);
    expect(three.status).toBe(400);
    expect(((await three.json()) as { message: string }).message).toMatch(
      /^error processing entry: spec\.signature\.publicKey: this request needs more signature verifications/,
    );
  });
});
