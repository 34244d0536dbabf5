/**
 * The bench's headline request: real, signed Rekor v2 hashedrekord entries, pre-signed by the load
 * generator so that signing costs the server nothing and the generator little. Each request is a
 * distinct artifact digest signed by one of a few keys of each type in REKOR_V2_KEY_MIX, the key types
 * Rekor v2 accepts (rekor-tiles, 2026), weighted towards Sigstore's default, ECDSA P-256. The server
 * parses, verifies the signature, canonicalizes and appends, and answers 201 with a TransparencyLogEntry.
 * @module
 */
import { createECDH, createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from "node:crypto";
import { ed25519, ed25519ph } from "@noble/curves/ed25519.js";
import type { AppendScenario } from "./http.ts";

/** Key type → share of the corpus (sums to 1). */
export const REKOR_V2_KEY_MIX = {
  PKIX_ECDSA_P256_SHA_256: 0.75,
  PKIX_ECDSA_P384_SHA_384: 0.1,
  PKIX_ECDSA_P521_SHA_512: 0.05,
  PKIX_RSA_PKCS1V15_2048_SHA256: 0.05,
  PKIX_ED25519_PH: 0.05,
} as const;
type KeyDetails = keyof typeof REKOR_V2_KEY_MIX;
export type KeyMix = Partial<Record<KeyDetails, number>>;
/** Sigstore's default key type alone (`--key-mix p256`): what Fulcio-certified and cosign keys are. */
export const P256_ONLY: KeyMix = { PKIX_ECDSA_P256_SHA_256: 1 };

const KEYS_PER_TYPE = 4;

interface Signer {
  keyDetails: KeyDetails;
  spki: string;
  hash: "sha256" | "sha384" | "sha512";
  sign(artifact: Buffer): Buffer;
}

/*
 * Signing 60,000 entries the usual way takes minutes here (Node's P-384 and P-521 signatures cost 5 and 18 ms,
 * Ed25519ph through @noble 5 ms). The generator signs every entry with one nonce per key instead: the
 * signatures are valid and cost the server exactly as much to verify, and they cost the generator microseconds.
 * (Reusing a nonce gives the private key away: that is fine for throwaway bench keys and nowhere else.)
 */
const big = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString("hex") || "0"}`);
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  for (b = mod(b, m); e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}
function derInt(x: bigint): Buffer {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, "hex");
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02]), derLength(b.length), b]);
}
const derLength = (n: number): Buffer => (n < 0x80 ? Buffer.from([n]) : Buffer.from([0x81, n]));

const CURVES = {
  PKIX_ECDSA_P256_SHA_256: {
    name: "prime256v1",
    jwk: "P-256",
    hash: "sha256",
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  PKIX_ECDSA_P384_SHA_384: {
    name: "secp384r1",
    jwk: "P-384",
    hash: "sha384",
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
  PKIX_ECDSA_P521_SHA_512: {
    name: "secp521r1",
    jwk: "P-521",
    hash: "sha512",
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
} as const;

function ecdsaSigner(keyDetails: keyof typeof CURVES): Signer {
  const c = CURVES[keyDetails];
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: c.jwk });
  const d = big(Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url"));
  const ecdh = createECDH(c.name);
  const k = mod(big(randomBytes(80)), c.n - 1n) + 1n;
  ecdh.setPrivateKey(Buffer.from(k.toString(16).padStart(2 * Math.ceil(c.n.toString(16).length / 2), "0"), "hex"));
  const point = ecdh.getPublicKey(); // 04 || x || y
  const r = mod(big(point.subarray(1, 1 + (point.length - 1) / 2)), c.n);
  const kInv = modPow(k, c.n - 2n, c.n);
  return {
    keyDetails,
    spki: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
    hash: c.hash,
    sign(artifact) {
      const e = big(createHash(c.hash).update(artifact).digest()); // every digest here is no longer than n
      let s = mod(kInv * (e + r * d), c.n);
      if (s > c.n / 2n) s = c.n - s;
      const body = Buffer.concat([derInt(r), derInt(s)]);
      return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
    },
  };
}

/** Ed25519ph (RFC 8032 §5.1 with phflag 1, empty context), with one fixed r per key. */
function ed25519phSigner(): Signer {
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
  const A = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  const h = createHash("sha512").update(seed).digest();
  const a = Buffer.from(h.subarray(0, 32));
  a[0]! &= 248;
  a[31]! &= 127;
  a[31]! |= 64;
  const scalar = big(Buffer.from(a).reverse());
  const r = mod(big(randomBytes(64)), L);
  const R = ed25519.Point.BASE.multiply(r).toBytes();
  const dom2 = Buffer.concat([Buffer.from("SigEd25519 no Ed25519 collisions"), Buffer.from([1, 0])]);
  const le32 = (x: bigint) => Buffer.from(x.toString(16).padStart(64, "0"), "hex").reverse();
  return {
    keyDetails: "PKIX_ED25519_PH",
    spki: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
    hash: "sha512",
    sign(artifact) {
      const ph = createHash("sha512").update(artifact).digest();
      const k = mod(big(createHash("sha512").update(dom2).update(R).update(A).update(ph).digest().reverse()), L);
      return Buffer.concat([Buffer.from(R), le32(mod(r + k * scalar, L))]);
    },
  };
}

function signers(keyDetails: KeyDetails): Signer[] {
  return Array.from({ length: KEYS_PER_TYPE }, (): Signer => {
    if (keyDetails === "PKIX_ED25519_PH") return ed25519phSigner();
    if (keyDetails === "PKIX_RSA_PKCS1V15_2048_SHA256") {
      const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      return {
        keyDetails,
        spki: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
        hash: "sha256",
        sign: (a) => sign("sha256", a, privateKey),
      };
    }
    return ecdsaSigner(keyDetails);
  });
}

/** Checks each signer's first signature with an independent verifier (Node's OpenSSL, @noble for Ed25519ph). */
function selfCheck(s: Signer): void {
  const artifact = Buffer.from("edgelog bench self-check");
  const sig = s.sign(artifact);
  const pub = createPublicKey({ key: Buffer.from(s.spki, "base64"), format: "der", type: "spki" });
  const ok =
    s.keyDetails === "PKIX_ED25519_PH"
      ? ed25519ph.verify(sig, artifact, Buffer.from(pub.export({ format: "jwk" }).x!, "base64url"))
      : verify(s.hash, artifact, pub, sig);
  if (!ok) throw new Error(`bench: a ${s.keyDetails} signature of the generator does not verify`);
}

/** Pre-signs `count` requests in the mix's shares (REKOR_V2_KEY_MIX by default), interleaved; serves them in order, then wraps around. */
export function rekorV2Scenario(count: number, keyMix: KeyMix = REKOR_V2_KEY_MIX): AppendScenario {
  const byType = Object.keys(keyMix).map((k) => signers(k as KeyDetails));
  for (const s of byType.flat()) selfCheck(s);
  // Interleaved: entry i takes the type whose running share is furthest below its target.
  const taken = byType.map(() => 0);
  const shares = Object.values(keyMix);
  const run = `${process.pid}-${Date.now()}`;
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    let t = 0;
    for (let k = 1; k < shares.length; k++)
      if (shares[k]! * (i + 1) - taken[k]! > shares[t]! * (i + 1) - taken[t]!) t = k;
    const signer = byType[t]![taken[t]++ % KEYS_PER_TYPE]!;
    const artifact = Buffer.from(`edgelog bench artifact ${run} #${i}`);
    const digest = createHash(signer.hash).update(artifact).digest();
    bodies.push(
      JSON.stringify({
        hashedRekordRequestV002: {
          digest: digest.toString("base64"),
          signature: {
            content: signer.sign(artifact).toString("base64"),
            verifier: { publicKey: { rawBytes: signer.spki }, keyDetails: signer.keyDetails },
          },
        },
      }),
    );
  }
  let next = 0;
  const mix = Object.entries(keyMix)
    .map(([k, share]) => `${k} ${Math.round(share * 100)}%`)
    .join(", ");
  return {
    name: `Rekor v2 POST /api/v2/log/entries, pre-signed hashedrekord (${mix}), ${count} distinct entries`,
    next() {
      const body = bodies[next++ % bodies.length]!;
      return { method: "POST", path: "/api/v2/log/entries", headers: { "content-type": "application/json" }, body };
    },
    parseIndex(status, body) {
      if (status !== 201) return null;
      const m = /"logIndex":"(0|[1-9][0-9]*)"/.exec(body);
      return m ? Number(m[1]) : null;
    },
  };
}
