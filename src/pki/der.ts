/**
 * A minimal, strict DER reader and writer (ITU-T X.690 §10) for the few structures signature verification needs:
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), RSAPublicKey (RFC 8017 §A.1.1), ECDSA-Sig-Value (RFC 5480 §2.2 / RFC 3279
 * §2.2.3) and the outer layers of an X.509 Certificate (RFC 5280 §4.1).
 *
 * Only DER is accepted: definite lengths in their shortest form, minimal INTEGERs, low-tag-number identifiers. BER
 * leniency would give one key or signature several spellings, and Sigstore verifiers (Go's `encoding/asn1` and
 * `cryptobyte`) reject those spellings, so a log that accepted them would log entries nobody can verify.
 *
 * Errors are {@link DerError}; callers turn them into a SignatureError naming the request field.
 * @module
 */
import { bytesEqual, concatBytes as concat } from "../tlog/encoding.ts";

/** Universal tags used here (X.680 §8.4). */
export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  /** [0] EXPLICIT, constructed: the X.509 `version` field. */
  CONTEXT_0: 0xa0,
} as const;

/** Malformed DER. Internal to src/pki: callers convert it into a SignatureError with their field. */
export class DerError extends Error {
  override name = "DerError";
}

/** One TLV: its identifier octet, its content octets and the whole encoding (both views into the input). */
export interface DerElement {
  tag: number;
  content: Uint8Array;
  raw: Uint8Array;
}

/** Longest length field accepted: 4 octets (lengths < 2^32). Inputs here are at most 64 KiB. */
const MAX_LENGTH_OCTETS = 4;

/** Reads the TLV starting at `offset`. Returns the element and the offset just past it. */
export function readElement(buf: Uint8Array, offset: number): { element: DerElement; next: number } {
  if (offset + 2 > buf.length) throw new DerError("truncated element");
  const tag = buf[offset]!;
  // High-tag-number form (X.690 §8.1.2.4) never occurs in the structures read here.
  if ((tag & 0x1f) === 0x1f) throw new DerError(`unsupported high tag number form 0x${hex2(tag)}`);
  let pos = offset + 1;
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    // 0x80 is BER's indefinite length (X.690 §8.1.3.6), forbidden in DER (§10.1).
    if (n === 0) throw new DerError("indefinite length");
    if (n > MAX_LENGTH_OCTETS) throw new DerError("length field too long");
    if (pos + n > buf.length) throw new DerError("truncated length");
    if (buf[pos] === 0) throw new DerError("non-minimal length (leading zero octet)");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
    // X.690 §10.1: the definite form must use the minimum number of octets.
    if (length < 0x80) throw new DerError("non-minimal length (long form for a short length)");
  }
  const end = pos + length;
  if (end > buf.length) throw new DerError("length exceeds input");
  return { element: { tag, content: buf.subarray(pos, end), raw: buf.subarray(offset, end) }, next: end };
}

/** Parses `bytes` as exactly one element with the given tag and no trailing data. */
export function parseElement(bytes: Uint8Array, tag: number, what: string): DerElement {
  const { element, next } = readElement(bytes, 0);
  if (element.tag !== tag) throw new DerError(`${what}: expected tag 0x${hex2(tag)}, got 0x${hex2(element.tag)}`);
  if (next !== bytes.length) throw new DerError(`${what}: trailing data after the element`);
  return element;
}

/**
 * The children of a constructed element, in order. The loop is bounded by the content length: every child takes at
 * least two octets.
 */
export function readChildren(parent: DerElement): DerElement[] {
  if ((parent.tag & 0x20) === 0) throw new DerError("expected a constructed element");
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < parent.content.length) {
    const { element, next } = readElement(parent.content, offset);
    out.push(element);
    offset = next;
  }
  return out;
}

/** Children of a SEQUENCE, checking its tag and the number of children. */
export function readSequence(el: DerElement, what: string, min: number, max = min): DerElement[] {
  if (el.tag !== TAG.SEQUENCE) throw new DerError(`${what}: expected SEQUENCE`);
  const children = readChildren(el);
  if (children.length < min || children.length > max) {
    throw new DerError(`${what}: expected ${min === max ? min : `${min} to ${max}`} elements, got ${children.length}`);
  }
  return children;
}

/** A non-negative INTEGER in minimal two's complement (X.690 §8.3.2). Negative values are refused. */
export function readUnsignedInteger(el: DerElement, what: string): bigint {
  if (el.tag !== TAG.INTEGER) throw new DerError(`${what}: expected INTEGER`);
  const c = el.content;
  if (c.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if (c.length > 1 && ((c[0] === 0x00 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) {
    throw new DerError(`${what}: non-minimal INTEGER`);
  }
  if (c[0]! >= 0x80) throw new DerError(`${what}: negative INTEGER`);
  return bytesToBigInt(c);
}

/** The payload of a BIT STRING whose length is a whole number of octets (unused-bits octet 0). */
export function readOctetAlignedBitString(el: DerElement, what: string): Uint8Array {
  if (el.tag !== TAG.BIT_STRING) throw new DerError(`${what}: expected BIT STRING`);
  if (el.content.length === 0) throw new DerError(`${what}: empty BIT STRING`);
  if (el.content[0] !== 0) throw new DerError(`${what}: BIT STRING with unused bits`);
  return el.content.subarray(1);
}

// ---------------------------------------------------------------------------------------------------------------
// Writer: canonical DER, used to re-encode what was parsed and compare (one spelling per value).

export function encodeElement(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const header = [tag];
  if (length < 0x80) {
    header.push(length);
  } else {
    const octets: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
    header.push(0x80 | octets.length, ...octets);
  }
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  let o = header.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A non-negative INTEGER, minimal (a 0x00 octet is prepended when the top bit is set). */
export function encodeUnsignedInteger(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError("encodeUnsignedInteger: negative");
  let body = bigIntToBytes(n, 0);
  if (body.length === 0) body = Uint8Array.of(0);
  if (body[0]! >= 0x80) body = concat(Uint8Array.of(0), body);
  return encodeElement(TAG.INTEGER, body);
}

export function encodeBitString(payload: Uint8Array): Uint8Array {
  return encodeElement(TAG.BIT_STRING, Uint8Array.of(0), payload);
}

// ---------------------------------------------------------------------------------------------------------------
// Big-endian byte/bigint helpers shared by the RSA and ECDSA verifiers.

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * I2OSP (RFC 8017 §4.1): `n` as exactly `length` big-endian octets, or as few as needed when `length` is 0.
 * Throws RangeError when `n` does not fit; callers that take `n` from input check the bound first.
 */
export function bigIntToBytes(n: bigint, length: number): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = "0" + hex;
  if (n === 0n) hex = "";
  const size = length === 0 ? hex.length / 2 : length;
  if (hex.length / 2 > size) throw new RangeError("integer too large");
  const out = new Uint8Array(size);
  const start = size - hex.length / 2;
  for (let i = 0; i < hex.length / 2; i++) out[start + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Byte helpers shared with the tlog core (one implementation of each). */
export { concat, bytesEqual };

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
