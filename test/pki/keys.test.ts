import { describe, expect, it } from "vitest";
import {
  decodePem,
  encodePem,
  parseCertificate,
  parsePem,
  parsePublicKey,
  parseSpki,
  type PublicKeyInfo,
} from "../../src/pki/keys.ts";
import { encodeElement, TAG } from "../../src/pki/der.ts";
import { fixture, fixtureText, hexToBytes } from "../fixtures/pki/index.ts";
import { refusal } from "../helpers/refusal.ts";

describe("parseSpki", () => {
  it.each([
    ["p256.spki.der", "ecdsa", { curve: "P-256" }],
    ["p384.spki.der", "ecdsa", { curve: "P-384" }],
    ["p521.spki.der", "ecdsa", { curve: "P-521" }],
    ["rsa2048.spki.der", "rsa", { rsaBits: 2048 }],
    ["rsa3072.spki.der", "rsa", { rsaBits: 3072 }],
    ["rsa4096.spki.der", "rsa", { rsaBits: 4096 }],
    ["ed25519.spki.der", "ed25519", {}],
  ] as const)("accepts %s", (name, kind, extra) => {
    const der = fixture(name);
    const key = parseSpki(der);
    expect(key.kind).toBe(kind);
    expect(key).toMatchObject(extra);
    expect(key.spki).toEqual(der);
    expect(key.certificate).toBeUndefined();
  });

  it("gives the raw key material", () => {
    const ec = parseSpki(fixture("p256.spki.der"));
    expect(ec.subjectPublicKey.length).toBe(65);
    expect(ec.subjectPublicKey[0]).toBe(0x04);
    const ed = parseSpki(fixture("ed25519.spki.der"));
    expect(ed.subjectPublicKey).toEqual(fixture("ed25519.spki.der").subarray(-32));
  });

  it("copies its input", () => {
    const der = fixture("p256.spki.der");
    const key = parseSpki(der);
    der[der.length - 1]! ^= 1;
    expect(key.spki).not.toEqual(der);
  });

  it.each([
    ["p256.spki-compressed.der", /compressed P-256 point refused/],
    ["p256.spki-explicit.der", /explicit curve parameters/],
    ["secp256k1.spki.der", /unsupported EC curve 1\.3\.132\.0\.10/],
    ["rsa1024.spki.der", /RSA key of 1024 bits refused: at least 2048/],
    ["rsa4160.spki.der", /RSA key of 4160 bits refused: at most 4096/],
    ["rsapss.spki.der", /RSASSA-PSS keys/],
    ["ed448.spki.der", /unknown or unsupported public key algorithm 1\.3\.101\.113/],
    ["p256.cert.der", /SubjectPublicKeyInfo/],
  ] as const)("refuses %s", (name, message) => {
    const e = refusal(() => parseSpki(fixture(name)));
    expect(e.field).toBe("publicKey");
    expect(e.message).toMatch(message);
  });

  it("refuses garbage, empty input and trailing data", () => {
    expect(refusal(() => parseSpki(new TextEncoder().encode("not a key at all"))).field).toBe("publicKey");
    expect(refusal(() => parseSpki(new Uint8Array(0))).message).toMatch(/empty/);
    const der = fixture("p256.spki.der");
    const trailing = new Uint8Array(der.length + 1);
    trailing.set(der);
    expect(refusal(() => parseSpki(trailing)).message).toMatch(/trailing data/);
    expect(refusal(() => parseSpki(der.subarray(0, der.length - 1))).message).toMatch(/length exceeds input/);
  });

  it("refuses a point that is not on the curve", () => {
    const der = fixture("p256.spki.der");
    der[der.length - 1]! ^= 1;
    expect(refusal(() => parseSpki(der)).message).toMatch(/not on the curve/);
  });

  it("refuses encodings that do not round-trip (BER long-form length)", () => {
    // Re-wrap the SPKI's content with a long-form length for a short value: valid BER, not DER.
    const der = fixture("ed25519.spki.der"); // 30 2a ...
    const ber = new Uint8Array([0x30, 0x81, der[1]!, ...der.subarray(2)]);
    expect(refusal(() => parseSpki(ber)).message).toMatch(/non-minimal length/);
  });

  it("refuses an RSA key without NULL parameters", () => {
    const der = fixture("rsa2048.spki.der");
    // AlgorithmIdentifier 30 0d 06 09 <oid> 05 00 -> 30 0b 06 09 <oid>
    const algId = der.subarray(4, 4 + 15);
    expect([...algId.subarray(0, 2)]).toEqual([0x30, 0x0d]);
    const bitString = der.subarray(4 + 15);
    const noNull = encodeElement(TAG.SEQUENCE, encodeElement(TAG.SEQUENCE, algId.subarray(2, 13)), bitString);
    expect(refusal(() => parseSpki(noNull)).message).toMatch(/parameters must be NULL/);
  });

  it("refuses Ed25519 keys with parameters and non-canonical points", () => {
    const key = fixture("ed25519.spki.der").subarray(-32);
    const withParams = encodeElement(
      TAG.SEQUENCE,
      encodeElement(TAG.SEQUENCE, encodeElement(TAG.OID, Uint8Array.of(0x2b, 0x65, 0x70)), encodeElement(TAG.NULL)),
      encodeElement(TAG.BIT_STRING, Uint8Array.of(0), key),
    );
    expect(refusal(() => parseSpki(withParams)).message).toMatch(/parameters must be absent/);
    // y = p (2^255 - 19) is a non-canonical encoding of y = 0.
    const nonCanonical = hexToBytes("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    const spki = encodeElement(
      TAG.SEQUENCE,
      encodeElement(TAG.SEQUENCE, encodeElement(TAG.OID, Uint8Array.of(0x2b, 0x65, 0x70))),
      encodeElement(TAG.BIT_STRING, Uint8Array.of(0), nonCanonical),
    );
    expect(refusal(() => parseSpki(spki)).message).toMatch(/not a valid point encoding/);
  });

  it("throws TypeError, not SignatureError, for a non-bytes argument", () => {
    expect(() => parseSpki("MFkw" as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe("parseCertificate", () => {
  it.each([
    ["p256.cert.der", "p256.spki.der", "ecdsa"],
    ["rsa2048.cert.der", "rsa2048.spki.der", "rsa"],
    ["ed25519.cert.der", "ed25519.spki.der", "ed25519"],
  ] as const)("takes the key of %s", (certName, spkiName, kind) => {
    const key = parseCertificate(fixture(certName));
    expect(key.kind).toBe(kind);
    expect(key.spki).toEqual(fixture(spkiName));
    expect(key.certificate).toEqual(fixture(certName));
  });

  it("refuses a certificate with a compressed point", () => {
    const e = refusal(() => parseCertificate(fixture("p256-compressed.cert.der")));
    expect(e.field).toBe("certificate");
    expect(e.message).toMatch(/compressed P-256 point refused/);
  });

  it("refuses an SPKI, garbage and a truncated certificate", () => {
    expect(refusal(() => parseCertificate(fixture("p256.spki.der"))).field).toBe("certificate");
    expect(refusal(() => parseCertificate(hexToBytes("deadbeef"))).field).toBe("certificate");
    const der = fixture("p256.cert.der");
    expect(refusal(() => parseCertificate(der.subarray(0, der.length - 5))).field).toBe("certificate");
  });
});

describe("PEM", () => {
  it("parses PUBLIC KEY blocks", () => {
    for (const [pem, der] of [
      ["p256.pub.pem", "p256.spki.der"],
      ["rsa4096.pub.pem", "rsa4096.spki.der"],
      ["ed25519.pub.pem", "ed25519.spki.der"],
    ] as const) {
      expect(parsePem(fixtureText(pem)).spki).toEqual(fixture(der));
      expect(parsePem(fixture(pem)).spki).toEqual(fixture(der)); // bytes too
    }
  });

  it("parses a certificate and takes the first certificate of a chain", () => {
    const single = parsePem(fixtureText("rsa2048.cert.pem"));
    expect(single.certificate).toEqual(fixture("rsa2048.cert.der"));
    const chain = parsePem(fixtureText("chain.cert.pem"));
    expect(chain.kind).toBe("ecdsa");
    expect(chain.certificate).toEqual(fixture("p256.cert.der"));
  });

  it("accepts CRLF line ends and surrounding whitespace", () => {
    const pem = "\n  \r\n" + fixtureText("p256.pub.pem").replaceAll("\n", "\r\n") + "\n\n";
    expect(parsePem(pem).spki).toEqual(fixture("p256.spki.der"));
  });

  it("refuses more than one PUBLIC KEY, mixed chains and long chains", () => {
    const pub = fixtureText("p256.pub.pem");
    const cert = fixtureText("p256.cert.pem");
    expect(refusal(() => parsePem(pub + pub)).message).toMatch(/exactly one block/);
    expect(refusal(() => parsePem(cert + pub)).message).toMatch(/only hold CERTIFICATE blocks/);
    expect(refusal(() => parsePem(cert.repeat(11))).message).toMatch(/more than 10 certificates/);
    expect(parsePem(cert.repeat(10)).kind).toBe("ecdsa");
  });

  it("refuses malformed PEM", () => {
    const pub = fixtureText("p256.pub.pem");
    const cases: [string, RegExp][] = [
      ["", /no PEM block/],
      ["hello\n" + pub, /outside PEM blocks/],
      [pub.replace("-----END PUBLIC KEY-----", "-----END CERTIFICATE-----"), /does not match/],
      [pub.replace("-----END PUBLIC KEY-----\n", ""), /no END line/],
      [pub.replace("-----BEGIN PUBLIC KEY-----\n", "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n"), /headers/],
      [pub.replace("MFkw", "MFk*"), /not standard padded base64/],
      [pub.replaceAll("PUBLIC KEY", "EC PRIVATE KEY"), /unsupported PEM block "EC PRIVATE KEY"/],
      ["-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", /empty PEM/],
      [pub.replace("MFkw", "MFkwé"), /ASCII/],
    ];
    for (const [text, message] of cases) expect(refusal(() => parsePem(text)).message).toMatch(message);
  });

  it("a broken certificate later in a chain fails the whole chain", () => {
    const broken = encodePem("CERTIFICATE", hexToBytes("3003020101"));
    expect(refusal(() => parsePem(fixtureText("p256.cert.pem") + broken)).field).toBe("certificate");
  });

  it("encodePem writes Go's pem.EncodeToMemory form, which decodePem reads back", () => {
    const der = fixture("rsa2048.spki.der");
    const pem = encodePem("PUBLIC KEY", der);
    expect(pem).toBe(fixtureText("rsa2048.pub.pem")); // OpenSSL writes the same 64-column form
    expect(decodePem(pem)).toEqual([{ label: "PUBLIC KEY", der }]);
  });
});

describe("parsePublicKey", () => {
  it("detects DER SPKI, DER certificate and PEM", () => {
    const expectKey = (key: PublicKeyInfo, spki: Uint8Array) => expect(key.spki).toEqual(spki);
    expectKey(parsePublicKey(fixture("p384.spki.der")), fixture("p384.spki.der"));
    expectKey(parsePublicKey(fixture("p256.cert.der")), fixture("p256.spki.der"));
    expectKey(parsePublicKey(fixture("p521.pub.pem")), fixture("p521.spki.der"));
    expectKey(parsePublicKey(fixtureText("ed25519.cert.pem")), fixture("ed25519.spki.der"));
  });

  it("refuses garbage with a clear error", () => {
    const e = refusal(() => parsePublicKey(hexToBytes("0102030405")));
    expect(e.field).toBe("publicKey");
    expect(e.message).toMatch(/neither a DER SubjectPublicKeyInfo nor a DER certificate/);
  });
});
