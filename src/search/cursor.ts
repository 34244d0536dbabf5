/**
 * Search cursors: opaque to clients, the (shard, index) of the last hit returned, as unpadded
 * base64url JSON. Positions are public (every hit carries them), so the cursor needs no secrecy or
 * signature: a forged one only starts the listing elsewhere.
 * @module
 */
import { SelectorError } from "./selectors.ts";

export interface Position {
  shard: string;
  index: number;
}

export function encodeCursor(p: Position): string {
  return btoa(JSON.stringify({ s: p.shard, i: p.index }))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** @throws SelectorError when the cursor was not made by {@link encodeCursor}. */
export function decodeCursor(cursor: string): Position {
  const bad = () => new SelectorError("cursor is malformed: pass nextCursor from the previous answer unchanged");
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    throw bad();
  }
  const v = value as { s?: unknown; i?: unknown };
  if (typeof value !== "object" || value === null || Object.keys(value).length !== 2) throw bad();
  if (
    typeof v.s !== "string" ||
    !/^[a-z0-9-]{1,63}$/.test(v.s) ||
    typeof v.i !== "number" ||
    !Number.isSafeInteger(v.i) ||
    v.i < 0
  )
    throw bad();
  return { shard: v.s, index: v.i };
}
