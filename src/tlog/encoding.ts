/**
 * Byte helpers shared by the core: strict base64 (RFC 4648 §4, padded), hex, UTF-8.
 * Strict parsers decode and re-encode, so every value has exactly one accepted spelling.
 * @module
 */
import { MalformedError } from "./errors.ts";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + "=";
  }
  return out;
}

/**
 * `Uint8Array.fromBase64` (ES2026) where the runtime has it (workerd does), else undefined. Looked up by name:
 * the project's ES2024 library does not declare it.
 */
const nativeFromBase64: ((text: string, options: { lastChunkHandling: "strict" }) => Uint8Array) | undefined =
  Reflect.get(Uint8Array, "fromBase64");

/** Strict standard base64 with padding: URL-safe alphabet, missing padding, whitespace and non-zero spare bits
 * are all rejected, so every value has one accepted spelling. Decoding is the runtime's own (`Uint8Array.fromBase64`,
 * else `atob`): request bodies carry up to a megabyte of it. */
export function fromBase64(text: string, what = "base64"): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new MalformedError(`${what}: not standard padded base64`);
  }
  if (nativeFromBase64) {
    try {
      return nativeFromBase64(text, { lastChunkHandling: "strict" }); // strict: non-zero spare bits are refused
    } catch {
      throw new MalformedError(`${what}: non-canonical base64`);
    }
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  // Only the last quantum can have spare bits (with padding): it must re-encode to itself.
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (pad > 0 && toBase64(out.subarray(out.length - (3 - pad))) !== text.slice(-4))
    throw new MalformedError(`${what}: non-canonical base64`);
  return out;
}

// Byte → two hex digits, precomputed: toHex keys every pooled leaf and dedup lookup in the sequencer.
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX_BYTES[bytes[i]!];
  return s;
}

/** Lowercase or uppercase hex of even length. */
export function fromHex(text: string, what = "hex"): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new MalformedError(`${what}: not hex`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8, rejecting invalid sequences. */
export function utf8Decode(bytes: Uint8Array, what = "text"): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new MalformedError(`${what}: invalid UTF-8`);
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
