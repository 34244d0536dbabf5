/**
 * Reading a JSON request body: content type checked, size bounded (bodyLimit runs first), nesting
 * bounded, and every failure a 4xx that says what is wrong.
 * @module
 */
import type { Context } from "hono";
import { ApiError } from "./errors.ts";

/** Sigstore requests nest a handful of levels; anything far deeper is hostile. */
export const MAX_JSON_DEPTH = 32;

export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError(415, "Content-Type must be application/json");
  const text = await c.req.text();
  if (nestingDepth(text) > MAX_JSON_DEPTH) throw new ApiError(400, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, `malformed JSON: ${(e as Error).message}`);
  }
}

/** Depth of brackets outside strings, computed before JSON.parse so a deep document costs nothing. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92)
        i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) max = Math.max(max, ++depth);
    else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}
