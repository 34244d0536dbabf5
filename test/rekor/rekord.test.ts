// Rekor v1 rekord 0.0.1 through POST /api/v1/log/entries with signatures made by GnuPG, minisign, ssh-keygen and
// OpenSSL (test/fixtures/rekord): every format and key kind is logged and verifies; the canonical body holds the
// data's SHA-256 (never the data) and each key and signature in Rekor's canonical form, byte for byte what Go's
// libraries give (fixtures/rekord/rekor-canonical); bad submissions get a
// 4xx naming the problem and change nothing; the entries are found by their index keys.
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { dearmor, readPackets } from "../../src/pki/pgp-packets.ts";
import { readConfig } from "../../src/log/shards.ts";
import { TooLargeError } from "../../src/rekor/errors.ts";
import { canonicalizeProposedEntry } from "../../src/rekor/v1/proposed-entry.ts";
import { indexKeysOf } from "../../src/search/index-keys.ts";
import { publicKeyIndexKey } from "../../src/search/rekord-keys.ts";
import { fromBase64, toBase64, toHex, utf8Decode } from "../../src/tlog/encoding.ts";
import { fixture, fixtureText, rekorBody, type FixtureName } from "../fixtures/rekord/index.ts";
import { http, logVerifierKey, sequencer } from "../helpers/log.ts";
import { verifyHit, type Hit } from "../helpers/search.ts";
import { verifyV1Entry } from "../helpers/v1-entry.ts";

type Format = "pgp" | "minisign" | "x509" | "ssh";

interface Case {
  name: string;
  format: Format;
  key: FixtureName;
  sig: FixtureName;
  /** The key's search key, from the tool's own output (gpg --with-colons, minisign's comment, ssh-keygen -l, sha256sum). */
  searchKey: string;
}

const text = (n: FixtureName) => fixtureText(n).trim();

const CASES: Case[] = [
  {
    name: "PGP RSA, armored key, binary signature",
    format: "pgp",
    key: "pgp-rsa.pub.asc",
    sig: "pgp-rsa.sig",
    searchKey: `key:pgp:${text("pgp-rsa.fingerprint")}`,
  },
  {
    name: "PGP RSA, binary key, armored signature",
    format: "pgp",
    key: "pgp-rsa.pub.gpg",
    sig: "pgp-rsa.sig.asc",
    searchKey: `key:pgp:${text("pgp-rsa.fingerprint")}`,
  },
  {
    name: "PGP Ed25519",
    format: "pgp",
    key: "pgp-ed25519.pub.gpg",
    sig: "pgp-ed25519.sig",
    searchKey: `key:pgp:${text("pgp-ed25519.fingerprint")}`,
  },
  {
    name: "PGP ECDSA P-256",
    format: "pgp",
    key: "pgp-p256.pub.asc",
    sig: "pgp-p256.sig.asc",
    searchKey: `key:pgp:${text("pgp-p256.fingerprint")}`,
  },
  {
    name: "PGP key with subkeys, signed by its Ed25519 subkey",
    format: "pgp",
    key: "pgp-subkeys.pub.gpg",
    sig: "pgp-subkeys.sig",
    searchKey: `key:pgp:${text("pgp-subkeys.fingerprints").split("\n")[0]}`,
  },
  {
    name: "PGP text-mode signature",
    format: "pgp",
    key: "pgp-rsa.pub.asc",
    sig: "pgp-rsa.textmode.sig.asc",
    searchKey: `key:pgp:${text("pgp-rsa.fingerprint")}`,
  },
  {
    name: "minisign prehashed (ED)",
    format: "minisign",
    key: "minisign-a.pub",
    sig: "minisign-a.prehashed.minisig",
    searchKey: `key:minisign:${text("minisign-a.keyid")}`,
  },
  {
    name: "minisign legacy (Ed)",
    format: "minisign",
    key: "minisign-a.pub",
    sig: "minisign-a.legacy.minisig",
    searchKey: `key:minisign:${text("minisign-a.keyid")}`,
  },
  {
    name: "SSH Ed25519",
    format: "ssh",
    key: "ssh-ed25519.pub",
    sig: "ssh-ed25519.sig",
    searchKey: `key:ssh:${text("ssh-ed25519.fingerprint")}`,
  },
  {
    name: "SSH ECDSA P-256",
    format: "ssh",
    key: "ssh-p256.pub",
    sig: "ssh-p256.sig",
    searchKey: `key:ssh:${text("ssh-p256.fingerprint")}`,
  },
  {
    name: "SSH ECDSA P-384",
    format: "ssh",
    key: "ssh-p384.pub",
    sig: "ssh-p384.sig",
    searchKey: `key:ssh:${text("ssh-p384.fingerprint")}`,
  },
  {
    name: "SSH ECDSA P-521",
    format: "ssh",
    key: "ssh-p521.pub",
    sig: "ssh-p521.sig",
    searchKey: `key:ssh:${text("ssh-p521.fingerprint")}`,
  },
  {
    name: "SSH RSA (rsa-sha2-512)",
    format: "ssh",
    key: "ssh-rsa.pub",
    sig: "ssh-rsa.sig",
    searchKey: `key:ssh:${text("ssh-rsa.fingerprint")}`,
  },
  {
    name: "X.509 P-256 public key",
    format: "x509",
    key: "x509-p256.pub.pem",
    sig: "x509-p256.sig",
    searchKey: `key:sha256:${text("x509-p256.spki-sha256")}`,
  },
  {
    name: "X.509 P-384 certificate",
    format: "x509",
    key: "x509-p384.cert.pem",
    sig: "x509-p384.sig",
    searchKey: `key:sha256:${text("x509-p384.spki-sha256")}`,
  },
  {
    name: "X.509 RSA certificate",
    format: "x509",
    key: "x509-rsa.cert.pem",
    sig: "x509-rsa.sig",
    searchKey: `key:sha256:${text("x509-rsa.spki-sha256")}`,
  },
  {
    name: "X.509 Ed25519 public key",
    format: "x509",
    key: "x509-ed25519.pub.pem",
    sig: "x509-ed25519.sig",
    searchKey: `key:sha256:${text("x509-ed25519.spki-sha256")}`,
  },
];

const ARTIFACT = fixture("artifact.txt");
const DIGEST = toHex(sha256(ARTIFACT));

function rekord(
  format: Format,
  key: Uint8Array,
  sig: Uint8Array,
  data: Uint8Array = ARTIFACT,
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: "0.0.1",
    kind: "rekord",
    spec: {
      data: { content: toBase64(data), ...extra },
      signature: { format, content: toBase64(sig), publicKey: { content: toBase64(key) } },
    },
  };
}

const post = (body: unknown) =>
  http("/api/v1/log/entries", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function treeSize(): Promise<number> {
  await sequencer().status();
  return ((await (await http("/api/v1/log")).json()) as { treeSize: number }).treeSize;
}

/** What the canonical key must be, from the tools' own files. */
function expectCanonicalKey(c: Case, canonical: Uint8Array) {
  const t = utf8Decode(canonical);
  switch (c.format) {
    case "pgp": {
      // gpg's packets, re-framed as Go writes them: same tags and bodies.
      const gpg = c.key.endsWith(".asc") ? dearmor(fixtureText(c.key), "publicKey").data : fixture(c.key);
      const ours = readPackets(dearmor(t, "publicKey").data, "publicKey");
      expect(ours.map((p) => [p.tag, toHex(p.body)])).toEqual(
        readPackets(gpg, "publicKey").map((p) => [p.tag, toHex(p.body)]),
      );
      expect(t).toMatch(
        /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n[\s\S]*\n=[A-Za-z0-9+/]{4}\n-----END PGP PUBLIC KEY BLOCK-----$/,
      );
      break;
    }
    case "minisign":
      expect(t).toBe(fixtureText(c.key).split("\n")[1]); // the .pub file's key line, no comment
      break;
    case "ssh":
      expect(t).toBe(fixtureText(c.key).split(" ").slice(0, 2).join(" ") + "\n"); // "<type> <base64>\n", comment dropped
      break;
    case "x509":
      expect(t).toBe(fixtureText(c.key)); // OpenSSL's PEM is already Go's
      break;
  }
}

describe("Rekor v1 rekord 0.0.1", () => {
  for (const c of CASES) {
    it(`logs ${c.name}: 201, verifiable entry, canonical body, searchable`, async () => {
      const r = await post(rekord(c.format, fixture(c.key), fixture(c.sig)));
      expect(r.status, await r.clone().text()).toBe(201);
      const map = (await r.json()) as Record<string, any>;
      const [uuid] = Object.keys(map);
      expect(r.headers.get("location")).toBe(`/api/v1/log/entries/${uuid}`);
      const body = await verifyV1Entry(uuid!, map[uuid!]);
      // Byte for byte what Rekor's Go libraries make of the same submission: the entry UUID is Rekor's.
      expect(utf8Decode(fromBase64(map[uuid!].body))).toBe(rekorBody(c.format, c.key, c.sig));
      expect(Object.keys(body.spec).sort()).toEqual(["data", "signature"]);
      expect(body.spec.data).toEqual({ hash: { algorithm: "sha256", value: DIGEST } }); // the digest, never the data
      expect(body.spec.signature.format).toBe(c.format);
      expectCanonicalKey(c, fromBase64(body.spec.signature.publicKey.content));

      // The index keys: the data digest, and the key as the tool named it (also from the key as submitted).
      const keys = indexKeysOf(fromBase64(map[uuid!].body));
      expect(keys).toContain(`sha256:${DIGEST}`);
      expect(keys).toContain(c.searchKey);
      expect(publicKeyIndexKey(c.format, fixture(c.key))).toBe(c.searchKey);

      // Read back by UUID; found by the v1 index (hash and public key).
      await sequencer().status();
      const g = await http(`/api/v1/log/entries/${uuid}`);
      expect(g.status).toBe(200);
      expect(((await g.json()) as Record<string, any>)[uuid!].body).toBe(map[uuid!].body);
      const found = await http("/api/v1/index/retrieve", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          publicKey: { format: c.format, content: toBase64(fixture(c.key)) },
          hash: `sha256:${DIGEST}`,
          operator: "and",
        }),
      });
      expect(found.status).toBe(200);
      expect(((await found.json()) as string[]).map((u) => u.slice(-64))).toContain(uuid!.slice(-64));
      // And by GET /api/v2/search with the key as the tool printed it: a hit that verifies, with this body.
      const search = await http(`/api/v2/search?key=${encodeURIComponent(c.searchKey)}&limit=20`);
      expect(search.status).toBe(200);
      const hits = ((await search.json()) as { hits: Hit[] }).hits.filter(
        (h) => h.entry.canonicalizedBody === map[uuid!].body,
      );
      expect(hits).toHaveLength(1);
      verifyHit(hits[0]!, logVerifierKey());
    });
  }

  it("canonicalizes every key and signature spelling in the fixtures exactly as Rekor's Go libraries do", async () => {
    const bodies = JSON.parse(fixtureText("rekor-bodies.json")) as Record<string, string>;
    expect(Object.keys(bodies).length).toBeGreaterThanOrEqual(30);
    for (const name of Object.keys(bodies)) {
      const [format, key, sig] = name.split(" ") as [Format, FixtureName, FixtureName];
      const entry = await canonicalizeProposedEntry(rekord(format, fixture(key), fixture(sig)));
      expect(utf8Decode(entry.body), name).toBe(rekorBody(format, key, sig));
    }
  });

  it("indexes every fingerprint of a PGP key with subkeys, as gpg lists them", async () => {
    const body = await canonicalizeProposedEntry(
      rekord("pgp", fixture("pgp-subkeys.pub.gpg"), fixture("pgp-subkeys.sig")),
    );
    const keys = indexKeysOf(body.body);
    const fprs = text("pgp-subkeys.fingerprints").split("\n");
    expect(fprs).toHaveLength(3);
    for (const f of fprs) expect(keys).toContain(`key:pgp:${f}`);
    expect(keys).toContain("email:fixture.subkeys@example.com");
  });

  it("indexes PGP user-ID e-mails lowercased and certificate e-mails", async () => {
    const pgp = rekord("pgp", fixture("pgp-p256.pub.gpg"), fixture("pgp-p256.sig"));
    const r = await post(pgp);
    expect(r.status).toBe(201);
    const [entry] = Object.values((await r.json()) as Record<string, any>);
    expect(indexKeysOf(fromBase64(entry.body))).toContain("email:fixture.p256@example.com"); // gpg UID "Fixture.P256@example.com"
    const x = await post(rekord("x509", fixture("x509-p256.cert.pem"), fixture("x509-p256.sig")));
    expect(x.status).toBe(201);
    const [xe] = Object.values((await x.json()) as Record<string, any>);
    expect(indexKeysOf(fromBase64(xe.body))).toContain("email:x509.p256@example.com");
  });

  it("gives the same entry for a key sent armored or binary, and answers the second with 409", async () => {
    const first = await post(rekord("pgp", fixture("pgp-ed25519.pub.asc"), fixture("pgp-ed25519.sig.asc")));
    expect(first.status).toBe(201);
    const [uuid] = Object.keys((await first.json()) as object);
    const again = await post(rekord("pgp", fixture("pgp-ed25519.pub.gpg"), fixture("pgp-ed25519.sig.asc")));
    expect(again.status).toBe(409);
    expect(again.headers.get("location")).toBe(`/api/v1/log/entries/${uuid}`);
    expect(await again.json()).toMatchObject({
      code: 409,
      message: `an equivalent entry already exists in the transparency log with UUID ${uuid}`,
      entry: { [uuid!]: {} },
    });
    // A matching spec.data.hash is accepted (and gives the same entry).
    const withHash = await post(
      rekord("pgp", fixture("pgp-ed25519.pub.asc"), fixture("pgp-ed25519.sig.asc"), ARTIFACT, {
        hash: { algorithm: "sha256", value: DIGEST },
      }),
    );
    expect(withHash.status).toBe(409);
  });

  it("takes its data size limit from REKORD_MAX_DATA_BYTES", async () => {
    expect(readConfig({}).rekordMaxDataBytes).toBe(512 * 1024);
    const limit = readConfig({ REKORD_MAX_DATA_BYTES: String(ARTIFACT.length) }).rekordMaxDataBytes;
    expect(limit).toBe(ARTIFACT.length);
    expect(() => readConfig({ REKORD_MAX_DATA_BYTES: "0" })).toThrow(/REKORD_MAX_DATA_BYTES/);
    const req = rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig"));
    await canonicalizeProposedEntry(req, { maxDataBytes: limit }); // exactly at the limit: accepted
    await expect(canonicalizeProposedEntry(req, { maxDataBytes: limit - 1 })).rejects.toThrow(TooLargeError);
  });

  it("refuses bad submissions with a 4xx naming the problem, and logs nothing", async () => {
    const before = await treeSize();
    const tampered = ARTIFACT.slice();
    tampered[3] = tampered[3]! ^ 1;
    const garbage = new TextEncoder().encode("not a key at all");
    const mini = fixtureText("minisign-a.prehashed.minisig").split("\n");
    const badComment = new TextEncoder().encode([mini[0], mini[1], mini[2] + " (edited)", mini[3], ""].join("\n"));
    const cases: [string, unknown, number, RegExp][] = [
      // wrong key
      [
        "pgp: other key",
        rekord("pgp", fixture("pgp-rsa.pub.asc"), fixture("pgp-ed25519.sig")),
        400,
        /spec\.signature\.content \(pgp\).*does not verify/,
      ],
      [
        "minisign: other key",
        rekord("minisign", fixture("minisign-a.pub"), fixture("minisign-b.prehashed.minisig")),
        400,
        /spec\.signature\.content \(minisign\).*key/,
      ],
      [
        "ssh: other key",
        rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519-other.sig")),
        400,
        /spec\.signature\.content \(ssh\).*another key/,
      ],
      [
        "x509: other key",
        rekord("x509", fixture("x509-p256.pub.pem"), fixture("x509-p384.sig")),
        400,
        /spec\.signature\.content \(x509\)/,
      ],
      // tampered data
      [
        "pgp: tampered data",
        rekord("pgp", fixture("pgp-rsa.pub.asc"), fixture("pgp-rsa.sig"), tampered),
        400,
        /does not verify/,
      ],
      [
        "minisign ED: tampered data",
        rekord("minisign", fixture("minisign-a.pub"), fixture("minisign-a.prehashed.minisig"), tampered),
        400,
        /does not verify the data/,
      ],
      [
        "minisign Ed: tampered data",
        rekord("minisign", fixture("minisign-a.pub"), fixture("minisign-a.legacy.minisig"), tampered),
        400,
        /does not verify the data/,
      ],
      [
        "minisign: edited trusted comment",
        rekord("minisign", fixture("minisign-a.pub"), badComment),
        400,
        /trusted comment/,
      ],
      [
        "ssh: tampered data",
        rekord("ssh", fixture("ssh-rsa.pub"), fixture("ssh-rsa.sig"), tampered),
        400,
        /does not verify/,
      ],
      [
        "x509: tampered data",
        rekord("x509", fixture("x509-ed25519.pub.pem"), fixture("x509-ed25519.sig"), tampered),
        400,
        /spec\.signature\.content \(x509\)/,
      ],
      // malformed keys
      [
        "pgp: malformed key",
        rekord("pgp", garbage, fixture("pgp-rsa.sig")),
        400,
        /spec\.signature\.publicKey\.content \(pgp\)/,
      ],
      [
        "pgp: secret key",
        rekord("pgp", fixture("pgp-throwaway.secret-key.asc"), fixture("pgp-rsa.sig")),
        400,
        /private key/,
      ],
      [
        "minisign: malformed key",
        rekord("minisign", garbage, fixture("minisign-a.legacy.minisig")),
        400,
        /spec\.signature\.publicKey\.content \(minisign\)/,
      ],
      [
        "ssh: malformed key",
        rekord("ssh", garbage, fixture("ssh-ed25519.sig")),
        400,
        /spec\.signature\.publicKey\.content \(ssh\)/,
      ],
      [
        "x509: malformed key",
        rekord("x509", garbage, fixture("x509-p256.sig")),
        400,
        /spec\.signature\.publicKey\.content/,
      ],
      // signatures Rekor would not verify
      [
        "ssh: namespace git",
        rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.git-namespace.sig")),
        400,
        /namespace "git"/,
      ],
      [
        "ssh: sha256 message hash",
        rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sha256.sig")),
        400,
        /sha512/,
      ],
      [
        "pgp: a key as the signature",
        rekord("pgp", fixture("pgp-rsa.pub.asc"), fixture("pgp-rsa.pub.gpg")),
        400,
        /spec\.signature\.content \(pgp\)/,
      ],
      // the request itself
      [
        "hash mismatch",
        rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig"), ARTIFACT, {
          hash: { algorithm: "sha256", value: "0".repeat(64) },
        }),
        400,
        /not the SHA-256 of spec\.data\.content/,
      ],
      [
        "uppercase hash",
        rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig"), ARTIFACT, {
          hash: { algorithm: "sha256", value: DIGEST.toUpperCase() },
        }),
        400,
        /not the SHA-256/,
      ],
      [
        "unknown format",
        rekord("tuf" as Format, fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig")),
        400,
        /format must be one of pgp, minisign, x509, ssh/,
      ],
      [
        "data by URL",
        {
          ...rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig")),
          spec: {
            data: { url: "https://example.com/a" },
            signature: rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig")).spec.signature,
          },
        },
        400,
        /url/,
      ],
      [
        "no data",
        {
          ...rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig")),
          spec: {
            data: {},
            signature: rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig")).spec.signature,
          },
        },
        400,
        /spec\.data\.content is required/,
      ],
      [
        "oversized data",
        rekord("ssh", fixture("ssh-ed25519.pub"), fixture("ssh-ed25519.sig"), new Uint8Array(512 * 1024 + 1)),
        413,
        /larger than the 524288-byte limit/,
      ],
    ];
    for (const [what, body, status, message] of cases) {
      const r = await post(body);
      expect(r.status, what).toBe(status);
      const j = (await r.json()) as { code: number; message: string };
      expect(j.code, what).toBe(status);
      expect(j.message, what).toMatch(message);
    }
    expect(await treeSize()).toBe(before);
  });
});
