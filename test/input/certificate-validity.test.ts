// Certificates outside their validity period are refused on write (src/pki/validity.ts), a departure from Rekor:
// such an entry could never verify, since sigstore clients require the entry's time to fall within the signing
// certificate's validity. Fixtures: test/fixtures/pki-validity (OpenSSL `ca -selfsign` with explicit dates).
import { describe, expect, it } from "vitest";
import { encodeElement, TAG } from "../../src/pki/der.ts";
import { SignatureError } from "../../src/pki/errors.ts";
import { certificateValidity, certificateValidityProblem } from "../../src/pki/validity.ts";
import { toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { fixture } from "../fixtures/pki/index.ts";
import { PERIODS, validityFixture, type ValidityFixtureName } from "../fixtures/pki-validity/index.ts";
import { http } from "../helpers/log.ts";

const DAY = 86_400_000;
const post = (path: string, body: unknown) =>
  http(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** A minimal DER "certificate" whose only meaningful part is its Validity (certificateValidity reads no more). */
function certWithTimes(notBefore: [number, string], notAfter: [number, string], withVersion = true): Uint8Array {
  const time = ([tag, text]: [number, string]) => encodeElement(tag, utf8Encode(text));
  const empty = encodeElement(TAG.SEQUENCE);
  const tbs = encodeElement(
    TAG.SEQUENCE,
    ...(withVersion ? [encodeElement(TAG.CONTEXT_0, encodeElement(TAG.INTEGER, Uint8Array.of(2)))] : []),
    encodeElement(TAG.INTEGER, Uint8Array.of(1)),
    empty,
    empty,
    encodeElement(TAG.SEQUENCE, time(notBefore), time(notAfter)),
    empty,
    empty,
  );
  return encodeElement(TAG.SEQUENCE, tbs, empty, encodeElement(TAG.BIT_STRING, Uint8Array.of(0)));
}
const UTC = 0x17;
const GEN = 0x18;

describe("certificateValidity", () => {
  it("reads the OpenSSL fixtures' periods exactly (UTCTime and GeneralizedTime)", () => {
    for (const name of ["expired", "not-yet-valid", "valid"] as const) {
      expect(certificateValidity(validityFixture(`${name}.cert.der`)), name).toEqual(PERIODS[name]);
    }
  });

  it("the pki fixtures' self-signed certificates are valid now and for at least another year", () => {
    for (const name of ["p256.cert.der", "rsa2048.cert.der", "ed25519.cert.der"] as const) {
      const { notBefore, notAfter } = certificateValidity(fixture(name));
      expect(notBefore, name).toBeLessThanOrEqual(Date.now());
      // generate.sh issues them for 3650 days; regenerate the fixtures if this fails.
      expect(notAfter - Date.now(), `${name} expires at ${new Date(notAfter).toISOString()}`).toBeGreaterThan(
        365 * DAY,
      );
    }
  });

  it("is inclusive at both ends and names the instant in its message", () => {
    const der = validityFixture("expired.cert.der");
    const { notBefore, notAfter } = PERIODS.expired;
    expect(certificateValidityProblem(der, notBefore)).toBeNull();
    expect(certificateValidityProblem(der, notAfter)).toBeNull();
    expect(certificateValidityProblem(der, notBefore - 1)).toBe(
      `certificate is not valid before 2020-01-01T00:00:00Z (now 2019-12-31T23:59:59.999Z)`,
    );
    expect(certificateValidityProblem(der, notAfter + 1000)).toBe(
      `certificate expired at 2021-01-01T00:00:00Z (now 2021-01-01T00:00:01Z)`,
    );
    expect(certificateValidityProblem(validityFixture("valid.cert.der"), Date.now())).toBeNull();
  });

  it("maps UTCTime years as RFC 5280 does (50–99 → 19xx, 00–49 → 20xx), with or without a version field", () => {
    for (const withVersion of [true, false]) {
      expect(certificateValidity(certWithTimes([UTC, "500101000000Z"], [UTC, "491231235959Z"], withVersion))).toEqual({
        notBefore: Date.UTC(1950, 0, 1),
        notAfter: Date.UTC(2049, 11, 31, 23, 59, 59),
      });
    }
    const d = new Date(0);
    d.setUTCFullYear(1, 0, 1);
    expect(certificateValidity(certWithTimes([GEN, "00010101000000Z"], [GEN, "99991231235959Z"])).notBefore).toBe(
      d.getTime(),
    );
  });

  it("refuses times that are not in RFC 5280's form or not real instants, with a SignatureError", () => {
    const bad: [number, string][] = [
      [UTC, "2001010000Z"], // no seconds
      [UTC, "200101000000+0100"], // an offset
      [GEN, "20200101000000.5Z"], // a fraction
      [GEN, "202001010000Z"],
      [UTC, "201301000000Z"], // month 13
      [UTC, "200230000000Z"], // February 30
      [UTC, "200101240000Z"], // hour 24
      [UTC, "200101000060Z"], // second 60
      [0x13, "200101000000Z"], // PrintableString
    ];
    for (const t of bad) {
      const e = (() => {
        try {
          certificateValidity(certWithTimes(t, [UTC, "300101000000Z"]));
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(e, t[1]).toBeInstanceOf(SignatureError);
      expect((e as Error).message, t[1]).toMatch(/^certificate: malformed validity: notBefore: /);
    }
    expect(() => certificateValidity(Uint8Array.of(0x30, 0))).toThrow(SignatureError);
  });
});

function v2(cert: ValidityFixtureName) {
  return {
    hashedRekordRequestV002: {
      digest: toBase64(validityFixture("message.sha256")),
      signature: {
        content: toBase64(validityFixture("p256.sig-digest.der")),
        verifier: {
          x509Certificate: { rawBytes: toBase64(validityFixture(cert)) },
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
        },
      },
    },
  };
}

function v1(cert: ValidityFixtureName) {
  return {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: {
      data: { hash: { algorithm: "sha256", value: toHex(validityFixture("message.sha256")) } },
      signature: {
        content: toBase64(validityFixture("p256.sig-digest.der")),
        publicKey: { content: toBase64(validityFixture(cert)) },
      },
    },
  };
}

describe("the write APIs refuse certificates outside their validity period", () => {
  it("Rekor v2: a valid certificate is logged; the same key and signature with an expired or future certificate is a 400", async () => {
    const ok = await post("/api/v2/log/entries", v2("valid.cert.der"));
    expect([201, 409]).toContain(ok.status);
    const expired = await post("/api/v2/log/entries", v2("expired.cert.der"));
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as any).message).toMatch(
      /^hashedRekordRequestV002\.signature\.verifier\.x509Certificate: certificate expired at 2021-01-01T00:00:00Z \(now 20\d\d-/,
    );
    const future = await post("/api/v2/log/entries", v2("not-yet-valid.cert.der"));
    expect(future.status).toBe(400);
    expect(((await future.json()) as any).message).toMatch(
      /x509Certificate: certificate is not valid before 2099-01-01T00:00:00Z/,
    );
  });

  it("Rekor v1: the same, with the certificate as PEM", async () => {
    const ok = await post("/api/v1/log/entries", v1("valid.cert.pem"));
    expect([201, 409]).toContain(ok.status);
    const expired = await post("/api/v1/log/entries", v1("expired.cert.pem"));
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as any).message).toMatch(
      /^error processing entry: spec\.signature\.publicKey\.content: certificate expired at 2021-01-01T00:00:00Z/,
    );
    const future = await post("/api/v1/log/entries", v1("not-yet-valid.cert.pem"));
    expect(future.status).toBe(400);
    expect(((await future.json()) as any).message).toMatch(/certificate is not valid before 2099-01-01T00:00:00Z/);
  });

  it("Rekor v1: only the signing (first) certificate of a chain is checked", async () => {
    const chain = (first: ValidityFixtureName, second: ValidityFixtureName) => {
      const req = v1(first);
      const pem = new TextDecoder().decode(validityFixture(first)) + new TextDecoder().decode(validityFixture(second));
      req.spec.signature.publicKey.content = toBase64(utf8Encode(pem));
      return req;
    };
    expect([201, 409]).toContain(
      (await post("/api/v1/log/entries", chain("valid.cert.pem", "expired.cert.pem"))).status,
    );
    const r = await post("/api/v1/log/entries", chain("expired.cert.pem", "valid.cert.pem"));
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).message).toMatch(/certificate expired at/);
  });
});
