/**
 * Reading Rekor v1 (go-swagger) JSON strictly: the schemas set additionalProperties: false.
 * @module
 */
import { MalformedError } from "../../tlog/errors.ts";
import { fromBase64 } from "../../tlog/encoding.ts";
import { RequestError } from "../errors.ts";

export function obj(value: unknown, fields: readonly string[], where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new RequestError(`${where}: expected an object`);
  for (const k of Object.keys(value))
    if (!fields.includes(k)) throw new RequestError(`${where}: unknown field ${JSON.stringify(k)}`);
  return value as Record<string, unknown>;
}

export function str(o: Record<string, unknown>, field: string, where: string): string {
  const v = o[field];
  if (typeof v !== "string" || v === "") throw new RequestError(`${where}.${field} is required (a non-empty string)`);
  // JSON escapes can spell lone surrogates, which have no UTF-8 form: the canonical body (RFC 8785) cannot hold them.
  if (!v.isWellFormed())
    throw new RequestError(`${where}.${field} is not valid Unicode (it contains a lone surrogate)`);
  return v;
}

/** strfmt.Base64: standard base64 (Go's StdEncoding, padded). */
export function b64(o: Record<string, unknown>, field: string, where: string): Uint8Array {
  const v = str(o, field, where);
  try {
    return fromBase64(v);
  } catch (e) {
    if (e instanceof MalformedError) throw new RequestError(`${where}.${field}: invalid base64`);
    throw e;
  }
}

export function arr(o: Record<string, unknown>, field: string, where: string, max: number): unknown[] {
  const v = o[field];
  if (!Array.isArray(v) || v.length === 0) throw new RequestError(`${where}.${field} is required (a non-empty array)`);
  if (v.length > max) throw new RequestError(`${where}.${field}: at most ${max} items`);
  return v;
}
