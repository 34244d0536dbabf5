/**
 * minisign (and signify) public keys and signatures for Rekor v1 `rekord` entries (sigstore/rekor
 * pkg/pki/minisign, jedisct1/go-minisign), with Rekor's canonical forms:
 *
 * - key: base64 of `algorithm(2) ‖ key id(8) ‖ Ed25519 key(32)` — no comment line, no newline. Accepted as the
 *   two-line `.pub` file, the base64 line alone, or (Rekor's legacy form) the 32 raw key bytes (key id zero);
 * - signature: `"untrusted comment:\n" ‖ base64(algorithm ‖ key id ‖ signature)` — the trusted comment and its
 *   global signature are not kept. Accepted as minisign's four lines or signify's two.
 *
 * Algorithms: "Ed" signs the data itself (legacy, `minisign -l`), "ED" signs its BLAKE2b-512 hash (minisign's
 * default since 0.8). Verification uses src/pki's Ed25519. Like `minisign -V` and stricter than Rekor, which only
 * checks the data signature: the key ids must match (unless the key came as raw bytes, which have none) and a
 * trusted comment's global signature must verify.
 * @module
 */
import { blake2b } from "@noble/hashes/blake2.js";
import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8Decode, utf8Encode } from "../tlog/encoding.ts";
import { SignatureError } from "./errors.ts";
import { parseSpki, type PublicKeyInfo } from "./keys.ts";
import { verifyMessageSignature } from "./verify.ts";

/** DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410 §4): the key goes through src/pki's parser. */
const ED25519_SPKI_PREFIX = fromHex("302a300506032b6570032100");
const MAX_TEXT = 4096;

export interface MinisignPublicKey {
  algorithm: string;
  keyId: Uint8Array;
  key: PublicKeyInfo;
  /** Rekor's canonical value (base64 text). */
  canonical: Uint8Array;
}

export interface MinisignSignature {
  /** "Ed" (pure) or "ED" (BLAKE2b-512 prehashed). */
  algorithm: "Ed" | "ED";
  keyId: Uint8Array;
  signature: Uint8Array;
  /** The trusted comment (after "trusted comment: ") and its global signature; absent for signify's format. */
  trusted?: { comment: string; globalSignature: Uint8Array };
  /** Rekor's canonical value. */
  canonical: Uint8Array;
}

function text(bytes: Uint8Array, field: "publicKey" | "signature"): string {
  if (bytes.length === 0) throw new SignatureError(field, "empty");
  if (bytes.length > MAX_TEXT) throw new SignatureError(field, `larger than ${MAX_TEXT} bytes`);
  try {
    return utf8Decode(bytes);
  } catch {
    throw new SignatureError(field, "minisign data must be UTF-8 text");
  }
}

function b64(line: string, length: number, field: "publicKey" | "signature", what: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = fromBase64(line.trim());
  } catch {
    throw new SignatureError(field, `${what}: invalid base64`);
  }
  if (out.length !== length) throw new SignatureError(field, `${what}: ${out.length} bytes, want ${length}`);
  return out;
}

function ed25519Key(raw: Uint8Array): PublicKeyInfo {
  try {
    return parseSpki(concatBytes(ED25519_SPKI_PREFIX, raw));
  } catch (e) {
    if (e instanceof SignatureError) throw new SignatureError("publicKey", `minisign key: ${e.message}`);
    throw e;
  }
}

/** Human form of a key id, as minisign prints it (a little-endian 64-bit number in hex), lowercased. */
export function minisignKeyIdHex(keyId: Uint8Array): string {
  return toHex(keyId.slice().reverse());
}

/** @throws SignatureError (field "publicKey"). */
export function parseMinisignPublicKey(bytes: Uint8Array): MinisignPublicKey {
  let bin: Uint8Array;
  if (bytes.length === 32) {
    // Rekor's legacy canonical form: the bare key, algorithm "Ed", key id zero.
    bin = concatBytes(utf8Encode("Ed"), new Uint8Array(8), bytes);
  } else {
    const lines = text(bytes, "publicKey")
      .split("\n")
      .map((l) => l.replace(/\r$/, ""));
    while (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    if (lines.length === 2 && !lines[0]!.startsWith("untrusted comment:"))
      throw new SignatureError("publicKey", 'minisign key: the first line must be an "untrusted comment:"');
    if (lines.length > 2)
      throw new SignatureError("publicKey", "minisign key: expected the .pub file's two lines or its base64 line");
    bin = b64(lines[lines.length - 1]!, 42, "publicKey", "minisign key");
  }
  const algorithm = String.fromCharCode(bin[0]!, bin[1]!);
  if (algorithm !== "Ed")
    throw new SignatureError("publicKey", `minisign key algorithm ${JSON.stringify(algorithm)} is not "Ed"`);
  return { algorithm, keyId: bin.slice(2, 10), key: ed25519Key(bin.slice(10)), canonical: utf8Encode(toBase64(bin)) };
}

/** @throws SignatureError (field "signature"). */
export function parseMinisignSignature(bytes: Uint8Array): MinisignSignature {
  const lines = text(bytes, "signature")
    .split("\n")
    .map((l) => l.replace(/\r$/, ""));
  while (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length !== 4 && lines.length !== 2)
    throw new SignatureError(
      "signature",
      `minisign signature: ${lines.length} lines, want 4 (minisign) or 2 (signify)`,
    );
  if (!lines[0]!.startsWith("untrusted comment:"))
    throw new SignatureError("signature", 'minisign signature: the first line must be an "untrusted comment:"');
  const bin = b64(lines[1]!, 74, "signature", "minisign signature");
  const algorithm = String.fromCharCode(bin[0]!, bin[1]!);
  if (algorithm !== "Ed" && algorithm !== "ED")
    throw new SignatureError(
      "signature",
      `minisign signature algorithm ${JSON.stringify(algorithm)} is not "Ed" or "ED"`,
    );
  let trusted: MinisignSignature["trusted"];
  if (lines.length === 4) {
    if (!lines[2]!.startsWith("trusted comment: "))
      throw new SignatureError("signature", 'minisign signature: the third line must start "trusted comment: "');
    trusted = {
      comment: lines[2]!.slice("trusted comment: ".length),
      globalSignature: b64(lines[3]!, 64, "signature", "minisign global signature"),
    };
  }
  return {
    algorithm,
    keyId: bin.slice(2, 10),
    signature: bin.slice(10),
    ...(trusted ? { trusted } : {}),
    canonical: utf8Encode(`untrusted comment:\n${toBase64(bin)}`),
  };
}

/** Verifies a minisign signature over `data`. @throws SignatureError (field "signature"). */
export async function verifyMinisignSignature(
  sig: MinisignSignature,
  key: MinisignPublicKey,
  data: Uint8Array,
): Promise<void> {
  const legacyKey = key.keyId.every((b) => b === 0);
  if (!legacyKey && toHex(sig.keyId) !== toHex(key.keyId)) {
    throw new SignatureError(
      "signature",
      `minisign signature is by key ${minisignKeyIdHex(sig.keyId)}, not ${minisignKeyIdHex(key.keyId)}`,
    );
  }
  const signed = sig.algorithm === "ED" ? blake2b(data, { dkLen: 64 }) : data;
  await check(key.key, signed, sig.signature, "minisign signature does not verify the data with the given key");
  if (sig.trusted) {
    const global = concatBytes(sig.signature, utf8Encode(sig.trusted.comment));
    await check(
      key.key,
      global,
      sig.trusted.globalSignature,
      "minisign trusted comment: its global signature does not verify",
    );
  }
}

async function check(key: PublicKeyInfo, message: Uint8Array, signature: Uint8Array, problem: string): Promise<void> {
  try {
    await verifyMessageSignature(key, null, message, signature);
  } catch (e) {
    if (e instanceof SignatureError) throw new SignatureError("signature", problem);
    throw e;
  }
}
