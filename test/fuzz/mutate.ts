// Mutation arbitraries shared by the fuzzers: small, structure-aware edits of valid inputs, which reach much deeper
// into a parser than random bytes do (a random string is refused at the first character; a valid request with one
// field changed gets through every check but one).
import fc from "fast-check";

/** Strings that tend to break parsers: controls, NUL, lone and paired surrogates, separators, base64 and PEM bits. */
export const NASTY_STRINGS = [
  "",
  "\u0000",
  "\n",
  "\r\n",
  "\t",
  " ",
  "\u2014 ",
  "\ud800",
  "\udfff",
  "\ud83d\ude00",
  "é",
  "\u202e",
  "\ufeff",
  "+",
  "/",
  "-",
  "_",
  "=",
  "==",
  ".p/",
  "x",
  "0",
  "00",
  "999",
  "-1",
  "1e308",
  "9007199254740993",
  "AAAA",
  "-----BEGIN PUBLIC KEY-----",
  "-----END CERTIFICATE-----",
  "\\",
  '"',
  "{",
  "[",
  "}",
];

/** Any string, biased towards the nasty ones and to characters from the whole Unicode range. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
);

export type StringEdit =
  | { op: "insert"; at: number; text: string }
  | { op: "delete"; at: number; count: number }
  | { op: "replace"; at: number; text: string }
  | { op: "truncate"; at: number }
  | { op: "duplicate"; at: number; count: number }
  | { op: "swapCase"; at: number };

const edit: fc.Arbitrary<StringEdit> = fc.oneof(
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: nastyString }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant("replace" as const), at: fc.nat(), text: nastyString }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant("swapCase" as const), at: fc.nat() }),
);

/** Applies one edit; positions wrap around the string's length. */
export function applyEdit(s: string, e: StringEdit): string {
  const at = s.length === 0 ? 0 : e.at % (s.length + 1);
  switch (e.op) {
    case "insert":
      return s.slice(0, at) + e.text + s.slice(at);
    case "delete":
      return s.slice(0, at) + s.slice(at + e.count);
    case "replace":
      return s.slice(0, at) + e.text + s.slice(at + Math.max(1, e.text.length));
    case "truncate":
      return s.slice(0, at);
    case "duplicate":
      return s.slice(0, at) + s.slice(at, at + e.count) + s.slice(at);
    case "swapCase": {
      const ch = s.charAt(at);
      const swapped = ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
      return s.slice(0, at) + swapped + s.slice(at + 1);
    }
  }
}

/** One to four edits of `s`. */
export function mutatedString(s: string): fc.Arbitrary<string> {
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce(applyEdit, s));
}

// ---- JSON -------------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every node's path in a JSON value, root first. */
export function jsonPaths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...jsonPaths(v, [...prefix, i])));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...prefix, k]));
  return out;
}

export type JsonEdit =
  | { op: "replace"; node: number; with: unknown }
  | { op: "delete"; node: number }
  | { op: "addField"; node: number; key: string; with: unknown }
  | { op: "editString"; node: number; edit: StringEdit }
  | { op: "wrap"; node: number }
  | { op: "unwrap"; node: number }
  | { op: "duplicateItem"; node: number; count: number }
  | { op: "stringify"; node: number }
  | { op: "number"; node: number; to: number };

/** JSON values worth putting anywhere: every type, the empty containers, numbers at the edges. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, -1, 1.5, 2 ** 53, 1e300, -1e-300, "", [], {}, [[]], { "": null }),
  nastyString,
  fc.jsonValue({ maxDepth: 3 }),
);

const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("replace" as const), node: fc.nat(), with: anyJson }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("delete" as const), node: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("addField" as const),
      node: fc.nat(),
      key: fc.oneof(
        nastyString,
        fc.constantFrom("__proto__", "constructor", "toString", "keyid", "raw_bytes", "publicKey"),
      ),
      with: anyJson,
    }),
  },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("editString" as const), node: fc.nat(), edit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("wrap" as const), node: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("unwrap" as const), node: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("duplicateItem" as const),
      node: fc.nat(),
      count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("stringify" as const), node: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("number" as const),
      node: fc.nat(),
      to: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    }),
  },
);

function getAt(root: Json, path: Path): Json {
  return path.reduce<Json>((o, k) => (o as Record<string | number, Json>)[k]!, root);
}

/** Applies one edit to a deep copy; the node index wraps around the number of nodes (strings only for editString). */
export function applyJsonEdit(value: unknown, e: JsonEdit): unknown {
  const root = { v: structuredClone(value) as Json } as { v: Json };
  const paths = jsonPaths(root.v).map((p) => ["v", ...p] as Path);
  const pick = (candidates: Path[]) => candidates[e.node % candidates.length];
  const set = (path: Path, to: unknown) => {
    const parent = getAt(root as unknown as Json, path.slice(0, -1)) as Record<string | number, unknown>;
    parent[path[path.length - 1]!] = to;
  };
  switch (e.op) {
    case "replace":
      set(pick(paths)!, structuredClone(e.with));
      break;
    case "delete": {
      const path = pick(paths.filter((p) => p.length > 1));
      if (!path) break;
      const parent = getAt(root as unknown as Json, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
      if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
      else delete parent[path[path.length - 1] as string];
      break;
    }
    case "addField": {
      const path = pick(
        paths.filter((p) => {
          const n = getAt(root as unknown as Json, p);
          return n !== null && typeof n === "object" && !Array.isArray(n);
        }),
      );
      if (!path) break;
      // defineProperty, so "__proto__" becomes an own field as JSON.parse would make it.
      Object.defineProperty(getAt(root as unknown as Json, path), e.key, {
        value: structuredClone(e.with),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      break;
    }
    case "editString": {
      const path = pick(paths.filter((p) => typeof getAt(root as unknown as Json, p) === "string"));
      if (path) set(path, applyEdit(getAt(root as unknown as Json, path) as string, e.edit));
      break;
    }
    case "wrap": {
      const path = pick(paths)!;
      set(path, [getAt(root as unknown as Json, path)]);
      break;
    }
    case "unwrap": {
      const path = pick(paths.filter((p) => Array.isArray(getAt(root as unknown as Json, p))));
      if (path) set(path, (getAt(root as unknown as Json, path) as Json[])[0] ?? null);
      break;
    }
    case "duplicateItem": {
      const path = pick(
        paths.filter((p) => {
          const n = getAt(root as unknown as Json, p);
          return Array.isArray(n) && n.length > 0;
        }),
      );
      if (path) {
        const arr = getAt(root as unknown as Json, path) as Json[];
        for (let i = 0; i < e.count; i++) arr.push(structuredClone(arr[0]!));
      }
      break;
    }
    case "stringify": {
      const path = pick(paths)!;
      set(path, JSON.stringify(getAt(root as unknown as Json, path)));
      break;
    }
    case "number": {
      const path = pick(paths)!;
      set(path, e.to);
      break;
    }
  }
  return root.v;
}

/** One to three structure-aware edits of a JSON value, as it would arrive after JSON.parse(JSON.stringify(...)). */
export function mutatedJson(value: unknown): fc.Arbitrary<unknown> {
  return fc
    .array(jsonEdit, { minLength: 1, maxLength: 3 })
    .map((edits) => JSON.parse(JSON.stringify(edits.reduce(applyJsonEdit, value))));
}

/** Runs `f` and returns what it threw (undefined if it returned). */
export async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** Describes an unexpected error for a property failure message. */
export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);
}
