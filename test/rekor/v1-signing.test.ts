// The Rekor v1 key signs with workerd's native WebCrypto ECDSA P-256 (src/log/keys.ts), @noble being the fallback.
// Both must agree: RFC 6979 §A.2.5's P-256/SHA-256 vector (transcribed from the RFC) is what @noble's deterministic
// signer makes and what WebCrypto verifies, and what the native signer makes verifies with @noble and WebCrypto,
// in DER with a low S.
import { env } from "cloudflare:workers";
import { p256 } from "@noble/curves/nist.js";
import { describe, expect, it } from "vitest";
import { encodePem } from "../../src/pki/keys.ts";
import { concatBytes, fromHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { sha256Bytes } from "../../src/tlog/hash.ts";
import { v1Key } from "../../src/log/keys.ts";

// RFC 6979 §A.2.5 (ECDSA, 256 bits, prime field): the private key, its public point, and the signature
// with SHA-256 over the message "sample".
const X = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
const UX = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
const UY = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
const R = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716";
const S = "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
const MESSAGE = utf8Encode("sample");

const b64url = (hex: string) =>
  btoa(String.fromCharCode(...fromHex(hex)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const jwk = { kty: "EC", crv: "P-256", x: b64url(UX), y: b64url(UY) };
const publicPoint = concatBytes(Uint8Array.of(4), fromHex(UX), fromHex(UY));
const N = p256.Point.Fn.ORDER;

async function webCryptoVerify(p1363: Uint8Array, message: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, p1363, message);
}

/** The vector's key as the PKCS#8 PEM secret LOG_V1_SIGNING_KEY holds. */
async function vectorKeyPem(): Promise<string> {
  const key = await crypto.subtle.importKey(
    "jwk",
    { ...jwk, d: b64url(X) },
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    ["sign"],
  );
  return encodePem("PRIVATE KEY", new Uint8Array((await crypto.subtle.exportKey("pkcs8", key)) as ArrayBuffer));
}

describe("ECDSA P-256 signing: @noble and WebCrypto agree (RFC 6979 §A.2.5)", () => {
  it("@noble's deterministic signer makes the published (r, s); WebCrypto verifies it", async () => {
    const sig = p256.sign(sha256Bytes(MESSAGE), fromHex(X), { prehash: false, lowS: false, format: "compact" });
    expect(sig).toEqual(fromHex(R + S));
    expect(await webCryptoVerify(fromHex(R + S), MESSAGE)).toBe(true);
    expect(await webCryptoVerify(fromHex(R + S), utf8Encode("test"))).toBe(false);
  });

  it("the v1 key's native signatures are DER with a low S, and verify with @noble and with WebCrypto", async () => {
    const key = await v1Key(
      { LOG_SIGNING_KEY: env.LOG_SIGNING_KEY, LOG_V1_SIGNING_KEY: await vectorKeyPem() },
      "default",
    );
    expect(key.spki.slice(-65)).toEqual(publicPoint);
    for (let i = 0; i < 8; i++) {
      const message = utf8Encode(`message ${i}`);
      const der = await key.sign(message);
      const sig = p256.Signature.fromBytes(der, "der");
      expect(sig.hasHighS()).toBe(false);
      expect(sig.s <= N / 2n).toBe(true);
      expect(p256.verify(der, sha256Bytes(message), publicPoint, { prehash: false, format: "der" })).toBe(true);
      expect(await webCryptoVerify(sig.toBytes("compact"), message)).toBe(true);
      expect(p256.verify(der, sha256Bytes(utf8Encode("another")), publicPoint, { prehash: false, format: "der" })).toBe(
        false,
      );
    }
  });
});
