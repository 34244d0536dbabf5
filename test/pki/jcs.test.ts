// RFC 8785 canonical JSON (src/rekor/jcs.ts). Vectors transcribed from RFC 8785 (§3.2.2.3 Appendix B numbers,
// §3.2.3 sorting, §3.2.4 example) and from cyberphone/json-canonicalization testdata/{input,output} (arrays,
// structures, french, unicode, values, weird), the test data of the implementation rekor-tiles uses
// (`jsoncanonicalizer`). The JSON inputs are parsed with JSON.parse first, as the reference tool does.
import { describe, expect, it } from "vitest";
import { canonicalize } from "../../src/rekor/jcs.ts";

/** IEEE 754 binary64 from its 16 hex digits. */
function float64(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}

describe("RFC 8785 numbers (Appendix B)", () => {
  const APPENDIX_B: [string, string][] = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"], // minus zero
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"], // round to even
  ];
  it.each(APPENDIX_B)("%s -> %s", (hex, want) => {
    expect(canonicalize(float64(hex))).toBe(want);
  });

  it("refuses NaN and the infinities (7fffffffffffffff, 7ff0000000000000)", () => {
    expect(() => canonicalize(float64("7fffffffffffffff"))).toThrow(RangeError);
    expect(() => canonicalize(float64("7ff0000000000000"))).toThrow(RangeError);
    expect(() => canonicalize({ a: [-Infinity] })).toThrow(RangeError);
  });
});

describe("RFC 8785 and cyberphone testdata", () => {
  const CASES: [string, string, string][] = [
    [
      "RFC 8785 §3.2.4 / cyberphone values.json",
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    ],
    [
      "RFC 8785 §3.2.3 sorting",
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    ],
    [
      "cyberphone arrays.json",
      '[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]',
      '[56,{"1":[],"10":null,"d":true}]',
    ],
    [
      "cyberphone structures.json",
      '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ { } ],\n  "A": { }\n}',
      '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
    ],
    [
      "cyberphone french.json (no locale collation)",
      '{\n  "peach": "This sorting order",\n  "p\u00e9ch\u00e9": "is wrong according to French",\n  "p\u00eache": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}\n',
      '{"peach":"This sorting order","p\u00e9ch\u00e9":"is wrong according to French","p\u00eache":"but canonicalization MUST","sin":"ingnore locale"}',
    ],
    [
      "cyberphone unicode.json (no normalization)",
      '{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}\n',
      '{"Unnormalized Unicode":"\u1e0d\u0307"}',
    ],
    [
      "cyberphone weird.json",
      '{\n  "\\u20ac": "Euro Sign",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n',
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\u{1f602}":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    ],
  ];
  it.each(CASES)("%s", (_, input, want) => {
    expect(canonicalize(JSON.parse(input))).toBe(want);
  });

  it("reproduces the Rekor v2 production leaf of rekor-api.md §1.4 byte for byte", () => {
    const leaf =
      '{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":"aOZWslHmfoNYvvhIOrDVHGYZ8+ehqfDnWDjUH/No9yg="},"signature":{"content":"MEQCIEfMLZlnJcxlGIR7L+oLSvx8qiv4kssxS70+ydm5z1VAAiA3ZbUTs4agQ7MJKwiwhCjY1TjF3/e0lbwin6IGRqo9KQ==","verifier":{"keyDetails":"PKIX_ECDSA_P256_SHA_256","publicKey":{"rawBytes":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErbAqpGLwY5yA9xLCs+Q/ABfPSInM7aNeJrLnIa0vz1YK+FNkQTpK1zUPDRawSCxMpzAHnzQC7Q8D08cKEov6WA=="}}}}}}';
    // Build it in protojson field order (not sorted) and canonicalize.
    const parsed = JSON.parse(leaf);
    const spec = parsed.spec.hashedRekordV002;
    const unsorted = {
      kind: parsed.kind,
      apiVersion: parsed.apiVersion,
      spec: {
        hashedRekordV002: {
          signature: {
            verifier: { publicKey: spec.signature.verifier.publicKey, keyDetails: spec.signature.verifier.keyDetails },
            content: spec.signature.content,
          },
          data: { digest: spec.data.digest, algorithm: spec.data.algorithm },
        },
      },
    };
    expect(canonicalize(unsorted)).toBe(leaf);
  });
});

describe("JSON.stringify semantics and refusals", () => {
  it("skips undefined, functions and symbols in objects, writes null for them in arrays", () => {
    expect(canonicalize({ b: undefined, a: 1, c: () => 1, d: Symbol("x") })).toBe('{"a":1}');
    expect(canonicalize([undefined, () => 1, Symbol("x"), 1])).toBe("[null,null,null,1]");
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalize([1, , 3])).toBe("[1,null,3]");
  });

  it("honours toJSON and writes primitives and empty containers", () => {
    expect(canonicalize({ t: new Date(0) })).toBe('{"t":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalize(null)).toBe("null");
    expect(canonicalize(true)).toBe("true");
    expect(canonicalize("a/b\u2028")).toBe('"a/b\u2028"');
    expect(canonicalize({})).toBe("{}");
    expect(canonicalize([])).toBe("[]");
    expect(canonicalize(Object.create(null))).toBe("{}");
  });

  it("sorts by UTF-16 code units, not code points", () => {
    // By code point U+FB33 < U+1F600, but U+1F600 is the code units D83D DE00, and D83D < FB33.
    expect(canonicalize({ "\ufb33": 1, "\u{1f600}": 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
  });

  it("refuses what has no JSON form", () => {
    expect(() => canonicalize(undefined)).toThrow(TypeError);
    expect(() => canonicalize(() => 1)).toThrow(TypeError);
    expect(() => canonicalize(1n)).toThrow(TypeError);
    expect(() => canonicalize(new Map())).toThrow(/not a plain object/);
    expect(() => canonicalize(new Uint8Array(2))).toThrow(/not a plain object/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/cyclic/);
    expect(() => canonicalize({ s: "\ud800" })).toThrow(/lone surrogate/);
    expect(() => canonicalize({ "\udc00x": 1 })).toThrow(/lone surrogate/);
  });

  it("allows the same object twice when it is not a cycle", () => {
    const shared = { a: 1 };
    expect(canonicalize([shared, shared])).toBe('[{"a":1},{"a":1}]');
  });
});
