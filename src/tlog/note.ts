/**
 * C2SP signed-note (tag signed-note/v1.0.0) with Ed25519 keys, compatible with golang/mod sumdb/note.
 *
 * A note is UTF-8 text ending in "\n", a blank line, then signature lines
 * `— <key name> <base64(4-byte key ID || signature)>\n` (U+2014 EM DASH, space). Verifier keys are
 * `<name>+<8 hex key ID>+<base64(0x01 || 32-byte public key)>`; private keys use Go's
 * `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>`. The key ID is
 * SHA-256(name || "\n" || 0x01 || public key)[:4], big-endian.
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { ed25519SignNative, ed25519Verify, ed25519VerifyNative } from "./ed25519.ts";
import { concatBytes, fromBase64, toBase64, utf8Encode } from "./encoding.ts";
import { MalformedError, ProofError } from "./errors.ts";
import { sha256Bytes } from "./hash.ts";

/** Signature algorithm byte for Ed25519 note signatures (C2SP signed-note). */
export const ALG_ED25519 = 0x01;
/** Bounded work on hostile input: golang/mod sumdb/note rejects notes with more than 100 signatures. */
export const MAX_NOTE_SIGNATURES = 100;
/** Bounded work: notes larger than this are rejected before parsing (checkpoints are a few hundred bytes). */
export const MAX_NOTE_BYTES = 1 << 20;

export interface NoteSignature {
  name: string;
  keyId: number;
  /** Signature bytes without the 4-byte key ID. */
  sig: Uint8Array;
}

export interface Note {
  /** The signed text, including its final newline. */
  text: string;
  sigs: NoteSignature[];
}

/** A note that verified: the signatures by known keys, and the others (unknown keys, ignored). */
export interface OpenedNote extends Note {
  unverifiedSigs: NoteSignature[];
}

export interface NoteSigner {
  name: string;
  keyId: number;
  sign(message: Uint8Array): Uint8Array;
  /** The same signature from the platform's native crypto where it has one (see ed25519.ts). */
  signAsync?(message: Uint8Array): Promise<Uint8Array>;
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  verify(message: Uint8Array, sig: Uint8Array): boolean;
  /** The same check with the platform's native crypto where it has one (see ed25519.ts). */
  verifyAsync?(message: Uint8Array, sig: Uint8Array): Promise<boolean>;
}

const EM_DASH_PREFIX = "\u2014 ";

/** Key names are non-empty, with no Unicode spaces and no "+" (C2SP signed-note). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasForbiddenChars(name);
}

/** ASCII control characters other than "\n", and lone surrogates (not valid UTF-8). */
function hasForbiddenChars(text: string): boolean {
  return /[\u0000-\u0009\u000b-\u001f\u007f]/.test(text) || !text.isWellFormed();
}

/**
 * The key hash SHA-256(name || 0x0A || algorithm byte || key bytes): its first 4 bytes are the key ID;
 * whole, it is the log ID clients see (Rekor v2 `logId.keyId`, TrustedRoot `checkpointKeyId`).
 */
export function keyHash(name: string, alg: number, key: Uint8Array): Uint8Array {
  return sha256Bytes(concatBytes(utf8Encode(name), new Uint8Array([0x0a, alg]), key));
}

/** Key ID = keyHash(...)[:4] as a big-endian uint32. */
export function keyIdFor(name: string, alg: number, key: Uint8Array): number {
  const h = keyHash(name, alg, key);
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

export function ed25519KeyId(name: string, publicKey: Uint8Array): number {
  return keyIdFor(name, ALG_ED25519, publicKey);
}

const hex8 = (id: number): string => id.toString(16).padStart(8, "0");

/** Parses a signed note strictly; signatures are not checked here (see openNote). */
export function parseNote(msg: string): Note {
  const bad = (why: string) => new MalformedError(`malformed note: ${why}`);
  if (msg.length > MAX_NOTE_BYTES) throw bad("too large");
  if (hasForbiddenChars(msg)) throw bad("contains control characters or invalid UTF-8");
  if (!msg.endsWith("\n")) throw bad("does not end in a newline");
  const split = msg.lastIndexOf("\n\n");
  if (split < 0) throw bad("no blank line before the signatures");
  const text = msg.slice(0, split + 1);
  const lines = msg.slice(split + 2, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES) throw bad(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const sigs = lines.map((line) => {
    if (!line.startsWith(EM_DASH_PREFIX)) throw bad("signature line does not start with an em dash");
    const fields = line.slice(EM_DASH_PREFIX.length).split(" ");
    if (fields.length !== 2) throw bad("signature line must be '— <name> <base64>'");
    const [name, b64] = fields as [string, string];
    if (!isValidKeyName(name)) throw bad("invalid key name");
    const raw = fromBase64(b64, "note signature");
    if (raw.length < 5) throw bad("signature too short");
    const keyId = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    return { name, keyId, sig: raw.slice(4) };
  });
  return { text, sigs };
}

export function formatSignatureLine(s: NoteSignature): string {
  const id = new Uint8Array([s.keyId >>> 24, (s.keyId >>> 16) & 255, (s.keyId >>> 8) & 255, s.keyId & 255]);
  return `${EM_DASH_PREFIX}${s.name} ${toBase64(concatBytes(id, s.sig))}\n`;
}

export function formatNote(note: Note): string {
  return note.text + "\n" + note.sigs.map(formatSignatureLine).join("");
}

function checkText(text: string): void {
  if (!text.endsWith("\n") || hasForbiddenChars(text) || text.includes("\n\n") || text.startsWith("\n")) {
    throw new MalformedError("note text must be non-empty lines, each ending in a newline");
  }
}

/** Signs `text` (which must end in "\n") with every signer, in order. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  const msg = utf8Encode(text);
  return formatNote({ text, sigs: signers.map((s) => ({ name: s.name, keyId: s.keyId, sig: s.sign(msg) })) });
}

/** signNote with each signer's native signing where it has one (signAsync): the same note. */
export async function signNoteAsync(text: string, signers: readonly NoteSigner[]): Promise<string> {
  checkText(text);
  const msg = utf8Encode(text);
  const sigs = await Promise.all(
    signers.map(async (s) => ({
      name: s.name,
      keyId: s.keyId,
      sig: s.signAsync ? await s.signAsync(msg) : s.sign(msg),
    })),
  );
  return formatNote({ text, sigs });
}

/**
 * Parses and verifies a note. Signatures from keys not in `verifiers` are ignored; a signature
 * from a known key that fails rejects the whole note; at least one known key must have signed.
 */
export function openNote(msg: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { note, body, known, unverifiedSigs } = sortSignatures(msg, verifiers);
  for (const [s, v] of known) if (!v.verify(body, s.sig)) throw invalidSignature(s);
  return opened(note, known, unverifiedSigs);
}

/** openNote with each verifier's native check where it has one (verifyAsync). */
export async function openNoteAsync(msg: string, verifiers: readonly NoteVerifier[]): Promise<OpenedNote> {
  const { note, body, known, unverifiedSigs } = sortSignatures(msg, verifiers);
  for (const [s, v] of known)
    if (!(await (v.verifyAsync ? v.verifyAsync(body, s.sig) : v.verify(body, s.sig)))) throw invalidSignature(s);
  return opened(note, known, unverifiedSigs);
}

/** The note parsed, its signatures paired with the verifier of their key, or set aside (unknown keys). */
function sortSignatures(msg: string, verifiers: readonly NoteVerifier[]) {
  const note = parseNote(msg);
  const known: [NoteSignature, NoteVerifier][] = [];
  const unverifiedSigs: NoteSignature[] = [];
  for (const s of note.sigs) {
    const v = verifiers.find((k) => k.name === s.name && k.keyId === s.keyId);
    if (v) known.push([s, v]);
    else unverifiedSigs.push(s);
  }
  return { note, body: utf8Encode(note.text), known, unverifiedSigs };
}

const invalidSignature = (s: NoteSignature) => new ProofError(`invalid signature by ${s.name}+${hex8(s.keyId)}`);

function opened(note: Note, known: [NoteSignature, NoteVerifier][], unverifiedSigs: NoteSignature[]): OpenedNote {
  if (known.length === 0) throw new ProofError("note has no signature by a known key");
  return { text: note.text, sigs: known.map(([s]) => s), unverifiedSigs };
}

/** Splits `<name>+<hex id>+<base64>` at the first two "+" (base64 itself may contain "+"). */
function splitKey(text: string, what: string): [string, string, string] {
  const a = text.indexOf("+");
  const b = a < 0 ? -1 : text.indexOf("+", a + 1);
  if (b < 0) throw new MalformedError(`malformed ${what}`);
  return [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
}

/** Checks `<name>+<hex id>+<base64>` and checks the pieces shared by verifier and private keys. */
function parseKeyString(
  name: string,
  hexId: string,
  b64: string,
  what: string,
): { keyId: number; alg: number; key: Uint8Array } {
  const bad = () => new MalformedError(`malformed ${what}`);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(hexId)) throw bad();
  let raw: Uint8Array;
  try {
    raw = fromBase64(b64);
  } catch {
    throw bad();
  }
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw bad();
  return { keyId: parseInt(hexId, 16) >>> 0, alg: raw[0], key: raw.slice(1) };
}

/** The pieces of a vkey string `<name>+<hex id>+<base64(0x01 || pub)>`; the key ID must match. */
export function parseVerifierKey(vkey: string): { name: string; keyId: number; publicKey: Uint8Array } {
  const [name, hexId, b64] = splitKey(vkey, "verifier key");
  const { keyId, key } = parseKeyString(name, hexId, b64, "verifier key");
  if (ed25519KeyId(name, key) !== keyId) throw new MalformedError("malformed verifier key: key ID does not match");
  return { name, keyId, publicKey: key };
}

/** Verifier from a vkey string `<name>+<hex id>+<base64(0x01 || pub)>`; the key ID must match. */
export function newVerifier(vkey: string): NoteVerifier {
  const { name, keyId, publicKey: key } = parseVerifierKey(vkey);
  return {
    name,
    keyId,
    verify: (msg, sig) => ed25519Verify(sig, msg, key),
    verifyAsync: (msg, sig) => ed25519VerifyNative(sig, msg, key),
  };
}

/** An Ed25519 note signer that also knows its public key and verifier key string. */
export interface Ed25519NoteSigner extends NoteSigner {
  publicKey: Uint8Array;
  vkey: string;
}

/** Signer from a Go-format private key `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`. */
export function newSigner(skey: string): Ed25519NoteSigner {
  if (!skey.startsWith("PRIVATE+KEY+")) throw new MalformedError("malformed private key");
  const [name, hexId, b64] = splitKey(skey.slice("PRIVATE+KEY+".length), "private key");
  const { keyId, key: seed } = parseKeyString(name, hexId, b64, "private key");
  const pub = ed25519.getPublicKey(seed);
  if (ed25519KeyId(name, pub) !== keyId) throw new MalformedError("malformed private key: key ID does not match");
  return {
    name,
    keyId,
    publicKey: pub,
    vkey: formatVerifierKey(name, pub),
    sign: (msg) => ed25519.sign(msg, seed),
    signAsync: (msg) => ed25519SignNative(msg, seed),
  };
}

/** The vkey string for an Ed25519 public key. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const id = ed25519KeyId(name, publicKey);
  return `${name}+${hex8(id)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), publicKey))}`;
}

/** Makes an Ed25519 key pair for `name` (random seed unless one is given). */
export function generateKey(name: string, seed?: Uint8Array): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) throw new MalformedError("invalid key name");
  const s = seed ?? crypto.getRandomValues(new Uint8Array(32));
  if (s.length !== 32) throw new MalformedError("seed must be 32 bytes");
  const pub = ed25519.getPublicKey(s);
  const id = ed25519KeyId(name, pub);
  const skey = `PRIVATE+KEY+${name}+${hex8(id)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), s))}`;
  return { skey, vkey: formatVerifierKey(name, pub) };
}
