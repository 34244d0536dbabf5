/**
 * Ed25519 (RFC 8032) for signed notes, two ways behind one pair of calls: `@noble/curves` (pure JS,
 * synchronous, everywhere) and the platform's WebCrypto (native, asynchronous: workerd, Node 22,
 * current browsers), about a hundred times cheaper in CPU. The async calls use WebCrypto where it has
 * Ed25519 and fall back to @noble where it has not; test/tlog/ed25519-native.test.ts shows both agree
 * on RFC 8032's vectors. Both are deterministic, so a signature is the same bytes either way.
 * @module
 */
import { ed25519 } from "@noble/curves/ed25519.js";

const ALGORITHM = { name: "Ed25519" } as const;

/** null once the platform has shown it has no WebCrypto Ed25519 (then @noble serves every call). */
let native: SubtleCrypto | null = typeof crypto === "object" && crypto.subtle ? crypto.subtle : null;

/** Whether the async calls still use WebCrypto (false once the platform showed it has no Ed25519). */
export const usesNativeEd25519 = (): boolean => native !== null;

/** Imported keys by their bytes: an import costs about as much as a verification. Bounded. */
const publicKeys = new Map<string, Promise<CryptoKey>>();
const privateKeys = new Map<string, Promise<CryptoKey>>();
const MAX_KEYS = 64;

const keyName = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

function remember(
  map: Map<string, Promise<CryptoKey>>,
  name: string,
  make: () => Promise<CryptoKey>,
): Promise<CryptoKey> {
  let key = map.get(name);
  if (!key) {
    if (map.size >= MAX_KEYS) map.clear();
    key = make();
    map.set(name, key);
    key.catch(() => map.delete(name));
  }
  return key;
}

/** The DER PKCS#8 wrapping of a 32-byte Ed25519 seed (RFC 8410 §7): WebCrypto imports private keys only so. */
const PKCS8_PREFIX = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
);

function isUnsupported(e: unknown): boolean {
  return (
    e instanceof Error && (e.name === "NotSupportedError" || /unrecognized|not supported|unsupported/i.test(e.message))
  );
}

/** Synchronous verification (@noble); false for malformed encodings. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** Verification with WebCrypto where the platform has Ed25519, else @noble; false for malformed encodings. */
export async function ed25519VerifyNative(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const subtle = native;
  if (subtle) {
    try {
      const key = await remember(publicKeys, keyName(publicKey), () =>
        subtle.importKey("raw", publicKey as BufferSource, ALGORITHM, false, ["verify"]),
      );
      return await subtle.verify(ALGORITHM, key, signature as BufferSource, message as BufferSource);
    } catch (e) {
      if (!isUnsupported(e)) return false; // a key WebCrypto refuses (e.g. not a curve point) signs nothing
      native = null;
    }
  }
  return ed25519Verify(signature, message, publicKey);
}

/** Signing with WebCrypto where the platform has Ed25519, else @noble (the same bytes: Ed25519 is deterministic). */
export async function ed25519SignNative(message: Uint8Array, seed: Uint8Array): Promise<Uint8Array> {
  const subtle = native;
  if (subtle) {
    try {
      const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32);
      pkcs8.set(PKCS8_PREFIX);
      pkcs8.set(seed, PKCS8_PREFIX.length);
      const key = await remember(privateKeys, keyName(seed), () =>
        subtle.importKey("pkcs8", pkcs8, ALGORITHM, false, ["sign"]),
      );
      return new Uint8Array(await subtle.sign(ALGORITHM, key, message as BufferSource));
    } catch (e) {
      if (!isUnsupported(e)) throw e;
      native = null;
    }
  }
  return ed25519.sign(message, seed);
}
