// `edgelog search` end to end against the Worker under Miniflare: entries uploaded over HTTP are
// found by key file, digest file and email, each hit verified by the CLI (checkpoint signature,
// inclusion proof); a wrong log key fails verification (exit 1), a bad query is a usage error (exit 2),
// and a tampered hit, or one that does not match the query, does not verify.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySearchHit } from "../../cli/search.ts";
import { encodePem } from "../../src/pki/keys.ts";
import { toBase64, toHex } from "../../src/tlog/encoding.ts";
import { ProofError } from "../../src/tlog/errors.ts";
import { generateKey, newVerifier } from "../../src/tlog/note.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";
import { runCli as cli } from "./cli-runner.ts";

let log: LocalLog;
const dir = mkdtempSync(join(tmpdir(), "edgelog-search-"));
const key = p256Key();
const indices: number[] = [];
const artifacts = [0, 1, 2].map((i) => new TextEncoder().encode(`cli search artifact ${i} ${Math.random()}`));
const email = `Searcher-${Math.random().toString(36).slice(2)}@Example.org`;

async function post(body: unknown): Promise<any> {
  const r = await fetch(`${log.url}/api/v2/log/entries`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return r.json();
}

beforeAll(async () => {
  log = await startLocalLog();
  for (const a of artifacts) indices.push(Number((await post(hashedRekordV2(key, a))).logIndex));
  const certKey = p256Key();
  const digest = sha256(new TextEncoder().encode("signed by a certificate"));
  await post({
    hashedRekordRequestV002: {
      digest: toBase64(digest),
      signature: {
        content: toBase64(certKey.signDigest(digest)),
        verifier: {
          x509Certificate: { rawBytes: toBase64(fulcioCertificate(certKey, { email })) },
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
        },
      },
    },
  });
  // The outbox drains into D1 right after each round; status() waits for that drain.
  const ns = await log.mf.getDurableObjectNamespace("SEQUENCER");
  await (ns.get(ns.idFromName("default")) as unknown as { status(): Promise<unknown> }).status();
  writeFileSync(join(dir, "key.pem"), encodePem("PUBLIC KEY", key.spki));
  writeFileSync(join(dir, "artifact"), artifacts[1]!);
}, 120_000);
afterAll(async () => {
  await log?.stop();
});

describe("edgelog search", () => {
  it("finds and verifies entries by public key file, digest file and email", async () => {
    const byKey = await cli(["search", "--url", log.url, "--log-key", log.vkey, "--public-key", join(dir, "key.pem")]);
    expect(byKey.code, byKey.stderr).toBe(0);
    const lines = byKey.stdout.trim().split("\n");
    expect(lines.map((l) => Number(l.split(" ")[1]))).toEqual(indices);
    for (const l of lines)
      expect(l).toMatch(/^default \d+ hashedrekord\/0\.0\.2 \(included in .* at size \d+: verified\)$/);
    expect(byKey.stderr).toContain("3 hit(s), each verified");

    const byFile = await cli([
      "search",
      "--url",
      log.url,
      "--log-key",
      log.vkey,
      "--digest",
      join(dir, "artifact"),
      "--json",
    ]);
    expect(byFile.code, byFile.stderr).toBe(0);
    const hits = byFile.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(hits.map((h) => Number(h.entry.logIndex))).toEqual([indices[1]]);
    expect(
      await cli(["search", "--url", log.url, "--log-key", log.vkey, "--sha256", toHex(sha256(artifacts[2]!))]).then(
        (r) => r.stdout.split(" ")[1],
      ),
    ).toBe(String(indices[2]));

    const byEmail = await cli(["search", "--url", log.url, "--log-key", log.vkey, "--email", email.toLowerCase()]);
    expect(byEmail.code, byEmail.stderr).toBe(0);
    expect(byEmail.stdout.trim().split("\n")).toHaveLength(1);

    const paged = await cli([
      "search",
      "--url",
      log.url,
      "--log-key",
      log.vkey,
      "--key",
      `key:sha256:${toHex(sha256(key.spki))}`,
      "--max",
      "2",
    ]);
    expect(paged.stdout.trim().split("\n")).toHaveLength(2);
    expect(paged.stderr).toContain("stopped at --max 2");

    const none = await cli(["search", "--url", log.url, "--log-key", log.vkey, "--digest", `sha256:${"0".repeat(64)}`]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("");
  });

  it("a hit that does not verify with the given log key fails (exit 1); bad queries are usage errors (exit 2)", async () => {
    const other = generateKey(log.origin); // same name, another key: signatures do not verify
    const wrong = await cli([
      "search",
      "--url",
      log.url,
      "--log-key",
      other.vkey,
      "--public-key",
      join(dir, "key.pem"),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("verification failed");
    const two = await cli(["search", "--url", log.url, "--log-key", log.vkey, "--email", "a@b.c", "--issuer", "x"]);
    expect(two.code).toBe(2);
    const refused = await cli(["search", "--url", log.url, "--log-key", log.vkey, "--digest", "sha256:abc"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("digest must be");
  });

  it("verifySearchHit refuses a tampered body, proof or checkpoint", async () => {
    const answer = (await (await fetch(`${log.url}/api/v2/search?key=${toHex(sha256(key.spki))}`)).json()) as {
      hits: any[];
    };
    const verifiers = [newVerifier(log.vkey)];
    const hit = answer.hits[0]!;
    expect(verifySearchHit(hit, verifiers).index).toBe(indices[0]);
    const other = answer.hits[1]!;
    const tampered = [
      { ...hit, entry: { ...hit.entry, canonicalizedBody: other.entry.canonicalizedBody } },
      {
        ...hit,
        entry: {
          ...hit.entry,
          logIndex: other.entry.logIndex,
          inclusionProof: { ...hit.entry.inclusionProof, logIndex: other.entry.logIndex },
        },
      },
      {
        ...hit,
        entry: {
          ...hit.entry,
          inclusionProof: { ...hit.entry.inclusionProof, rootHash: toBase64(new Uint8Array(32)) },
        },
      },
      {
        ...hit,
        entry: {
          ...hit.entry,
          inclusionProof: {
            ...hit.entry.inclusionProof,
            checkpoint: { envelope: hit.entry.inclusionProof.checkpoint.envelope.replace(/\n\d+\n/, "\n1\n") },
          },
        },
      },
    ];
    for (const t of tampered) expect(() => verifySearchHit(t, verifiers)).toThrow(ProofError);
    // Proven in the log, but not an answer to the query asked.
    expect(verifySearchHit(hit, verifiers, `key:sha256:${toHex(sha256(key.spki))}`).index).toBe(indices[0]);
    expect(() => verifySearchHit(hit, verifiers, `sha256:${"0".repeat(64)}`)).toThrow(/does not match the query/);
  });
});
