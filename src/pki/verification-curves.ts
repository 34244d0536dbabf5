/**
 * noble's NIST curves over faster field arithmetic, for verifying signatures: every field inverts by Lehmer's
 * algorithm (modular-inverse.ts) instead of a BigInt step per quotient, and the base fields of P-384 and P-521
 * reduce a product by the shape of their primes (FIPS 186-5 / SP 800-186 §3.2.1: 2^384 = 2^128 + 2^96 − 2^32 + 1
 * mod p384, 2^521 = 1 mod p521) with shifts, masks and a short multiplication instead of a BigInt division
 * (about twice as fast in V8).
 * Same curves, same parameters and points; only the arithmetic underneath differs, and the ECDSA vectors
 * (test/pki/ecdsa-vectors.test.ts) and the fields' own tests hold it to noble's. Public values only: nothing here
 * is constant-time.
 * @module
 */
import type { IField } from "@noble/curves/abstract/modular.js";
import { weierstrass, type WeierstrassPointCons } from "@noble/curves/abstract/weierstrass.js";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { modularInverse } from "./modular-inverse.ts";
import type { EcCurve } from "./keys.ts";

/** A copy of noble's field with some operations replaced (noble's own methods call them through `this`). */
function withOperations(field: IField<bigint>, ops: Partial<IField<bigint>>): IField<bigint> {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(field)), field) as IField<bigint>;
  for (const [name, op] of Object.entries(ops)) Object.defineProperty(copy, name, { value: op, enumerable: true });
  return Object.freeze(copy);
}

function fasterInversion(field: IField<bigint>): IField<bigint> {
  const m = field.ORDER;
  return withOperations(field, { inv: (x: bigint) => modularInverse(x, m) });
}

const P384_P = 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n;
const P384_FOLD = 2n ** 128n + 2n ** 96n - 2n ** 32n + 1n; // 2^384 mod p384
const LOW_384 = 2n ** 384n - 1n;

/** x mod p384 for 0 ≤ x < p²: two folds of the bits above 384 leave less than p + 2^260. */
export function reduceP384(x: bigint): bigint {
  x = (x & LOW_384) + (x >> 384n) * P384_FOLD;
  x = (x & LOW_384) + (x >> 384n) * P384_FOLD;
  while (x >= P384_P) x -= P384_P;
  return x;
}

const P521_P = 2n ** 521n - 1n;

/** x mod (2^521 − 1) for 0 ≤ x < p²: two folds leave at most p, which is 0. */
export function reduceP521(x: bigint): bigint {
  x = (x & P521_P) + (x >> 521n);
  x = (x & P521_P) + (x >> 521n);
  return x === P521_P ? 0n : x;
}

/** A base field whose products reduce with `reduce` (which must equal x mod p for 0 ≤ x < p²). */
function shapedBaseField(field: IField<bigint>, p: bigint, reduce: (x: bigint) => bigint): IField<bigint> {
  if (field.ORDER !== p) throw new Error("not the field of this prime");
  return withOperations(field, {
    inv: (x: bigint) => modularInverse(x, p),
    mul: (a: bigint, b: bigint) => reduce(a * b),
    sqr: (a: bigint) => reduce(a * a),
  });
}

function rebuilt(point: WeierstrassPointCons<bigint>, baseField: IField<bigint>): WeierstrassPointCons<bigint> {
  const Point = weierstrass(point.CURVE(), { Fp: baseField, Fn: fasterInversion(point.Fn) });
  Point.BASE.precompute(8); // t·G from a table, as noble's own curves do
  return Point;
}

const curves = new Map<EcCurve, WeierstrassPointCons<bigint>>();

/** The curve's point class over the faster fields, made on first use (its base table takes a few ms). */
export function verificationCurve(curve: EcCurve): WeierstrassPointCons<bigint> {
  let Point = curves.get(curve);
  if (Point === undefined) {
    const stock = curve === "P-256" ? p256.Point : curve === "P-384" ? p384.Point : p521.Point;
    const Fp =
      curve === "P-384"
        ? shapedBaseField(stock.Fp, P384_P, reduceP384)
        : curve === "P-521"
          ? shapedBaseField(stock.Fp, P521_P, reduceP521)
          : fasterInversion(stock.Fp);
    Point = rebuilt(stock, Fp);
    curves.set(curve, Point);
  }
  return Point;
}
