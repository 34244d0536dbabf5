// ECDSA signature encoding: strict DER as Go's cryptobyte parses it, high-S accepted as Go accepts it.
import { describe, expect, it } from "vitest";
import { p256 } from "@noble/curves/nist.js";
import { TAG, encodeElement, encodeUnsignedInteger } from "../../src/pki/der.ts";
import { ecdsaSignatureToP1363, parseEcdsaSignature, verifyEcdsaDigest } from "../../src/pki/ecdsa.ts";
import { parseSpki } from "../../src/pki/keys.ts";
import { fixture } from "../fixtures/pki/index.ts";
import { refusal } from "../helpers/refusal.ts";

const key = parseSpki(fixture("p256.spki.der"));
const digest = fixture("message.sha256");
const sig = fixture("p256.sig-digest.der");
const { r, s } = parseEcdsaSignature(sig, "P-256");
const n = p256.Point.Fn.ORDER;

const seq = (...parts: Uint8Array[]) => encodeElement(TAG.SEQUENCE, ...parts);
const int = (v: bigint) => encodeUnsignedInteger(v);
const rawInt = (bytes: number[]) => encodeElement(TAG.INTEGER, Uint8Array.from(bytes));

describe("ECDSA DER signatures", () => {
  it("re-encoding the parsed signature gives the same bytes", () => {
    expect(seq(int(r), int(s))).toEqual(sig);
    verifyEcdsaDigest(key, digest, seq(int(r), int(s)));
  });

  it("accepts high-S (Go's ecdsa.VerifyASN1 does not require low-S)", () => {
    const flipped = seq(int(r), int(n - s));
    verifyEcdsaDigest(key, digest, flipped);
  });

  it.each([
    [
      "a non-minimal INTEGER (an extra leading zero)",
      () => seq(rawInt([0x00, ...int(r).subarray(2)]), int(s)),
      /non-minimal INTEGER/,
    ],
    ["a negative INTEGER", () => seq(rawInt([0x80, 0x01]), int(s)), /negative INTEGER/],
    ["trailing data after the SEQUENCE", () => Uint8Array.from([...sig, 0x00]), /trailing data/],
    ["a third element", () => seq(int(r), int(s), int(1n)), /expected 2 elements/],
    ["a BER long-form length", () => Uint8Array.from([0x30, 0x81, sig[1]!, ...sig.subarray(2)]), /non-minimal length/],
    ["an indefinite length", () => Uint8Array.from([0x30, 0x80, ...sig.subarray(2), 0x00, 0x00]), /indefinite length/],
    [
      "raw r || s (IEEE P1363) instead of DER",
      () => ecdsaSignatureToP1363(sig, "P-256"),
      /malformed DER ECDSA signature/,
    ],
    ["an empty INTEGER", () => seq(encodeElement(TAG.INTEGER), int(s)), /empty INTEGER/],
  ])("refuses %s", (_, make, message) => {
    const e = refusal(() => verifyEcdsaDigest(key, digest, make()));
    expect(e.field).toBe("signature");
    expect(e.message).toMatch(message);
  });

  it.each([
    ["r = 0", () => seq(int(0n), int(s))],
    ["s = 0", () => seq(int(r), int(0n))],
    ["r = n", () => seq(int(n), int(s))],
    ["s = n + 1", () => seq(int(r), int(n + 1n))],
  ])("refuses %s as out of range", (_, make) => {
    expect(refusal(() => verifyEcdsaDigest(key, digest, make())).message).toMatch(/out of range/);
  });

  it("P1363 form has fixed-width halves (66 bytes each on P-521)", () => {
    expect(ecdsaSignatureToP1363(fixture("p521.sig-digest.der"), "P-521").length).toBe(132);
    expect(ecdsaSignatureToP1363(fixture("p384.sig-digest.der"), "P-384").length).toBe(96);
  });
});
