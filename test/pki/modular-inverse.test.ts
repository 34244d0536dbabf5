// modularInverse against its defining property (a·a⁻¹ ≡ 1) and against @noble/curves' `invert` (a plain extended
// Euclid, written by others) on the moduli ECDSA verification uses, with random values and the edges of the
// single-precision steps: values near 0 and m, powers of two, values below 2^48 (no shift) and just above.
import { invert } from "@noble/curves/abstract/modular.js";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { describe, expect, it } from "vitest";
import { modularInverse } from "../../src/pki/modular-inverse.ts";

const MODULI = Object.entries({
  "P-256 p": p256.Point.Fp.ORDER,
  "P-256 n": p256.Point.Fn.ORDER,
  "P-384 p": p384.Point.Fp.ORDER,
  "P-384 n": p384.Point.Fn.ORDER,
  "P-521 p": p521.Point.Fp.ORDER,
  "P-521 n": p521.Point.Fn.ORDER,
  "2^255 - 19": 2n ** 255n - 19n,
  "a small prime": 1_000_003n,
});

function randomBelow(m: bigint): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(m.toString(16).length));
  let x = 0n;
  for (const b of bytes) x = (x << 8n) | BigInt(b);
  return x % m;
}

describe.each(MODULI)("modularInverse mod %s", (_, m) => {
  const edges = [1n, 2n, 3n, m - 1n, m - 2n, m / 2n, m / 2n + 1n, 2n ** 47n, 2n ** 48n - 1n, 2n ** 48n, 2n ** 48n + 1n]
    .concat([2n ** 53n + 1n, 2n ** 64n, 2n ** 200n - 1n, (m >> 1n) - 1n])
    .map((x) => x % m)
    .filter((x) => x !== 0n);

  it("agrees with noble's invert and inverts, at the edges and on 2,000 random values", () => {
    const random = Array.from({ length: 2000 }, () => randomBelow(m)).filter((x) => x !== 0n);
    const small = Array.from({ length: 200 }, () => BigInt(Math.floor(Math.random() * 2 ** 40)) + 1n);
    for (const x of [...edges, ...random, ...small]) {
      const y = modularInverse(x, m);
      expect(y, `${x}`).toBe(invert(x, m));
      expect((x * y) % m).toBe(1n);
    }
  });

  it("reduces its argument first (negative and larger than m)", () => {
    expect(modularInverse(-2n, m)).toBe(invert(m - 2n, m));
    expect(modularInverse(m + 3n, m)).toBe(invert(3n, m));
  });

  it("refuses 0 and multiples of m", () => {
    expect(() => modularInverse(0n, m)).toThrow(RangeError);
    expect(() => modularInverse(m, m)).toThrow(RangeError);
  });
});

it("refuses a value that shares a factor with the modulus", () => {
  expect(() => modularInverse(6n, 2n ** 255n)).toThrow(/shares a factor/);
  expect(modularInverse(3n, 2n ** 255n)).toBe(invert(3n, 2n ** 255n));
});
