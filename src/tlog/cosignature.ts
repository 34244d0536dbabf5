/**
 * C2SP tlog-cosignature (tag tlog-cosignature/v1.1.0-rc.1): timestamped cosignatures on checkpoints, of
 * two types, told apart by the key's signature type byte.
 *
 * A cosignature is a signed-note signature line on a checkpoint whose bytes are
 * `u64 BE timestamp (POSIX seconds) || signature`, key ID = SHA-256(name || "\n" || type || pubkey)[:4],
 * vkey `<name>+<hex id>+<base64(type || pubkey)>` (§ Format).
 *
 * - Ed25519, type 0x04: a 64-byte signature over (§ Ed25519 signed message)
 *     "cosignature/v1\n" + "time <timestamp>\n" + <checkpoint text, including extension lines>
 * - ML-DSA-44 (FIPS 204, pure, empty context), type 0x06: a 2420-byte signature over the binary
 *   `cosigned_message` (§ ML-DSA-44 signed message): "subtree/v1\n\0", the cosigner's name (u8 length),
 *   the timestamp (u64), the origin (u8 length), start 0 and end = size (u64 each), the 32-byte root.
 *   Extension lines are not signed: the cosigner says nothing about them. A timestamp of 0 is allowed
 *   and means the cosigner makes no statement about time (§ ML-DSA-44 signed message).
 *
 * Private keys follow Go's note format with the type byte changed: `PRIVATE+KEY+<name>+<hex id>+<base64(type
 * || 32-byte seed)>` (edgelog's convention for witness keys; the type byte keeps a cosigner key from being
 * mistaken for a log key; the ML-DSA-44 seed is FIPS 204's ξ, ML-DSA.KeyGen_internal's input).
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { ml_dsa44 } from "@noble/post-quantum/ml-dsa.js";
import { parseCheckpoint } from "./checkpoint.ts";
import { concatBytes, fromBase64, toBase64, utf8Encode } from "./encoding.ts";
import { MalformedError } from "./errors.ts";
import { isValidKeyName, keyIdFor, type NoteSignature, type NoteVerifier } from "./note.ts";

/** Signature type byte for timestamped Ed25519 cosignatures (C2SP tlog-cosignature). */
export const ALG_COSIGNATURE_V1 = 0x04;
/** Signature type byte for ML-DSA-44 cosignatures (C2SP tlog-cosignature v1.1.0). */
export const ALG_COSIGNATURE_MLDSA44 = 0x06;
/** Key ID (4) + timestamp (8) + Ed25519 signature (64). */
export const COSIGNATURE_BYTES = 76;
/** Key ID (4) + timestamp (8) + ML-DSA-44 signature (2420). */
export const MLDSA44_COSIGNATURE_BYTES = 4 + 8 + 2420;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

export type CosignatureType = "ed25519" | "ml-dsa-44";

/** Per type: its signature type byte, public key and signature sizes (§ Format). */
const TYPES: Record<CosignatureType, { alg: number; publicKeyBytes: number; signatureBytes: number }> = {
  ed25519: { alg: ALG_COSIGNATURE_V1, publicKeyBytes: 32, signatureBytes: 64 },
  "ml-dsa-44": { alg: ALG_COSIGNATURE_MLDSA44, publicKeyBytes: 1312, signatureBytes: 2420 },
};

const typeOfAlg = (alg: number): CosignatureType | undefined =>
  (Object.keys(TYPES) as CosignatureType[]).find((t) => TYPES[t].alg === alg);

const hex8 = (id: number): string => id.toString(16).padStart(8, "0");

export function cosignatureKeyId(name: string, publicKey: Uint8Array, type: CosignatureType = "ed25519"): number {
  return keyIdFor(name, TYPES[type].alg, publicKey);
}

const LABEL_SUBTREE_V1 = utf8Encode("subtree/v1\n\0");

/**
 * The ML-DSA-44 signed message for a checkpoint (§ ML-DSA-44 signed message): the `cosigned_message`
 * with start 0 and end the tree size. Only the origin, size and root of `checkpointText` are signed.
 */
export function mldsaCosignedMessage(cosignerName: string, checkpointText: string, timestamp: number): Uint8Array {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new MalformedError("cosignature timestamp must be a non-negative integer");
  const cp = parseCheckpoint(checkpointText);
  const name = utf8Encode(cosignerName);
  const origin = utf8Encode(cp.origin);
  // opaque cosigner_name<1..2^8-1> and log_origin<1..2^8-1>: a one-byte length, never 0.
  if (name.length < 1 || name.length > 255) throw new MalformedError("ML-DSA-44 cosigner name must be 1 to 255 bytes");
  if (origin.length < 1 || origin.length > 255)
    throw new MalformedError("ML-DSA-44 cosignatures need a log origin of 1 to 255 bytes");
  return concatBytes(
    LABEL_SUBTREE_V1,
    new Uint8Array([name.length]),
    name,
    u64(timestamp),
    new Uint8Array([origin.length]),
    origin,
    u64(0),
    u64(cp.size),
    cp.root,
  );
}

/** The signed message: "cosignature/v1\ntime <t>\n" followed by the checkpoint text (ending in "\n"). */
export function cosignatureMessage(checkpointText: string, timestamp: number): Uint8Array {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new MalformedError("cosignature timestamp must be a non-negative integer");
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
  type: CosignatureType;
  publicKey: Uint8Array;
  /** `<name>+<hex id>+<base64(type || pub)>`. */
  vkey: string;
  /** The signature bytes (timestamp || signature) over the checkpoint text at `timestamp`. */
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
  type: CosignatureType;
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

function parseKey(
  text: string,
  what: string,
  keyBytes: (t: CosignatureType) => number,
): { name: string; keyId: number; type: CosignatureType; key: Uint8Array } {
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
  const type = raw.length > 0 ? typeOfAlg(raw[0]!) : undefined;
  if (type === undefined)
    throw bad(
      `type byte must be 0x04 (Ed25519) or 0x06 (ML-DSA-44), not 0x${(raw[0] ?? 0).toString(16).padStart(2, "0")}`,
    );
  if (raw.length !== 1 + keyBytes(type)) throw bad(`a ${type} key must be a type byte and ${keyBytes(type)} bytes`);
  return { name, keyId: parseInt(hexId, 16) >>> 0, type, key: raw.slice(1) };
}

export function formatCosignatureVerifierKey(
  name: string,
  publicKey: Uint8Array,
  type: CosignatureType = "ed25519",
): string {
  return `${name}+${hex8(cosignatureKeyId(name, publicKey, type))}+${toBase64(concatBytes(new Uint8Array([TYPES[type].alg]), publicKey))}`;
}

/** The public key and the signing function of a seed. */
function keyPair(
  type: CosignatureType,
  seed: Uint8Array,
): { publicKey: Uint8Array; sign: (msg: Uint8Array) => Uint8Array } {
  if (type === "ed25519") return { publicKey: ed25519.getPublicKey(seed), sign: (msg) => ed25519.sign(msg, seed) };
  const { publicKey, secretKey } = ml_dsa44.keygen(seed);
  // FIPS 204 pure ML-DSA with the empty context, hedged (fresh randomness per signature).
  return { publicKey, sign: (msg) => ml_dsa44.sign(msg, secretKey) };
}

/** The message a cosigner of `type` signs (§ Ed25519 signed message, § ML-DSA-44 signed message). */
function signedMessage(type: CosignatureType, name: string, text: string, timestamp: number): Uint8Array {
  return type === "ed25519" ? cosignatureMessage(text, timestamp) : mldsaCosignedMessage(name, text, timestamp);
}

/** Cosigners already made, by private key: a deployment has one or two (witness, mirror). */
const signersByKey = new Map<string, CosignatureSigner>();
const MAX_CACHED_SIGNERS = 8;

/**
 * A cosigner from `PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>` (type 0x04 or 0x06); the key ID must match.
 * Made once per key and isolate: deriving the key pair (an ML-DSA-44 key generation, an Ed25519 base multiplication)
 * costs more than the cosignature the request asks for.
 */
export function newCosignatureSigner(skey: string): CosignatureSigner {
  let signer = signersByKey.get(skey);
  if (signer === undefined) {
    signer = makeCosignatureSigner(skey);
    if (signersByKey.size >= MAX_CACHED_SIGNERS) signersByKey.clear();
    signersByKey.set(skey, signer);
  }
  return signer;
}

function makeCosignatureSigner(skey: string): CosignatureSigner {
  if (!skey.startsWith("PRIVATE+KEY+"))
    throw new MalformedError("malformed witness private key: expected PRIVATE+KEY+<name>+<id>+<base64>");
  const { name, keyId, type, key: seed } = parseKey(skey.slice("PRIVATE+KEY+".length), "witness private key", () => 32);
  const { publicKey, sign } = keyPair(type, seed);
  if (cosignatureKeyId(name, publicKey, type) !== keyId)
    throw new MalformedError("malformed witness private key: key ID does not match");
  const cosign = (text: string, timestamp: number): Uint8Array =>
    concatBytes(u64(timestamp), sign(signedMessage(type, name, text, timestamp)));
  const idBytes = new Uint8Array([keyId >>> 24, (keyId >>> 16) & 255, (keyId >>> 8) & 255, keyId & 255]);
  return {
    name,
    keyId,
    type,
    publicKey,
    vkey: formatCosignatureVerifierKey(name, publicKey, type),
    cosign,
    cosignLine: (text, timestamp) => `\u2014 ${name} ${toBase64(concatBytes(idBytes, cosign(text, timestamp)))}\n`,
  };
}

/**
 * A verifier from a cosignature vkey `<name>+<hex id>+<base64(type || pub)>`, type 0x04 (Ed25519) or 0x06
 * (ML-DSA-44); the key ID must match.
 */
export function newCosignatureVerifier(vkey: string): CosignatureVerifier {
  const { name, keyId, type, key } = parseKey(vkey, "witness verifier key", (t) => TYPES[t].publicKeyBytes);
  if (cosignatureKeyId(name, key, type) !== keyId)
    throw new MalformedError("malformed witness verifier key: key ID does not match");
  const verifySig =
    type === "ed25519"
      ? ed25519.verify
      : (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) => ml_dsa44.verify(sig, msg, pub);
  return {
    name,
    keyId,
    type,
    publicKey: key,
    verify(text, sig) {
      if (sig.length !== 8 + TYPES[type].signatureBytes) return null;
      const t = new DataView(sig.buffer, sig.byteOffset, 8).getBigUint64(0);
      if (t > MAX_TIMESTAMP || t > BigInt(Number.MAX_SAFE_INTEGER)) return null;
      const timestamp = Number(t);
      try {
        return verifySig(sig.subarray(8), signedMessage(type, name, text, timestamp), key) ? timestamp : null;
      } catch {
        return null;
      }
    },
  };
}

/** Makes a cosignature key pair for `name` (random seed unless one is given), Ed25519 unless `type` says otherwise. */
export function generateCosignatureKey(
  name: string,
  seed?: Uint8Array,
  type: CosignatureType = "ed25519",
): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) throw new MalformedError("invalid key name");
  const s = seed ?? crypto.getRandomValues(new Uint8Array(32));
  if (s.length !== 32) throw new MalformedError("seed must be 32 bytes");
  const { publicKey } = keyPair(type, s);
  const id = cosignatureKeyId(name, publicKey, type);
  return {
    skey: `PRIVATE+KEY+${name}+${hex8(id)}+${toBase64(concatBytes(new Uint8Array([TYPES[type].alg]), s))}`,
    vkey: formatCosignatureVerifierKey(name, publicKey, type),
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
