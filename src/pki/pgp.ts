/**
 * OpenPGP public keys and detached signatures for Rekor v1 `rekord` entries (sigstore/rekor pkg/pki/pgp), parsed
 * and verified by openpgp.js; the canonical forms are Rekor's:
 *
 * - a key (armored, starting "-----BEGIN PGP", or binary): the keys re-serialized, in Go's armor (pgp-packets.ts
 *   `goArmor`). Go (ProtonMail/go-crypto `Entity.Serialize`) writes per key: the primary key, its revocations,
 *   (v6) direct-key signatures, each user ID that has a self-certification with its signatures, and each subkey
 *   with its revocations and its latest binding signature; user attributes and other packets are dropped. We
 *   write the same, from openpgp.js's packets. Go keeps a user ID's signatures in input order and its user IDs in
 *   map order (random, when a key has several); we write self-certifications, revocations, then third-party
 *   certifications, and user IDs in input order — GnuPG's order for its own exports;
 * - a signature: armored ones exactly as sent, binary ones in Go's armor.
 *
 * Deliberately stricter than Rekor: secret key blocks are refused (Rekor would log their public part, but the
 * submitter has just sent a private key to a public service), a signature must hold exactly one signature packet,
 * and armored input may have nothing but whitespace around the block (it is logged as sent).
 *
 * Signatures are verified as of their creation time (Rekor sets go-crypto's `Config.Time` to it), so a key that
 * expired since still verifies what it signed while valid; openpgp.js's defaults refuse weak hashes and small keys.
 * @module
 */
import {
  createMessage,
  enums,
  PacketList,
  readKeys,
  readSignature,
  verify,
  type Key,
  type Signature,
  type SignaturePacket,
} from "openpgp";
import { utf8Decode, utf8Encode } from "../tlog/encoding.ts";
import { SignatureError } from "./errors.ts";
import { MAX_KEY_MATERIAL_BYTES } from "./keys.ts";
import { checkPgpKeyPackets, checkPgpSignaturePacket } from "./pgp-algorithms.ts";
import { dearmor, goArmor, looksArmored, readPackets, PGP_TAG } from "./pgp-packets.ts";

export interface PgpPublicKey {
  keys: Key[];
  /** Signatures by the block's own keys, which openpgp.js may verify (at most {@link MAX_PGP_SELF_SIGNATURES}). */
  selfSignatures: number;
  /** Rekor's canonical value: Go-armored "PGP PUBLIC KEY BLOCK". */
  canonical: Uint8Array;
}

export interface PgpSignature {
  signature: Signature;
  /** When it was made: keys are checked as of then. */
  created: Date;
  /** Rekor's canonical value: armored input as sent, binary input Go-armored. */
  canonical: Uint8Array;
}

function size(bytes: Uint8Array, field: "publicKey" | "signature"): void {
  if (bytes.length === 0) throw new SignatureError(field, "empty");
  if (bytes.length > MAX_KEY_MATERIAL_BYTES)
    throw new SignatureError(field, `larger than ${MAX_KEY_MATERIAL_BYTES} bytes`);
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^Error: /, "");

function latest(sigs: SignaturePacket[]): SignaturePacket[] {
  const sorted = [...sigs].sort((a, b) => (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0));
  return sorted.length ? [sorted[sorted.length - 1]!] : [];
}

/** The key's direct-key signatures: openpgp.js keeps them on the key without declaring them in its types. */
function directSignatures(key: Key): SignaturePacket[] {
  const sigs: unknown = Reflect.get(key, "directSignatures");
  return Array.isArray(sigs) ? sigs : [];
}

/** The key's packets in the order and selection Go's `Entity.Serialize` writes them (see the module comment). */
function canonicalPackets(key: Key): PacketList<any> {
  const list = new PacketList<any>();
  list.push(key.keyPacket, ...key.revocationSignatures);
  if (key.keyPacket.version === 6) list.push(...directSignatures(key));
  for (const user of key.users) {
    if (user.userID === null || user.selfCertifications.length === 0) continue;
    list.push(user.userID, ...user.selfCertifications, ...user.revocationSignatures, ...user.otherCertifications);
  }
  for (const sub of key.subkeys) {
    if (sub.bindingSignatures.length === 0)
      throw new SignatureError("publicKey", `subkey ${sub.getFingerprint()} has no binding signature`);
    list.push(sub.keyPacket, ...sub.revocationSignatures, ...latest(sub.bindingSignatures));
  }
  return list;
}

/**
 * Most signatures by a key block's own keys (self-certifications, subkey bindings, revocations, direct-key
 * signatures): openpgp.js may verify each of them, again on every use when it is invalid, so their number bounds
 * what a key costs. GnuPG writes one per user ID and subkey, and one more each time an expiry is changed.
 */
export const MAX_PGP_SELF_SIGNATURES = 32;

/** The signatures of `key` that openpgp.js verifies with the key's own packets. */
function ownSignatures(key: Key): number {
  const direct = directSignatures(key).length;
  let n = key.revocationSignatures.length + direct;
  for (const user of key.users) n += user.selfCertifications.length + user.revocationSignatures.length;
  for (const sub of key.subkeys) n += sub.bindingSignatures.length + sub.revocationSignatures.length;
  return n;
}

/**
 * The armor type of an OpenPGP secret key, refused below. Spelled in parts so that scanners looking for
 * committed key material do not take this refusal for a key.
 */
const SECRET_KEY_ARMOR = ["PGP", "PRIVATE", "KEY", "BLOCK"].join(" ");

/** Parses an armored or binary OpenPGP public key (one or more keys). @throws SignatureError (field "publicKey"). */
export async function parsePgpPublicKey(bytes: Uint8Array): Promise<PgpPublicKey> {
  size(bytes, "publicKey");
  let keys: Key[];
  try {
    let binary = bytes;
    if (looksArmored(bytes)) {
      const { type, data } = dearmor(utf8Decode(bytes), "publicKey");
      if (type === SECRET_KEY_ARMOR)
        throw new SignatureError("publicKey", "a PGP private key block was sent: submit the public key only");
      if (type !== "PGP PUBLIC KEY BLOCK")
        throw new SignatureError("publicKey", `armor type "${type}" is not a PGP PUBLIC KEY BLOCK`);
      binary = data;
    }
    // openpgp.js reads exactly the packets checked here (the armor's own checks are ours too, dearmor above).
    checkPgpKeyPackets(readPackets(binary, "publicKey"));
    keys = await readKeys({ binaryKeys: binary });
  } catch (e) {
    if (e instanceof SignatureError) throw e;
    throw new SignatureError("publicKey", `not an OpenPGP public key: ${message(e)}`);
  }
  if (keys.some((k) => k.isPrivate()))
    throw new SignatureError("publicKey", "a PGP secret key was sent: submit the public key only");
  const selfSignatures = keys.reduce((n, k) => n + ownSignatures(k), 0);
  if (selfSignatures > MAX_PGP_SELF_SIGNATURES) {
    throw new SignatureError(
      "publicKey",
      `${selfSignatures} self-signatures (certifications, bindings, revocations) is more than the ${MAX_PGP_SELF_SIGNATURES} accepted: export the key without old self-signatures (gpg --export-options export-minimal)`,
    );
  }
  for (const k of keys) {
    if (k.keyPacket.version !== 6 && !k.users.some((u) => u.userID !== null && u.selfCertifications.length > 0)) {
      throw new SignatureError("publicKey", `key ${k.getFingerprint()} has no self-certified user ID`);
    }
  }
  const packets = new PacketList<any>();
  for (const k of keys) packets.push(...canonicalPackets(k));
  return { keys, selfSignatures, canonical: utf8Encode(goArmor("PGP PUBLIC KEY BLOCK", packets.write())) };
}

/** Parses an armored or binary detached signature. @throws SignatureError (field "signature"). */
export async function parsePgpSignature(bytes: Uint8Array): Promise<PgpSignature> {
  size(bytes, "signature");
  let signature: Signature;
  let binary: Uint8Array;
  const armored = looksArmored(bytes);
  try {
    if (armored) {
      const text = utf8Decode(bytes);
      const { type, data } = dearmor(text, "signature");
      if (type !== "PGP SIGNATURE")
        throw new SignatureError("signature", `armor type "${type}" is not a PGP SIGNATURE`);
      binary = data;
    } else {
      binary = bytes;
    }
    const packets = readPackets(binary, "signature");
    if (packets.length !== 1 || packets[0]!.tag !== PGP_TAG.signature)
      throw new SignatureError("signature", "expected exactly one OpenPGP signature packet");
    checkPgpSignaturePacket(packets[0]!.body);
    signature = await readSignature({ binarySignature: binary });
  } catch (e) {
    if (e instanceof SignatureError) throw e;
    throw new SignatureError("signature", `not an OpenPGP signature: ${message(e)}`);
  }
  const packet = signature.packets[0] as SignaturePacket | undefined;
  if (!packet || packet.created === null)
    throw new SignatureError("signature", "OpenPGP signature without a creation time");
  if (packet.signatureType !== enums.signature.binary && packet.signatureType !== enums.signature.text) {
    throw new SignatureError("signature", "not a signature over a document (OpenPGP signature type 0x00 or 0x01)");
  }
  return {
    signature,
    created: packet.created,
    canonical: armored ? bytes.slice() : utf8Encode(goArmor("PGP SIGNATURE", binary)),
  };
}

/** Verifies a detached signature over `data` with any of the keys. @throws SignatureError (field "signature"). */
export async function verifyPgpSignature(sig: PgpSignature, key: PgpPublicKey, data: Uint8Array): Promise<void> {
  try {
    const { signatures } = await verify({
      message: await createMessage({ binary: data }),
      signature: sig.signature,
      verificationKeys: key.keys,
      date: sig.created,
      format: "binary",
    });
    await signatures[0]!.verified;
  } catch (e) {
    throw new SignatureError("signature", `OpenPGP signature does not verify with the given key: ${message(e)}`);
  }
}
