// The lie corpus against edgelog's three verifiers. A local log (under Miniflare, its checkpoints cosigned
// by its own witness) makes the originals: a Rekor v2 TransparencyLogEntry and a Rekor v1 LogEntry of a
// certificate-signed hashedrekord, and the Sigstore bundles that carry them. From each, mutants that change
// one claim at a time (test/helpers/lie-corpus.ts; the key-holder lies are re-signed with the log's and the
// witness's keys). Every verifier must accept every original and refuse every mutant naming the claim:
//   - the CLI (`edgelog verify`, run in-process through cli/edgelog.ts main, as the binary runs it),
//   - the explorer's code (explorer/verify.ts, with the answer as the API's claim and the log's tiles),
//   - the monitor (cli/monitor.ts) for the lies it can see: checkpoints and tiles.
// README.md "What the verifiers check" has the matrix.
import { createPrivateKey, createPublicKey, sign as nodeSign } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/edgelog.ts";
import { monitorOnce } from "../../cli/monitor.ts";
import { verifyEntry as explorerVerify } from "../../explorer/verify.ts";
import { ClaimError } from "../../src/client/claims.ts";
import { logKey, v1LogKey } from "../../src/client/verify-checkpoint.ts";
import { parseLogEntry, verifyLogEntry } from "../../src/client/verify-entry.ts";
import { encodePem } from "../../src/pki/keys.ts";
import { certificateValidity } from "../../src/pki/validity.ts";
import { formatCheckpoint, parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import { generateCosignatureKey, newCosignatureSigner, newCosignatureVerifier } from "../../src/tlog/cosignature.ts";
import { fromHex, toBase64, toHex } from "../../src/tlog/encoding.ts";
import { formatNote, generateKey, newSigner, parseNote, signNote, type NoteSigner } from "../../src/tlog/note.ts";
import { fulcioCertificate } from "../helpers/certificates.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { checkpointSigner, mutants, type LiarKeys, type Mutant } from "../helpers/lie-corpus.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

const ORIGIN = "lies.localhost"; // a local host: the test-only /add is served only there
const logKeys = generateKey(ORIGIN);
const witnessKey = generateCosignatureKey("witness.example/lies");
let log: LocalLog;
let dir: string;
const file = (name: string) => join(dir, name);

const originals: Record<string, any> = {};
let validity: [number, number];
let liar: LiarKeys;
/** A checkpoint of the log before the originals were added (the monitor's saved state). */
let earlyNote: string;

const trust = () => ({
  logKeys: [logKey(logKeys.vkey)],
  v1Keys: [
    v1LogKey(createPublicKey(createPrivateKey(log.v1PrivateKeyPem)).export({ format: "pem", type: "spki" }).toString()),
  ],
  witnesses: [newCosignatureVerifier(witnessKey.vkey)],
});

async function post(path: string, body: unknown): Promise<any> {
  const r = await fetch(`${log.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return r.json();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edgelog-lies-"));
  log = await startLocalLog({
    ENABLE_TEST_APPEND: "true",
    LOG_ORIGIN: ORIGIN,
    LOG_SIGNING_KEY: logKeys.skey,
    WITNESS_SIGNING_KEY: witnessKey.skey,
    WITNESSED_LOGS: logKeys.vkey,
    WITNESSES: `${witnessKey.vkey} binding:WITNESS`,
    WITNESS_QUORUM: "1",
  });
  for (let i = 0; i < 5; i++)
    expect((await fetch(`${log.url}/add`, { method: "POST", body: `leaf ${i}` })).status).toBe(200);
  earlyNote = await (await fetch(`${log.url}/checkpoint`)).text();

  const key = p256Key();
  const cert = fulcioCertificate(key, { email: "liar@example.com" });
  const { notBefore, notAfter } = certificateValidity(cert);
  validity = [notBefore / 1000, notAfter / 1000];
  const artifact = new TextEncoder().encode(`the artifact ${Date.now()}`);
  writeFileSync(file("artifact"), artifact);
  writeFileSync(file("other"), "another artifact");
  const digest = sha256(artifact);
  const sig = key.signDigest(digest);

  const tle = await post("/api/v2/log/entries", hashedRekordV2(key, artifact, "x509Certificate", cert));
  const v1 = await post("/api/v1/log/entries", {
    apiVersion: "0.0.1",
    kind: "hashedrekord",
    spec: {
      data: { hash: { algorithm: "sha256", value: toHex(digest) } },
      signature: {
        content: toBase64(sig),
        publicKey: { content: toBase64(new TextEncoder().encode(encodePem("CERTIFICATE", cert))) },
      },
    },
  });
  const [uuid] = Object.keys(v1);
  const e = v1[uuid!];
  const p = e.verification.inclusionProof;
  const bundle = (entry: unknown) => ({
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: { certificate: { rawBytes: toBase64(cert) }, tlogEntries: [entry] },
    messageSignature: { messageDigest: { algorithm: "SHA2_256", digest: toBase64(digest) }, signature: toBase64(sig) },
  });
  originals["v2 TransparencyLogEntry"] = tle;
  originals["v1 LogEntry"] = v1;
  originals["bundle (Rekor v2 entry)"] = bundle(tle);
  originals["bundle (Rekor v1 entry)"] = bundle({
    logIndex: String(e.logIndex),
    logId: { keyId: toBase64(fromHex(e.logID)) },
    kindVersion: { kind: "hashedrekord", version: "0.0.1" },
    integratedTime: String(e.integratedTime),
    inclusionPromise: { signedEntryTimestamp: e.verification.signedEntryTimestamp },
    inclusionProof: {
      logIndex: String(p.logIndex),
      rootHash: toBase64(fromHex(p.rootHash)),
      treeSize: String(p.treeSize),
      hashes: p.hashes.map((h: string) => toBase64(fromHex(h))),
      checkpoint: { envelope: p.checkpoint },
    },
    canonicalizedBody: e.body,
  });

  const v1Private = createPrivateKey(log.v1PrivateKeyPem);
  const v1Sign = (m: Uint8Array) => new Uint8Array(nodeSign("sha256", m, v1Private));
  const v1Signer: NoteSigner = {
    name: ORIGIN,
    keyId: parseInt(trust().v1Keys[0]!.logIdHex.slice(0, 8), 16) >>> 0,
    sign: v1Sign,
  };
  liar = {
    checkpoint: checkpointSigner(newSigner(logKeys.skey), v1Signer),
    set: v1Sign,
    witness: { signer: newCosignatureSigner(witnessKey.skey) },
  };
  writeFileSync(file("v1.pem"), createPublicKey(v1Private).export({ format: "pem", type: "spki" }).toString());
}, 120_000);

afterAll(async () => {
  await log?.stop();
});

/** `edgelog verify` in this process: exit code and what it printed. */
async function cliVerify(
  json: unknown,
  extra: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const path = file(`entry-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(json));
  let stdout = "";
  let stderr = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c) => ((stdout += String(c)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c) => ((stderr += String(c)), true));
  try {
    const args = [
      "verify",
      path,
      "--url",
      log.url,
      "--log-key",
      logKeys.vkey,
      "--v1-key",
      file("v1.pem"),
      "--witness-key",
      witnessKey.vkey,
      "--artifact",
      file("artifact"),
      "--json",
      ...extra,
    ];
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

const proofIndex = (json: any): number => parseLogEntry(json).proof!.logIndex;
const fetchPath = (path: string) =>
  fetch(`${log.url}/default/${path}`).then(async (r) =>
    r.status === 404 ? null : new Uint8Array(await r.arrayBuffer()),
  );

/** Runs the explorer's verification of the entry at the original's index, with `claimed` as the API's answer. */
function explorer(original: any, claimed: unknown) {
  const t = trust();
  return explorerVerify(
    {
      shard: "default",
      index: proofIndex(original),
      vkey: logKeys.vkey,
      v1Keys: t.v1Keys,
      witnesses: t.witnesses,
      claimed,
      fetchPath,
    },
    () => {},
  );
}

const failedNames = (checks: { name: string; ok: boolean }[]) => checks.filter((c) => !c.ok).map((c) => c.name);

describe("the lie corpus: every verifier accepts the log's entries and refuses every one-claim lie, naming it", () => {
  for (const name of ["v2 TransparencyLogEntry", "v1 LogEntry", "bundle (Rekor v2 entry)", "bundle (Rekor v1 entry)"]) {
    it(`${name}: accepted by the shared module, the CLI and the explorer`, async () => {
      const original = originals[name];
      const t = trust();
      const r = verifyLogEntry(parseLogEntry(original), {
        ...t,
        witnessQuorum: name.includes("v2") ? 1 : 0,
        artifactDigests: [],
      });
      expect(failedNames(r.checks).filter((n) => n !== "artifact digest")).toEqual([]);
      // The certificate's validity was checked at a verified time: the SET's, or the witness's cosignature.
      expect(r.checks.find((c) => c.name === "certificate validity")).toMatchObject({ ok: true, checked: true });
      const cli = await cliVerify(original);
      expect(cli.code, cli.stdout + cli.stderr).toBe(0);
      expect(JSON.parse(cli.stdout).checks.map((c: { name: string }) => c.name)).toEqual(
        expect.arrayContaining([
          "inclusion proof",
          "checkpoint signature",
          "checkpoint origin",
          "tree size",
          "root hash",
          "log index",
          "certificate validity",
          "artifact digest",
          "witness cosignatures",
        ]),
      );
      const ex = await explorer(original, original);
      expect(
        ex.checks.filter((c) => c.status === "failed"),
        JSON.stringify(ex.checks),
      ).toEqual([]);
      expect(ex.checks.find((c) => c.id === "response")?.status).toBe("verified");
      expect(ex.checks.find((c) => c.id === "witnesses")?.status).toBe("verified");
    });

    it(`${name}: every mutant refused by the CLI and the explorer, each naming the claim that was changed`, async () => {
      const original = originals[name];
      const list: Mutant[] = mutants(original, liar, validity);
      expect(list.length).toBeGreaterThanOrEqual(name.includes("v1") ? 17 : 15);
      const wrong: string[] = [];
      for (const m of list) {
        const cli = await cliVerify(m.json);
        const cliFailed = cli.code === 1 ? failedNames(JSON.parse(cli.stdout).checks) : [];
        if (!m.claims.some((c) => cliFailed.includes(c)))
          wrong.push(
            `CLI accepted or misnamed "${m.lie}" (exit ${cli.code}; failed: ${cliFailed.join(", ")}; ${cli.stderr.trim()})`,
          );
        const ex = await explorer(original, m.json);
        const exFailed = failedNames(ex.claims);
        if (
          ex.checks.find((c) => c.id === "response")?.status !== "failed" ||
          !m.claims.some((c) => exFailed.includes(c))
        )
          wrong.push(`explorer accepted or misnamed "${m.lie}" (failed: ${exFailed.join(", ")})`);
      }
      // Verifying the original with another artifact is the artifact-digest lie.
      const other = await cliVerify(original, ["--artifact", file("other")]);
      expect(other.code).toBe(1);
      expect(failedNames(JSON.parse(other.stdout).checks)).toEqual(["artifact digest"]);
      expect(wrong).toEqual([]);
    }, 120_000);
  }

  it("the monitor refuses every lie it can see (checkpoints and tiles), naming it, and accepts the log as served", async () => {
    const t = trust();
    const base = {
      verifiers: t.logKeys,
      witnesses: t.witnesses,
      witnessQuorum: 1,
      saved: earlyNote,
      watch: { digests: new Set<string>(), keys: new Set<string>(), identities: new Set<string>(), emails: [] },
    };
    const served = await (await fetch(`${log.url}/checkpoint`)).text();
    const ok = await monitorOnce({ ...base, fetchPath });
    expect(ok.to).toBeGreaterThan(ok.from);
    expect(ok.cosignatures.verified).toBe(1);

    const note = parseNote(served);
    const cp = parseCheckpoint(note.text);
    // The log and its witness both lying: the changed checkpoint signed and cosigned.
    const resign = (change: (c: typeof cp) => void) => {
      const c = { ...cp, root: cp.root.slice() };
      change(c);
      const text = formatCheckpoint(c);
      return (
        signNote(text, [newSigner(logKeys.skey)]) + liar.witness!.signer.cosignLine(text, Math.floor(Date.now() / 1000))
      );
    };
    const flipSig = (which: (name: string) => boolean, at: number) =>
      formatNote({
        text: note.text,
        sigs: note.sigs.map((s) => (which(s.name) ? { ...s, sig: s.sig.map((b, i) => (i === at ? b ^ 1 : b)) } : s)),
      });
    const earlySize = Number(earlyNote.split("\n")[1]);
    const lies: { lie: string; expect: RegExp; checkpoint?: string; tile?: [RegExp, number] }[] = [
      {
        lie: "checkpoint signature byte",
        expect: /^checkpoint signature: invalid signature/,
        checkpoint: flipSig((n) => n === ORIGIN, 3),
      },
      {
        lie: "checkpoint origin (re-signed)",
        expect: /^checkpoint origin: /,
        checkpoint: resign((c) => (c.origin = "other.example")),
      },
      {
        lie: "checkpoint root (re-signed)",
        expect: /not consistent with the saved checkpoint|do not hash to its checkpoint root/,
        checkpoint: resign((c) => (c.root[0]! ^= 1)),
      },
      {
        lie: "checkpoint size (re-signed)",
        expect: /not consistent|not available|holds \d+ entries/,
        checkpoint: resign((c) => (c.size += 1)),
      },
      {
        lie: "cosignature byte",
        expect: /^witness cosignatures: invalid cosignature by witness\.example\/lies/,
        checkpoint: flipSig((n) => n !== ORIGIN, 30),
      },
      {
        lie: "no cosignature (quorum 1)",
        expect: /^witness cosignatures: only 0 of the 1/,
        checkpoint: formatNote({ text: note.text, sigs: note.sigs.filter((s) => s.name === ORIGIN) }),
      },
      // A byte of an entry logged after the saved checkpoint: the entries no longer hash to the root.
      {
        lie: "body byte (entries bundle)",
        expect: /do not hash to its checkpoint root/,
        tile: [/^tile\/entries\/000(\.p\/\d+)?$/, -3],
      },
      // A leaf hash of the saved tree in the level-0 tile: the consistency proof from the tiles fails.
      {
        lie: "proof hash (level-0 tile)",
        expect: /not consistent with the saved checkpoint|do not hash to the saved root/,
        tile: [/^tile\/0\/000(\.p\/\d+)?$/, 32 * (earlySize - 1) + 4],
      },
    ];
    const wrong: string[] = [];
    for (const l of lies) {
      const lying = async (path: string) => {
        if (path === "checkpoint" && l.checkpoint) return new TextEncoder().encode(l.checkpoint);
        const body = await fetchPath(path);
        if (body && l.tile && l.tile[0].test(path)) {
          const copy = body.slice();
          const at = l.tile[1] < 0 ? copy.length + l.tile[1] : l.tile[1];
          copy[at]! ^= 1;
          return copy;
        }
        return body;
      };
      try {
        await monitorOnce({ ...base, fetchPath: lying });
        wrong.push(`monitor accepted "${l.lie}"`);
      } catch (e) {
        const msg = e instanceof ClaimError ? e.message : (e as Error).message;
        if (!l.expect.test(msg)) wrong.push(`monitor refused "${l.lie}" but said: ${msg}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
