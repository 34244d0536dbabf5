/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the serialization Rekor applies to every log entry body
 * (rekor-tiles `jsoncanonicalizer.Transform`, Rekor v1 `types.CanonicalizeJSON`; rekor-api.md §1.4, §2.6).
 *
 * - Objects: properties sorted by their names as arrays of UTF-16 code units (§3.2.3), which is what
 *   `Array.prototype.sort()` does without a comparator. No whitespace anywhere (§3.2.1).
 * - Strings: the ECMAScript `JSON.stringify` escaping (§3.2.2.2): `\b \t \n \f \r \" \\`, other C0 controls as
 *   `\u00xx` with lowercase hex, everything else (including `/`, DEL and non-ASCII) as itself.
 * - Numbers: the ECMAScript Number-to-String algorithm (§3.2.2.3), which `JSON.stringify` implements; -0 is "0".
 *   NaN and the infinities have no JSON form and are refused.
 * - Like `JSON.stringify`: object properties whose value is `undefined`, a function or a symbol are skipped, the
 *   same values inside arrays become `null`, and `toJSON()` is honoured.
 *
 * Refused with a TypeError or RangeError (input is I-JSON, RFC 7493, §3.1 of RFC 8785): lone surrogates, BigInt,
 * non-plain objects without `toJSON` (Map, Set, typed arrays, class instances), cycles, and a top-level value with no
 * JSON form. These are bugs in the caller, who builds the value; request JSON is parsed before it gets here.
 * @module
 */

/**
 * The RFC 8785 canonical form of `value`.
 * @example canonicalize({ b: [1e30, "€"], a: null }) === '{"a":null,"b":[1e+30,"€"]}'
 * @throws RangeError for non-finite numbers or lone surrogates; TypeError for values with no JSON form or cycles.
 */
export function canonicalize(value: unknown): string {
  const out = serialize(value, new Set());
  if (out === undefined) throw new TypeError("canonicalize: the value has no JSON form");
  return out;
}

/** Returns undefined for values JSON.stringify skips (undefined, functions, symbols). */
function serialize(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new RangeError(`canonicalize: ${value} has no JSON form (RFC 8785 §3.2.2.3)`);
      return JSON.stringify(value); // ECMAScript Number::toString; JSON.stringify(-0) === "0"
    case "string":
      return serializeString(value);
    case "bigint":
      throw new TypeError("canonicalize: BigInt has no JSON form; convert it to a string or a safe number first");
    case "object":
      break;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (ancestors.has(obj)) throw new TypeError("canonicalize: cyclic structure");
  ancestors.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    // Array.from visits holes as undefined, so a sparse array serializes like JSON.stringify (holes become null).
    out = "[" + Array.from(obj as unknown[], (item) => serialize(item, ancestors) ?? "null").join(",") + "]";
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonicalize: ${proto?.constructor?.name ?? "object"} is not a plain object`);
    }
    const parts: string[] = [];
    // Default sort: UTF-16 code unit order (ECMA-262 SortCompare), exactly RFC 8785 §3.2.3.
    for (const name of Object.keys(obj).sort()) {
      const member = serialize((obj as Record<string, unknown>)[name], ancestors);
      if (member !== undefined) parts.push(serializeString(name) + ":" + member);
    }
    out = "{" + parts.join(",") + "}";
  }
  ancestors.delete(obj);
  return out;
}

/** RFC 8785 §3.2.2.2. JSON.stringify escapes lone surrogates as \udxxx; I-JSON forbids them, so refuse instead. */
function serializeString(s: string): string {
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) {
    throw new RangeError("canonicalize: string contains a lone surrogate (not I-JSON, RFC 7493 §2.1)");
  }
  return JSON.stringify(s);
}
