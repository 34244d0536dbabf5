/**
 * SSH public keys and SSHSIG signatures (OpenSSH PROTOCOL.sshsig, `ssh-keygen -Y sign`) for Rekor v1 `rekord`
 * entries (sigstore/rekor pkg/pki/ssh), parsed from the SSH wire format (RFC 4251 §5) here and verified with
 * src/pki: each SSH key is re-encoded as a DER SubjectPublicKeyInfo and goes through the same key checks and
 * verifiers as X.509 keys. Keys: ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa (2048 to 4096 bits, signatures
 * rsa-sha2-256 or rsa-sha2-512; SHA-1 "ssh-rsa" signatures are refused, as PROTOCOL.sshsig requires).
 *
 * Rekor's canonical forms (Go's golang.org/x/crypto/ssh):
 * - key: `ssh.MarshalAuthorizedKey`: "<type> <base64 wire key>\n" — the comment is dropped;
 * - signature: the SSHSIG blob rebuilt with namespace "file", an empty reserved field and hash "sha512", in
 *   Go's PEM ("SSH SIGNATURE", 64-column lines). Rekor verifies that rebuilt blob, so only SHA-512 signatures
 *   (ssh-keygen's default) can verify there; we refuse others up front with a clear message.
 *
 * Stricter than Rekor: the key inside the signature must be the submitted key (ssh-keygen -Y verify checks the
 * same); authorized_keys options, certificates and security-key (sk-*) keys are refused.
 * @module
 */
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bigIntToBytes, bytesToBigInt, encodeBitString, encodeElement, encodeUnsignedInteger, TAG } from "./der.ts";
import { concatBytes, fromBase64, fromHex, toBase64, utf8Decode, utf8Encode } from "../tlog/encoding.ts";
import { SignatureError } from "./errors.ts";
import { decodePem, encodePem, parseRsaPublicKey, parseSpki, type PublicKeyInfo } from "./keys.ts";
import type { HashName } from "./algorithms.ts";
import { verifyMessageSignature } from "./verify.ts";

const MAX_TEXT = 65_535;
/** Rekor's SSHSIG namespace for rekord (pkg/pki/ssh: `namespace = "file"`). */
export const SSHSIG_NAMESPACE = "file";
const MAGIC = utf8Encode("SSHSIG");

const ECDSA: Record<string, { curve: string; oid: Uint8Array; hash: HashName; fieldBytes: number }> = {
  "ecdsa-sha2-nistp256": { curve: "nistp256", oid: fromHex("2a8648ce3d030107"), hash: "sha256", fieldBytes: 32 },
  "ecdsa-sha2-nistp384": { curve: "nistp384", oid: fromHex("2b81040022"), hash: "sha384", fieldBytes: 48 },
  "ecdsa-sha2-nistp521": { curve: "nistp521", oid: fromHex("2b81040023"), hash: "sha512", fieldBytes: 66 },
};
const OID_EC_PUBLIC_KEY = fromHex("2a8648ce3d0201");
const OID_RSA = fromHex("2a864886f70d010101");
const OID_ED25519 = fromHex("2b6570");

export interface SshPublicKey {
  type: string;
  /** The key's wire encoding (what the fingerprint hashes). */
  wire: Uint8Array;
  key: PublicKeyInfo;
  /** Rekor's canonical value: "<type> <base64>\n". */
  canonical: Uint8Array;
}

export interface SshSignature {
  publicKey: SshPublicKey;
  hashAlgorithm: string;
  /** The signature's algorithm name (ssh-ed25519, ecdsa-sha2-*, rsa-sha2-256/512) and blob. */
  format: string;
  blob: Uint8Array;
  /** Rekor's canonical value (PEM text). */
  canonical: Uint8Array;
}

/** Reads RFC 4251 §5 strings off a buffer. */
class Wire {
  private p = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly field: "publicKey" | "signature",
    private readonly what: string,
  ) {}
  bytes(): Uint8Array {
    if (this.p + 4 > this.buf.length) this.fail("truncated");
    const n =
      ((this.buf[this.p]! << 24) |
        (this.buf[this.p + 1]! << 16) |
        (this.buf[this.p + 2]! << 8) |
        this.buf[this.p + 3]!) >>>
      0;
    this.p += 4;
    if (this.p + n > this.buf.length) this.fail("truncated");
    const out = this.buf.slice(this.p, this.p + n);
    this.p += n;
    return out;
  }
  string(): string {
    try {
      return utf8Decode(this.bytes());
    } catch (e) {
      if (e instanceof SignatureError) throw e;
      return this.fail("a name is not UTF-8");
    }
  }
  uint32(): number {
    if (this.p + 4 > this.buf.length) this.fail("truncated");
    const n =
      ((this.buf[this.p]! << 24) |
        (this.buf[this.p + 1]! << 16) |
        (this.buf[this.p + 2]! << 8) |
        this.buf[this.p + 3]!) >>>
      0;
    this.p += 4;
    return n;
  }
  /** RFC 4251 mpint, non-negative. */
  mpint(): bigint {
    const b = this.bytes();
    if (b.length > 0 && b[0]! & 0x80) this.fail("negative integer");
    return bytesToBigInt(b);
  }
  end(): void {
    if (this.p !== this.buf.length) this.fail("trailing bytes");
  }
  fail(why: string): never {
    throw new SignatureError(this.field, `${this.what}: ${why}`);
  }
}

const sshString = (b: Uint8Array) => {
  const len = Uint8Array.of(b.length >>> 24, (b.length >>> 16) & 0xff, (b.length >>> 8) & 0xff, b.length & 0xff);
  return concatBytes(len, b);
};
const sshUint32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

function asKeyError(e: unknown, field: "publicKey" | "signature"): unknown {
  return e instanceof SignatureError && e.field !== field ? new SignatureError(field, `SSH key: ${e.message}`) : e;
}

/** An SSH key from its wire encoding, as a checked src/pki key. */
export function parseSshWireKey(wire: Uint8Array, field: "publicKey" | "signature" = "publicKey"): SshPublicKey {
  const r = new Wire(wire, field, "SSH public key");
  const type = r.string();
  let spki: Uint8Array;
  if (type === "ssh-ed25519") {
    const k = r.bytes();
    if (k.length !== 32) r.fail("Ed25519 key must be 32 bytes");
    spki = encodeElement(
      TAG.SEQUENCE,
      encodeElement(TAG.SEQUENCE, encodeElement(TAG.OID, OID_ED25519)),
      encodeBitString(k),
    );
  } else if (Object.hasOwn(ECDSA, type)) {
    const c = ECDSA[type]!;
    if (r.string() !== c.curve) r.fail(`curve name does not match ${type}`);
    const point = r.bytes();
    spki = encodeElement(
      TAG.SEQUENCE,
      encodeElement(TAG.SEQUENCE, encodeElement(TAG.OID, OID_EC_PUBLIC_KEY), encodeElement(TAG.OID, c.oid)),
      encodeBitString(point),
    );
  } else if (type === "ssh-rsa") {
    const e = r.mpint();
    const n = r.mpint();
    const rsaKey = encodeElement(TAG.SEQUENCE, encodeUnsignedInteger(n), encodeUnsignedInteger(e));
    spki = encodeElement(
      TAG.SEQUENCE,
      encodeElement(TAG.SEQUENCE, encodeElement(TAG.OID, OID_RSA), encodeElement(TAG.NULL)),
      encodeBitString(rsaKey),
    );
  } else {
    return r.fail(
      `key type ${JSON.stringify(type)} is not supported (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa)`,
    );
  }
  r.end();
  let key: PublicKeyInfo;
  try {
    key = parseSpki(spki);
  } catch (e) {
    throw asKeyError(e, field);
  }
  // One spelling per key: the wire form must be what Go's Marshal writes back (e.g. minimal mpints).
  const canonicalWire = reencode(type, key);
  if (toBase64(canonicalWire) !== toBase64(wire)) r.fail("not in canonical wire form");
  return { type, wire: canonicalWire, key, canonical: utf8Encode(`${type} ${toBase64(canonicalWire)}\n`) };
}

function reencode(type: string, key: PublicKeyInfo): Uint8Array {
  const t = sshString(utf8Encode(type));
  if (key.kind === "ed25519") return concatBytes(t, sshString(key.subjectPublicKey));
  if (key.kind === "ecdsa")
    return concatBytes(t, sshString(utf8Encode(ECDSA[type]!.curve)), sshString(key.subjectPublicKey));
  // RSAPublicKey DER → e, n as SSH mpints (a leading zero byte when the top bit is set).
  const { n, e } = parseRsaPublicKey(key.subjectPublicKey);
  return concatBytes(t, sshString(mpint(e)), sshString(mpint(n)));
}

function mpint(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  const len = Math.ceil(v.toString(16).length / 2);
  const b = bigIntToBytes(v, len);
  return b[0]! & 0x80 ? concatBytes(Uint8Array.of(0), b) : b;
}

/** `ssh-keygen -l -E sha256`: "SHA256:" and the unpadded base64 SHA-256 of the wire key. */
export function sshFingerprint(wire: Uint8Array): string {
  return `SHA256:${toBase64(sha256(wire)).replace(/=+$/, "")}`;
}

/**
 * An authorized_keys-style line: "<type> <base64> [comment]" (one line, optional trailing newline).
 * @throws SignatureError (field "publicKey").
 */
export function parseSshPublicKey(bytes: Uint8Array): SshPublicKey {
  if (bytes.length === 0) throw new SignatureError("publicKey", "empty");
  if (bytes.length > MAX_TEXT) throw new SignatureError("publicKey", `larger than ${MAX_TEXT} bytes`);
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch {
    throw new SignatureError("publicKey", "SSH public key must be UTF-8 text");
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length !== 1)
    throw new SignatureError("publicKey", "expected one SSH public key line (<type> <base64> [comment])");
  const [type, b64] = lines[0]!.trim().split(/\s+/);
  let wire: Uint8Array;
  try {
    wire = fromBase64(b64 ?? "");
  } catch {
    throw new SignatureError(
      "publicKey",
      `SSH public key: expected "<type> <base64> [comment]" (authorized_keys options are not accepted)`,
    );
  }
  const key = parseSshWireKey(wire);
  if (key.type !== type)
    throw new SignatureError(
      "publicKey",
      `SSH public key: the line says ${JSON.stringify(type)}, the key is ${key.type}`,
    );
  return key;
}

/** An armored SSHSIG ("-----BEGIN SSH SIGNATURE-----"). @throws SignatureError (field "signature"). */
export function parseSshSignature(bytes: Uint8Array): SshSignature {
  if (bytes.length === 0) throw new SignatureError("signature", "empty");
  if (bytes.length > MAX_TEXT) throw new SignatureError("signature", `larger than ${MAX_TEXT} bytes`);
  let der: Uint8Array;
  try {
    const blocks = decodePem(bytes);
    if (blocks.length !== 1 || blocks[0]!.label !== "SSH SIGNATURE")
      throw new SignatureError("signature", "expected one SSH SIGNATURE block");
    der = blocks[0]!.der;
  } catch (e) {
    if (e instanceof SignatureError)
      throw new SignatureError(
        "signature",
        e.field === "signature" ? e.message.replace(/^signature: /, "") : `not an armored SSH signature (${e.message})`,
      );
    throw e;
  }
  if (der.length < 6 || toBase64(der.subarray(0, 6)) !== toBase64(MAGIC))
    throw new SignatureError("signature", 'SSHSIG: missing "SSHSIG" magic');
  const r = new Wire(der.subarray(6), "signature", "SSHSIG");
  const version = r.uint32();
  if (version !== 1) r.fail(`unsupported version ${version}`);
  const publicKey = parseSshWireKey(r.bytes(), "signature");
  const namespace = r.string();
  r.bytes(); // reserved
  const hashAlgorithm = r.string();
  const sigWire = r.bytes();
  r.end();
  if (namespace !== SSHSIG_NAMESPACE)
    r.fail(`namespace ${JSON.stringify(namespace)}: Rekor's rekord needs signatures made with -n ${SSHSIG_NAMESPACE}`);
  if (hashAlgorithm !== "sha512")
    r.fail(`hash ${JSON.stringify(hashAlgorithm)}: Rekor verifies SSHSIG with sha512 only (ssh-keygen's default)`);
  const s = new Wire(sigWire, "signature", "SSHSIG signature");
  const format = s.string();
  const blob = s.bytes();
  s.end();
  const blobOut = concatBytes(
    MAGIC,
    sshUint32(1),
    sshString(publicKey.wire),
    sshString(utf8Encode(SSHSIG_NAMESPACE)),
    sshString(new Uint8Array(0)),
    sshString(utf8Encode("sha512")),
    sshString(concatBytes(sshString(utf8Encode(format)), sshString(blob))),
  );
  return { publicKey, hashAlgorithm, format, blob, canonical: utf8Encode(encodePem("SSH SIGNATURE", blobOut)) };
}

/** Verifies an SSHSIG over `data` with `key`. @throws SignatureError (field "signature"). */
export async function verifySshSignature(sig: SshSignature, key: SshPublicKey, data: Uint8Array): Promise<void> {
  if (toBase64(sig.publicKey.wire) !== toBase64(key.wire))
    throw new SignatureError("signature", "the SSH signature was made by another key than the one given");
  const signed = concatBytes(
    MAGIC,
    sshString(utf8Encode(SSHSIG_NAMESPACE)),
    sshString(new Uint8Array(0)),
    sshString(utf8Encode("sha512")),
    sshString(sha512(data)),
  );
  let hash: HashName | null;
  let signature = sig.blob;
  if (key.type === "ssh-ed25519") {
    if (sig.format !== "ssh-ed25519")
      throw new SignatureError("signature", `signature algorithm ${sig.format} does not fit an ssh-ed25519 key`);
    hash = null;
  } else if (Object.hasOwn(ECDSA, key.type)) {
    if (sig.format !== key.type)
      throw new SignatureError("signature", `signature algorithm ${sig.format} does not fit an ${key.type} key`);
    hash = ECDSA[key.type]!.hash;
    const w = new Wire(sig.blob, "signature", "ECDSA signature");
    const rr = w.mpint();
    const ss = w.mpint();
    w.end();
    signature = encodeElement(TAG.SEQUENCE, encodeUnsignedInteger(rr), encodeUnsignedInteger(ss));
  } else {
    if (sig.format !== "rsa-sha2-256" && sig.format !== "rsa-sha2-512")
      throw new SignatureError(
        "signature",
        `RSA signature algorithm ${sig.format} refused (want rsa-sha2-256 or rsa-sha2-512)`,
      );
    hash = sig.format === "rsa-sha2-256" ? "sha256" : "sha512";
  }
  try {
    await verifyMessageSignature(key.key, hash, signed, signature);
  } catch (e) {
    if (e instanceof SignatureError)
      throw new SignatureError("signature", `SSH signature does not verify with the given key (${e.message})`);
    throw e;
  }
}
