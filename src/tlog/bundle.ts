/**
 * C2SP tlog-tiles entry bundles: a sequence of entries, each `uint16 big-endian length || bytes`.
 * @module
 */
import { MalformedError } from "./errors.ts";

/** The length prefix is 16 bits, so an entry holds at most 65,535 bytes (C2SP tlog-tiles, Tessera DefaultEntrySizeLimit). */
export const MAX_ENTRY_BYTES = 65_535;

export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_BYTES) throw new MalformedError(`entry of ${e.length} bytes exceeds ${MAX_ENTRY_BYTES}`);
    n += 2 + e.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const e of entries) {
    out[o] = e.length >> 8;
    out[o + 1] = e.length & 255;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}

/** Splits a bundle into its entries; a truncated entry or more than 256 entries is malformed. */
export function parseBundle(data: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let o = 0;
  while (o < data.length) {
    if (entries.length === 256) throw new MalformedError("entry bundle: more than 256 entries");
    if (o + 2 > data.length) throw new MalformedError("entry bundle: truncated length prefix");
    const len = (data[o]! << 8) | data[o + 1]!;
    if (o + 2 + len > data.length) throw new MalformedError("entry bundle: truncated entry");
    entries.push(data.subarray(o + 2, o + 2 + len));
    o += 2 + len;
  }
  return entries;
}
