// Offline proofs end to end (C2SP tlog-proof@v1): a local log whose checkpoints its own witness cosigns serves
// GET /proof/<index | leaf hash> (and under /<shard>/); `edgelog proof` saves one, and `edgelog verify-proof`
// checks it with no network — the log key, the witness quorum, the entry or artifact — and refuses a wrong
// artifact, a missing quorum, a forged log key, a proof for another entry and a malformed file (naming its line).
import { createHash, createPublicKey, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCosignatureKey } from "../../src/tlog/cosignature.ts";
import { generateKey } from "../../src/tlog/note.ts";
import { parseTlogProof } from "../../src/tlog/proof-file.ts";
import { runCli as cli } from "./cli-runner.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

const origin = "proofs.example";
const key = generateKey(origin);
const wkey = generateCosignatureKey("witness.example/self");
const other = generateCosignatureKey("witness.example/other");
let log: LocalLog;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edgelog-proof-"));
  log = await startLocalLog({
    LOG_ORIGIN: origin,
    LOG_SIGNING_KEY: key.skey,
    WITNESS_SIGNING_KEY: wkey.skey,
    WITNESSED_LOGS: key.vkey,
    WITNESSES: `${wkey.vkey} binding:WITNESS`,
    WITNESS_QUORUM: "1",
  });
}, 90_000);
afterAll(async () => {
  await log?.stop();
});

async function upload(name: string, content: string): Promise<string> {
  const signer = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  writeFileSync(join(dir, `${name}.txt`), content);
  writeFileSync(join(dir, `${name}.sig`), nodeSign("sha256", Buffer.from(content), signer));
  writeFileSync(join(dir, `${name}.pub`), createPublicKey(signer).export({ format: "pem", type: "spki" }).toString());
  const files = [
    "--artifact",
    join(dir, `${name}.txt`),
    "--signature",
    join(dir, `${name}.sig`),
    "--public-key",
    join(dir, `${name}.pub`),
  ];
  const up = await cli(["upload", "--url", log.url, "--api", "v2", ...files, "--out", join(dir, `${name}.json`)]);
  expect(up.code, up.stderr).toBe(0);
  return join(dir, `${name}.json`);
}

describe("offline proofs (tlog-proof@v1)", () => {
  it("serves, saves and verifies a proof with its cosignature, offline", async () => {
    const aJson = await upload("a", "artifact a");
    await upload("b", "artifact b");
    const tle = JSON.parse(readFileSync(aJson, "utf8"));
    const index = Number(tle.logIndex);
    const file = join(dir, "a.tlog-proof");
    const saved = await cli(["proof", String(index), "--url", log.url, "--log-key", key.vkey, "--out", file]);
    expect(saved.code, saved.stderr).toBe(0);
    const text = readFileSync(file, "utf8");
    const p = parseTlogProof(text);
    expect(p.index).toBe(index);
    expect(Buffer.from(p.extra!).toString("base64")).toBe(tle.canonicalizedBody); // the entry rides in the extra line
    expect(p.note.sigs.map((s) => s.name)).toEqual([origin, "witness.example/self"]); // every cosignature it has

    const common = ["--log-key", key.vkey, "--witness-key", wkey.vkey, "--witness-quorum", "1"];
    const byArtifact = await cli(["verify-proof", file, "--artifact", join(dir, "a.txt"), ...common]);
    expect(byArtifact.code, byArtifact.stdout + byArtifact.stderr).toBe(0);
    expect(byArtifact.stdout).toMatch(
      /✓ witness cosignatures: 1 present, verified: witness\.example\/self; quorum 1 met/,
    );
    expect(byArtifact.stdout).toMatch(/✓ inclusion proof: the entry in the proof's extra line is at index \d+/);
    expect(byArtifact.stdout).toMatch(/✓ artifact digest: the entry logs this artifact's digest/);
    const byEntry = await cli(["verify-proof", file, "--entry", aJson, ...common, "--json"]);
    expect(byEntry.code, byEntry.stdout + byEntry.stderr).toBe(0);
    expect(JSON.parse(byEntry.stdout).ok).toBe(true);
  }, 180_000);

  it("verify-proof refuses another artifact or entry, a missing quorum, another log key, a swapped extra line, a malformed file", async () => {
    const file = join(dir, "a.tlog-proof");
    const text = readFileSync(file, "utf8");
    const common = ["--log-key", key.vkey, "--witness-key", wkey.vkey, "--witness-quorum", "1"];
    const wrongArtifact = await cli(["verify-proof", file, "--artifact", join(dir, "b.txt"), ...common]);
    expect(wrongArtifact.code).toBe(1);
    expect(wrongArtifact.stdout).toMatch(/✗ artifact digest/);
    const wrongEntry = await cli(["verify-proof", file, "--entry", join(dir, "b.json"), ...common]);
    expect(wrongEntry.code).toBe(1);
    expect(wrongEntry.stdout).toMatch(/✗ inclusion proof/);
    const noQuorum = await cli([
      "verify-proof",
      file,
      "--artifact",
      join(dir, "a.txt"),
      "--log-key",
      key.vkey,
      "--witness-key",
      other.vkey,
      "--witness-quorum",
      "1",
    ]);
    expect(noQuorum.code).toBe(1);
    expect(noQuorum.stdout).toMatch(/✗ witness cosignatures: only 0 of the 1/);
    const forged = await cli([
      "verify-proof",
      file,
      "--artifact",
      join(dir, "a.txt"),
      "--log-key",
      generateKey(origin).vkey,
    ]);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/✗ checkpoint signature/);
    // A proof whose extra line was swapped for another entry: the inclusion proof no longer holds.
    const bBody = JSON.parse(readFileSync(join(dir, "b.json"), "utf8")).canonicalizedBody;
    writeFileSync(join(dir, "swapped.tlog-proof"), text.replace(/^extra .*$/m, `extra ${bBody}`));
    const swapped = await cli([
      "verify-proof",
      join(dir, "swapped.tlog-proof"),
      "--artifact",
      join(dir, "b.txt"),
      ...common,
    ]);
    expect(swapped.code).toBe(1);
    expect(swapped.stdout).toMatch(/✗ inclusion proof/);
    expect(swapped.stdout).toMatch(/✗ artifact digest: the entry is not proven to be in the log/);
    // Malformed: the error names the line.
    writeFileSync(join(dir, "bad.tlog-proof"), text.replace(/^index \d+$/m, "index 01"));
    const bad = await cli(["verify-proof", join(dir, "bad.tlog-proof"), "--artifact", join(dir, "a.txt"), ...common]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/tlog-proof line 3: the index must be a decimal integer/);
    const nothing = await cli(["verify-proof", file, "--log-key", key.vkey]);
    expect(nothing.code).toBe(2);
  }, 180_000);

  it("GET /proof by leaf hash and under the shard prefix; clear 4xx for the rest", async () => {
    const tle = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
    const leafHash = createHash("sha256")
      .update(Buffer.concat([Buffer.of(0), Buffer.from(tle.canonicalizedBody, "base64")]))
      .digest("hex");
    const byIndex = await fetch(`${log.url}/proof/${tle.logIndex}`);
    expect(byIndex.status).toBe(200);
    expect(byIndex.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(byIndex.headers.get("content-disposition")).toBe(
      `attachment; filename="proofs.example-${tle.logIndex}.tlog-proof"`,
    );
    const text = await byIndex.text();
    // The search index is filled after the round: poll until the leaf hash is found.
    await expect.poll(async () => (await fetch(`${log.url}/proof/${leafHash}`)).status).toBe(200);
    expect(parseTlogProof(await (await fetch(`${log.url}/proof/${leafHash}`)).text()).index).toBe(
      parseTlogProof(text).index,
    );
    const saved = await cli(["proof", leafHash, "--url", log.url]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(parseTlogProof(saved.stdout).index).toBe(Number(tle.logIndex));
    expect((await fetch(`${log.url}/default/proof/${tle.logIndex}`)).status).toBe(200);
    expect((await fetch(`${log.url}/proof/${"ab".repeat(32)}`)).status).toBe(404);
    expect((await fetch(`${log.url}/proof/999999`)).status).toBe(404);
    const bad = await fetch(`${log.url}/proof/zz`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/log index/);
    const missing = await cli(["proof", "999999", "--url", log.url]);
    expect(missing.code).toBe(3);
  }, 120_000);
});
