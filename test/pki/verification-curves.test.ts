// The verification curves' faster fields against plain BigInt arithmetic and noble's own curves: the shaped
// reductions equal `%` on products of field elements (random and at the edges), and points computed over the
// faster fields equal noble's stock points (base multiples, sums, doubling, decoding). End to end, the ECDSA
// vectors (ecdsa-vectors.test.ts, OpenSSL's verdicts) run over these curves.
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { describe, expect, it } from "vitest";
import { reduceP384, reduceP521, verificationCurve } from "../../src/pki/verification-curves.ts";

function randomBelow(m: bigint): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(m.toString(16).length));
  let x = 0n;
  for (const b of bytes) x = (x << 8n) | BigInt(b);
  return x % m;
}

describe.each([
  ["P-384", p384.Point.Fp.ORDER, reduceP384],
  ["P-521", p521.Point.Fp.ORDER, reduceP521],
] as const)("%s reduction", (_, p, reduce) => {
  it("equals x mod p for products of field elements", () => {
    const edges = [0n, 1n, 2n, p - 1n, p - 2n, p >> 1n, 2n ** 256n, 2n ** 383n, 2n ** 384n % p, 2n ** 520n % p];
    const values = [...edges, ...Array.from({ length: 3000 }, () => randomBelow(p))];
    for (let i = 0; i < values.length; i++) {
      const a = values[i]!;
      const b = values[(i * 7 + 3) % values.length]!;
      expect(reduce(a * b), `${a} * ${b}`).toBe((a * b) % p);
      expect(reduce(a * a)).toBe((a * a) % p);
    }
    expect(reduce(p)).toBe(0n);
    expect(reduce((p - 1n) * (p - 1n))).toBe(1n);
  });
});

describe.each([
  ["P-256", p256.Point],
  ["P-384", p384.Point],
  ["P-521", p521.Point],
] as const)("%s points over the faster fields", (curve, Stock) => {
  const Point = verificationCurve(curve);

  it("has noble's parameters", () => {
    expect(Point.CURVE()).toEqual(Stock.CURVE());
    expect(Point.Fp.ORDER).toBe(Stock.Fp.ORDER);
    expect(Point.Fn.ORDER).toBe(Stock.Fn.ORDER);
  });

  it("computes the same base multiples, sums, doublings and inverses as noble's stock curve", () => {
    for (let i = 0; i < 40; i++) {
      const k = randomBelow(Stock.Fn.ORDER - 1n) + 1n;
      const j = randomBelow(Stock.Fn.ORDER - 1n) + 1n;
      const mine = Point.BASE.multiply(k);
      const theirs = Stock.BASE.multiply(k);
      expect(mine.toAffine()).toEqual(theirs.toAffine());
      expect(mine.add(Point.BASE.multiply(j)).toAffine()).toEqual(theirs.add(Stock.BASE.multiply(j)).toAffine());
      expect(mine.double().toAffine()).toEqual(theirs.double().toAffine());
      expect(Point.fromBytes(theirs.toBytes(false)).toAffine()).toEqual(theirs.toAffine());
      expect(Point.Fn.inv(k)).toBe(Stock.Fn.inv(k));
      expect(Point.Fp.inv(k)).toBe(Stock.Fp.inv(k));
    }
  });

  it("refuses a point off the curve, as noble does", () => {
    const good = Stock.BASE.multiply(7n).toBytes(false);
    const bad = good.slice();
    bad[bad.length - 1]! ^= 1;
    expect(() => Stock.fromBytes(bad)).toThrow();
    expect(() => Point.fromBytes(bad)).toThrow();
  });
});
