/**
 * OpenPGP framing without a library (RFC 9580 §6 ASCII armor, §4.2 packet headers, §5.5.4 fingerprints), kept
 * synchronous and small so the search index can take key fingerprints and user-ID e-mails from a logged entry
 * without parsing keys: `pgpKeyFacts` walks the packets of a public key (armored or binary) and reads only what
 * the index needs. Verification is openpgp.js's job (pgp.ts).
 *
 * `goArmor` writes armor exactly as Go's OpenPGP armor encoder does (ProtonMail/go-crypto `armor.Encode`, no
 * headers), because Rekor's canonical rekord entries hold PGP keys and binary signatures in that form.
 * @module
 */
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { fromBase64, toBase64, toHex } from "../tlog/encoding.ts";
import { SignatureError, type SignatureField } from "./errors.ts";

/** Packet tags used here (RFC 9580 §5). */
export const PGP_TAG = {
  signature: 2,
  secretKey: 5,
  publicKey: 6,
  secretSubkey: 7,
  userId: 13,
  publicSubkey: 14,
} as const;

export interface PgpPacket {
  tag: number;
  body: Uint8Array;
}

/** CRC-24 of RFC 9580 §6.1.1 (init 0xB704CE, polynomial 0x1864CFB). */
function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of data) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/**
 * Go's armor: "-----BEGIN T-----", an empty header section, base64 in 64-character lines, "=" and the CRC-24,
 * "-----END T-----" with no newline after it.
 */
export function goArmor(type: "PGP SIGNATURE" | "PGP PUBLIC KEY BLOCK", data: Uint8Array): string {
  const b64 = toBase64(data);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  const crc = crc24(data);
  const sum = toBase64(Uint8Array.of(crc >>> 16, (crc >>> 8) & 0xff, crc & 0xff));
  return `-----BEGIN ${type}-----\n\n${lines.join("\n")}\n=${sum}\n-----END ${type}-----`;
}

/** Whether bytes start as armor does (Rekor tells armored PGP keys from binary ones by this prefix). */
export function looksArmored(bytes: Uint8Array): boolean {
  const prefix = "-----BEGIN PGP";
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/**
 * Decodes one armored block: its type and binary contents. Text other than whitespace before BEGIN or after END,
 * a missing END, bad base64 or a CRC-24 that does not match are refused.
 */
export function dearmor(text: string, field: SignatureField): { type: string; data: Uint8Array } {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/[ \t]+$/, ""));
  let i = 0;
  while (i < lines.length && lines[i] === "") i++;
  const begin = /^-----BEGIN (PGP [A-Z ,0-9/]+)-----$/.exec(lines[i] ?? "");
  if (begin === null) throw new SignatureError(field, "not an ASCII-armored OpenPGP block");
  const type = begin[1]!;
  i++;
  // Armor headers ("Key: value") run until the first empty line.
  while (i < lines.length && lines[i] !== "") {
    if (!/^[^:\s]+: /.test(lines[i]!)) throw new SignatureError(field, "malformed armor header");
    i++;
  }
  i++;
  let body = "";
  let checksum: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === `-----END ${type}-----`) break;
    if (line.startsWith("=") && line.length === 5) checksum = line.slice(1);
    else if (checksum === undefined) body += line;
    else throw new SignatureError(field, "armor: text after the checksum line");
  }
  if (i >= lines.length) throw new SignatureError(field, `armor: no "-----END ${type}-----" line`);
  for (const rest of lines.slice(i + 1))
    if (rest !== "") throw new SignatureError(field, "armor: text after the END line");
  let data: Uint8Array;
  try {
    data = fromBase64(body);
  } catch {
    throw new SignatureError(field, "armor: invalid base64");
  }
  if (checksum !== undefined) {
    let sum: Uint8Array;
    try {
      sum = fromBase64(checksum);
    } catch {
      throw new SignatureError(field, "armor: invalid checksum line");
    }
    const crc = crc24(data);
    if (sum[0] !== crc >>> 16 || sum[1] !== ((crc >>> 8) & 0xff) || sum[2] !== (crc & 0xff))
      throw new SignatureError(field, "armor: CRC-24 checksum mismatch");
  }
  return { type, data };
}

/**
 * Splits binary OpenPGP data into packets (old and new header formats; partial body lengths, which only data
 * packets may use, are refused).
 */
export function readPackets(data: Uint8Array, field: SignatureField): PgpPacket[] {
  const out: PgpPacket[] = [];
  let p = 0;
  const fail = (why: string): never => {
    throw new SignatureError(field, `malformed OpenPGP packet: ${why}`);
  };
  while (p < data.length) {
    const h = data[p++]!;
    if ((h & 0x80) === 0) fail("bad header byte");
    let tag: number;
    let len: number;
    if (h & 0x40) {
      tag = h & 0x3f;
      const b0 = data[p++] ?? fail("truncated header");
      if (b0 < 192) len = b0;
      else if (b0 < 224) len = ((b0 - 192) << 8) + (data[p++] ?? fail("truncated header")) + 192;
      else if (b0 === 255) {
        if (p + 4 > data.length) fail("truncated header");
        len = ((data[p]! << 24) | (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!) >>> 0;
        p += 4;
      } else len = fail("partial body lengths are not allowed here");
    } else {
      tag = (h >> 2) & 0x0f;
      const lt = h & 3;
      if (lt === 3) fail("indeterminate lengths are not allowed here");
      const n = 1 << lt;
      if (p + n > data.length) fail("truncated header");
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + data[p + k]!;
      p += n;
    }
    if (p + len > data.length) fail("truncated body");
    out.push({ tag, body: data.subarray(p, p + len) });
    p += len;
  }
  return out;
}

/** RFC 9580 §5.5.4: v4 SHA-1(0x99 ‖ len16 ‖ body), v5 SHA-256(0x9A ‖ len32 ‖ body), v6 SHA-256(0x9B ‖ len32 ‖ body). */
export function keyFingerprint(body: Uint8Array): string {
  const version = body[0];
  const n = body.length;
  if (version === 4) {
    const buf = new Uint8Array(3 + n);
    buf.set([0x99, n >> 8, n & 0xff]);
    buf.set(body, 3);
    return toHex(sha1(buf));
  }
  if (version === 5 || version === 6) {
    const buf = new Uint8Array(5 + n);
    buf.set([version === 5 ? 0x9a : 0x9b, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    buf.set(body, 5);
    return toHex(sha256(buf));
  }
  throw new SignatureError("publicKey", `unsupported OpenPGP key version ${version}`);
}

/** The e-mail address in a user ID: "Name <addr>", or the whole ID if it is a bare address; else null. */
export function userIdEmail(userId: string): string | null {
  const m = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(userId) ?? /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(userId);
  return m ? m[1]! : null;
}

export interface PgpKeyFacts {
  /** Fingerprints of the primary keys, in order (lowercase hex). */
  primary: string[];
  /** Fingerprints of the subkeys. */
  subkeys: string[];
  /** E-mail addresses of the user IDs, as written. */
  emails: string[];
}

/** Fingerprints and user-ID e-mails of a public key, armored (Go's armor or any other) or binary. */
export function pgpKeyFacts(content: Uint8Array): PgpKeyFacts {
  const data = looksArmored(content) ? dearmor(new TextDecoder().decode(content), "publicKey").data : content;
  const facts: PgpKeyFacts = { primary: [], subkeys: [], emails: [] };
  for (const pkt of readPackets(data, "publicKey")) {
    if (pkt.tag === PGP_TAG.publicKey || pkt.tag === PGP_TAG.secretKey) facts.primary.push(keyFingerprint(pkt.body));
    else if (pkt.tag === PGP_TAG.publicSubkey || pkt.tag === PGP_TAG.secretSubkey)
      facts.subkeys.push(keyFingerprint(pkt.body));
    else if (pkt.tag === PGP_TAG.userId) {
      const email = userIdEmail(new TextDecoder().decode(pkt.body));
      if (email !== null) facts.emails.push(email);
    }
  }
  if (facts.primary.length === 0) throw new SignatureError("publicKey", "no OpenPGP primary key packet");
  return facts;
}
