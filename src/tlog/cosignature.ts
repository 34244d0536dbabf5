/**
 * C2SP tlog-cosignature (tag tlog-cosignature/v1.0.1): timestamped Ed25519 cosignatures on checkpoints.
 *
 * A cosignature is a signed-note signature line on a checkpoint whose bytes are
 * `u64 BE timestamp (POSIX seconds) || Ed25519 signature(64)` over the message
 *
 *   "cosignature/v1\n" + "time <timestamp>\n" + <checkpoint text, including extension lines>
 *
 * Keys use signature type byte 0x04: key ID = SHA-256(name || "\n" || 0x04 || pubkey)[:4];
 * vkey `<name>+<hex id>+<base64(0x04 || pubkey)>`. Private keys follow Go's note format with the
 * type byte changed: `PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || 32-byte seed)>` (edgelog's
 * convention for witness keys; the 0x04 byte keeps a cosigner key from being mistaken for a log key).
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { concatBytes, fromBase64, toBase64, utf8Encode } from "./encoding.ts";
import { MalformedError } from "./errors.ts";
import { isValidKeyName, keyIdFor, type NoteSignature, type NoteVerifier } from "./note.ts";

/** Signature type byte for timestamped Ed25519 cosignatures (C2SP tlog-cosignature). */
export const ALG_COSIGNATURE_V1 = 0x04;
/** Key ID (4) + timestamp (8) + Ed25519 signature (64). */
export const COSIGNATURE_BYTES = 76;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

const hex8 = (id: number): string => id.toString(16).padStart(8, "0");

export function cosignatureKeyId(name: string, publicKey: Uint8Array): number {
  return keyIdFor(name, ALG_COSIGNATURE_V1, publicKey);
}

/** The signed message: "cosignature/v1\ntime <t>\n" followed by the checkpoint text (ending in "\n"). */
export function cosignatureMessage(checkpointText: string, timestamp: number): Uint8Array {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new MalformedError("cosignature timestamp must be a non-negative integer");
  if (!checkpointText.endsWith("\n")) throw new MalformedError("checkpoint text must end in a newline");
  return utf8Encode(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

export interface CosignatureSigner {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  /** `<name>+<hex id>+<base64(0x04 || pub)>`. */
  vkey: string;
  /** The signature bytes (timestamp || Ed25519 signature) over the checkpoint text at `timestamp`. */
  cosign(checkpointText: string, timestamp: number): Uint8Array;
  /** The full signature line `— <name> <base64(keyID || timestamp || sig)>\n`. */
  cosignLine(checkpointText: string, timestamp: number): string;
}

export interface VerifiedCosignature {
  name: string;
  keyId: number;
  timestamp: number;
}

export interface CosignatureVerifier {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  /** Verifies signature bytes (without the key ID) over the checkpoint text; returns the timestamp or null. */
  verify(checkpointText: string, sig: Uint8Array): number | null;
}

function splitKey(text: string, what: string): [string, string, string] {
  const a = text.indexOf("+");
  const b = a < 0 ? -1 : text.indexOf("+", a + 1);
  if (b < 0) throw new MalformedError(`malformed ${what}`);
  return [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
}

function parseKey(text: string, what: string): { name: string; keyId: number; key: Uint8Array } {
  const [name, hexId, b64] = splitKey(text, what);
  const bad = (why: string) => new MalformedError(`malformed ${what}: ${why}`);
  if (!isValidKeyName(name)) throw bad("invalid key name");
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw bad("key ID must be 8 lowercase hex digits");
  let raw: Uint8Array;
  try {
    raw = fromBase64(b64);
  } catch {
    throw bad("key is not base64");
  }
  if (raw.length !== 33) throw bad("key must be a type byte and 32 bytes");
  if (raw[0] !== ALG_COSIGNATURE_V1) throw bad(`type byte must be 0x04 (cosignature/v1), not 0x${raw[0]!.toString(16).padStart(2, "0")}`);
  return { name, keyId: parseInt(hexId, 16) >>> 0, key: raw.slice(1) };
}

export function formatCosignatureVerifierKey(name: string, publicKey: Uint8Array): string {
  return `${name}+${hex8(cosignatureKeyId(name, publicKey))}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), publicKey))}`;
}

/** A cosigner from `PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || seed)>`; the key ID must match. */
export function newCosignatureSigner(skey: string): CosignatureSigner {
  if (!skey.startsWith("PRIVATE+KEY+")) throw new MalformedError("malformed witness private key: expected PRIVATE+KEY+<name>+<id>+<base64>");
  const { name, keyId, key: seed } = parseKey(skey.slice("PRIVATE+KEY+".length), "witness private key");
  const publicKey = ed25519.getPublicKey(seed);
  if (cosignatureKeyId(name, publicKey) !== keyId) throw new MalformedError("malformed witness private key: key ID does not match");
  const cosign = (text: string, timestamp: number): Uint8Array => {
    const sig = ed25519.sign(cosignatureMessage(text, timestamp), seed);
    return concatBytes(u64(timestamp), sig);
  };
  const idBytes = new Uint8Array([keyId >>> 24, (keyId >>> 16) & 255, (keyId >>> 8) & 255, keyId & 255]);
  return {
    name,
    keyId,
    publicKey,
    vkey: formatCosignatureVerifierKey(name, publicKey),
    cosign,
    cosignLine: (text, timestamp) => `\u2014 ${name} ${toBase64(concatBytes(idBytes, cosign(text, timestamp)))}\n`,
  };
}

/** A verifier from a cosignature vkey `<name>+<hex id>+<base64(0x04 || pub)>`; the key ID must match. */
export function newCosignatureVerifier(vkey: string): CosignatureVerifier {
  const { name, keyId, key } = parseKey(vkey, "witness verifier key");
  if (cosignatureKeyId(name, key) !== keyId) throw new MalformedError("malformed witness verifier key: key ID does not match");
  return {
    name,
    keyId,
    publicKey: key,
    verify(text, sig) {
      if (sig.length !== 8 + 64) return null;
      const t = new DataView(sig.buffer, sig.byteOffset, 8).getBigUint64(0);
      if (t > MAX_TIMESTAMP || t > BigInt(Number.MAX_SAFE_INTEGER)) return null;
      const timestamp = Number(t);
      try {
        return ed25519.verify(sig.subarray(8), cosignatureMessage(text, timestamp), key) ? timestamp : null;
      } catch {
        return null;
      }
    },
  };
}

/** Makes a cosignature key pair for `name` (random seed unless one is given). */
export function generateCosignatureKey(name: string, seed?: Uint8Array): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) throw new MalformedError("invalid key name");
  const s = seed ?? crypto.getRandomValues(new Uint8Array(32));
  if (s.length !== 32) throw new MalformedError("seed must be 32 bytes");
  const pub = ed25519.getPublicKey(s);
  const id = cosignatureKeyId(name, pub);
  return {
    skey: `PRIVATE+KEY+${name}+${hex8(id)}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), s))}`,
    vkey: formatCosignatureVerifierKey(name, pub),
  };
}

/**
 * Checks the cosignatures among a note's signature lines: for each verifier, the signature with its
 * name and key ID (if any). Returns the ones that verify; a present but failing one is reported too.
 */
export function verifyCosignatures(
  checkpointText: string,
  sigs: readonly NoteSignature[],
  verifiers: readonly CosignatureVerifier[],
): { valid: VerifiedCosignature[]; invalid: { name: string; keyId: number }[] } {
  const valid: VerifiedCosignature[] = [];
  const invalid: { name: string; keyId: number }[] = [];
  for (const s of sigs) {
    const v = verifiers.find((k) => k.name === s.name && k.keyId === s.keyId);
    if (!v) continue;
    const t = v.verify(checkpointText, s.sig);
    if (t === null) invalid.push({ name: s.name, keyId: s.keyId });
    else valid.push({ name: s.name, keyId: s.keyId, timestamp: t });
  }
  return { valid, invalid };
}

/** A cosignature verifier as a signed-note verifier (for openNote): checks the timestamped signature. */
export function cosignatureNoteVerifier(v: CosignatureVerifier): NoteVerifier {
  return {
    name: v.name,
    keyId: v.keyId,
    verify: (msg, sig) => v.verify(new TextDecoder().decode(msg), sig) !== null,
  };
}
