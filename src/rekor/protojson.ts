/**
 * Strict reading of protobuf-JSON (protojson) requests, as grpc-gateway decodes them for rekor-tiles
 * (DiscardUnknown: false): a field may be spelled in lowerCamelCase or with its proto name, unknown
 * fields are errors, bytes are base64 (standard or URL-safe, padded or not), enums are names or numbers.
 * @module
 */
import { RequestError } from "./errors.ts";

export type JsonObject = Record<string, unknown>;

/** field JSON name → proto name (both spellings are accepted, never both at once). */
export type FieldSpec = Record<string, string>;

/** Reads an object with exactly the given fields (all optional here; callers check presence). */
export function readMessage(value: unknown, fields: FieldSpec, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new RequestError(`${where}: expected an object`);
  const out: Record<string, unknown> = {};
  const byName = new Map<string, string>();
  for (const [json, proto] of Object.entries(fields)) {
    byName.set(json, json);
    byName.set(proto, json);
  }
  for (const [key, v] of Object.entries(value as JsonObject)) {
    const field = byName.get(key);
    if (field === undefined) throw new RequestError(`${where}: unknown field ${JSON.stringify(key)}`);
    if (field in out) throw new RequestError(`${where}: field ${field} given twice`);
    if (v !== null) out[field] = v; // protojson: null means "not set"
  }
  return out;
}

export function requireField(msg: Record<string, unknown>, field: string, where: string): unknown {
  const v = msg[field];
  if (v === undefined) throw new RequestError(`${where}.${field} is required`);
  return v;
}

/** protojson bytes: standard or URL-safe base64, with or without padding. */
export function readBytes(value: unknown, where: string): Uint8Array {
  if (typeof value !== "string") throw new RequestError(`${where}: expected base64 bytes`);
  const std = value.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(std) || std.replace(/=+$/, "").length % 4 === 1) {
    throw new RequestError(`${where}: invalid base64`);
  }
  const unpadded = std.replace(/=+$/, "");
  const padded = unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4);
  if (std.includes("=") && std !== padded) throw new RequestError(`${where}: invalid base64 padding`);
  const bin = atob(padded);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** protojson enum: the value's name, or its number. */
export function readEnum<T extends string>(
  value: unknown,
  names: readonly T[],
  numbers: Record<number, T>,
  where: string,
): T {
  if (typeof value === "string" && (names as readonly string[]).includes(value)) return value as T;
  if (typeof value === "number" && numbers[value] !== undefined) return numbers[value]!;
  throw new RequestError(`${where}: unsupported value ${JSON.stringify(value)}`);
}

export function readString(value: unknown, where: string): string {
  if (typeof value !== "string") throw new RequestError(`${where}: expected a string`);
  // protojson (Go) refuses unpaired surrogate escapes; they have no UTF-8 form.
  if (!value.isWellFormed()) throw new RequestError(`${where}: not valid Unicode (it contains a lone surrogate)`);
  return value;
}

export function readArray(value: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw new RequestError(`${where}: expected an array`);
  if (value.length > max) throw new RequestError(`${where}: at most ${max} items`);
  return value;
}
