// The witness end to end: a local edgelog that also runs a witness configured to witness its own log,
// driven by `edgelog witness submit` (checkpoint + consistency proof from the log's tiles, the 409 size
// discovery), and the cosignature checked with the witness's verifier key. Then a log that has its own
// witness cosign every checkpoint (WITNESSES, WITNESS_QUORUM = 1): `edgelog checkpoint` and `edgelog
// verify` show the cosignatures and enforce `--witness-quorum`.
import { createPublicKey, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCosignatureKey, newCosignatureVerifier, verifyCosignatures } from "../../src/tlog/cosignature.ts";
import { generateKey, parseNote } from "../../src/tlog/note.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";
import { runCli as cli } from "./cli-runner.ts";

// A host (a shard origin must be one: src/log/deployment.ts), and a local one: POST /add fills this log,
// and it answers only on a log whose origin is local.
const ORIGIN = "witnessed.localhost";
const logKey = generateKey(ORIGIN);
const witnessKey = generateCosignatureKey("witness.example/w1");
let log: LocalLog;

beforeAll(async () => {
  log = await startLocalLog({
    ENABLE_TEST_APPEND: "true",
    LOG_ORIGIN: ORIGIN,
    LOG_SIGNING_KEY: logKey.skey,
    WITNESS_SIGNING_KEY: witnessKey.skey,
    WITNESSED_LOGS: logKey.vkey,
  });
}, 90_000);
afterAll(async () => {
  await log?.stop();
});

async function append(n: number, tag: string) {
  await Promise.all(
    Array.from({ length: n }, (_, i) => fetch(`${log.url}/add`, { method: "POST", body: `${tag} ${i}` })),
  );
}

describe("edgelog witness submit against the local witness", () => {
  it("gets the log's checkpoint cosigned, then again after growth (409 → proof from the witness's size)", async () => {
    await append(40, "first");
    const args = [
      "witness",
      "submit",
      "--url",
      log.url,
      "--log-key",
      logKey.vkey,
      "--witness",
      `${log.url}/witness`,
      "--witness-key",
      witnessKey.vkey,
    ];
    const r1 = await cli(args);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stderr).toContain("cosigned by witness.example/w1");
    const n1 = parseNote(r1.stdout);
    expect(verifyCosignatures(n1.text, n1.sigs, [newCosignatureVerifier(witnessKey.vkey)]).valid).toHaveLength(1);

    await append(300, "second");
    const r2 = await cli(args);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toMatch(/from [1-9]\d*\)/); // the witness answered 409 with its size, the proof started there
    const n2 = parseNote(r2.stdout);
    expect(Number(n2.text.split("\n")[1])).toBeGreaterThan(Number(n1.text.split("\n")[1]));
    expect(verifyCosignatures(n2.text, n2.sigs, [newCosignatureVerifier(witnessKey.vkey)]).valid).toHaveLength(1);
    // The cosigned checkpoint verifies with `edgelog checkpoint --witness-key` style checks: wrong key → no cosignature.
    const other = generateCosignatureKey("witness.example/w1");
    expect(verifyCosignatures(n2.text, n2.sigs, [newCosignatureVerifier(other.vkey)]).valid).toHaveLength(0);
  });

  it("a URL that serves no witness (404) exits 3 with the witness's answer", async () => {
    const r = await cli([
      "witness",
      "submit",
      "--url",
      log.url,
      "--log-key",
      logKey.vkey,
      "--witness",
      `${log.url.replace("localhost", "127.0.0.1")}/nowhere`,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("witness: HTTP 404");
  });
});

describe("a log that publishes its checkpoints cosigned by its own witness (quorum 1)", () => {
  const origin = "cosigned.example";
  const key = generateKey(origin);
  const wkey = generateCosignatureKey("witness.example/self");
  const other = generateCosignatureKey("witness.example/other");
  let cosigned: LocalLog;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelog-cosigned-"));
    cosigned = await startLocalLog({
      LOG_ORIGIN: origin,
      LOG_SIGNING_KEY: key.skey,
      WITNESS_SIGNING_KEY: wkey.skey,
      WITNESSED_LOGS: key.vkey,
      WITNESSES: `${wkey.vkey} binding:WITNESS`,
      WITNESS_QUORUM: "1",
    });
  }, 90_000);
  afterAll(async () => {
    await cosigned?.stop();
  });

  it("an uploaded v2 entry's checkpoint carries the cosignature; edgelog verify checks it", async () => {
    const signer = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    writeFileSync(join(dir, "a.txt"), "cosigned artifact");
    writeFileSync(join(dir, "a.sig"), nodeSign("sha256", Buffer.from("cosigned artifact"), signer));
    writeFileSync(join(dir, "a.pub"), createPublicKey(signer).export({ format: "pem", type: "spki" }).toString());
    const files = [
      "--artifact",
      join(dir, "a.txt"),
      "--signature",
      join(dir, "a.sig"),
      "--public-key",
      join(dir, "a.pub"),
    ];
    const up = await cli(["upload", "--url", cosigned.url, "--api", "v2", ...files, "--out", join(dir, "a.json")]);
    expect(up.code, up.stderr).toBe(0);
    const tle = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
    const envelope = parseNote(tle.inclusionProof.checkpoint.envelope);
    expect(verifyCosignatures(envelope.text, envelope.sigs, [newCosignatureVerifier(wkey.vkey)]).valid).toHaveLength(1);
    const common = ["--url", cosigned.url, "--log-key", key.vkey];
    const ok = await cli([
      "verify",
      join(dir, "a.json"),
      ...common,
      "--witness-key",
      wkey.vkey,
      "--witness-quorum",
      "1",
    ]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/✓ witness cosignatures: 1 present, verified: witness\.example\/self; quorum 1 met/);
    const bad = await cli([
      "verify",
      join(dir, "a.json"),
      ...common,
      "--witness-key",
      other.vkey,
      "--witness-quorum",
      "1",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✗ witness cosignatures: only 0 of the 1/);
  });

  // (after the upload above: a new log publishes its first checkpoint once its sequencer has started)
  it("edgelog checkpoint shows the cosignature, verifies it with --witness-key, enforces --witness-quorum", async () => {
    const common = ["--url", cosigned.url, "--log-key", key.vkey];
    const plain = await cli(["checkpoint", ...common]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain("signature by witness.example/self+"); // present, not checked without its key
    const ok = await cli(["checkpoint", ...common, "--witness-key", wkey.vkey, "--witness-quorum", "1", "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.witnesses).toEqual([expect.objectContaining({ name: "witness.example/self", status: "verified" })]);
    const note = parseNote(j.note);
    expect(verifyCosignatures(note.text, note.sigs, [newCosignatureVerifier(wkey.vkey)]).valid).toHaveLength(1);
    expect(note.sigs[0]!.name).toBe(origin);
    const short = await cli(["checkpoint", ...common, "--witness-key", other.vkey, "--witness-quorum", "1"]);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain(
      "only 0 of the 1 required witness cosignatures verify (missing: witness.example/other)",
    );
    const two = await cli([
      "checkpoint",
      ...common,
      "--witness-key",
      wkey.vkey,
      "--witness-key",
      other.vkey,
      "--witness-quorum",
      "2",
    ]);
    expect(two.code).toBe(1);
    // The monitor checks the cosignatures on every checkpoint it moves to.
    const state = join(dir, "monitor.state");
    const mon = await cli([
      "monitor",
      ...common,
      "--state",
      state,
      "--witness-key",
      wkey.vkey,
      "--witness-quorum",
      "1",
    ]);
    expect(mon.code, mon.stderr).toBe(0);
    expect(mon.stdout).toContain("cosigned by witness.example/self");
    const monShort = await cli([
      "monitor",
      ...common,
      "--state",
      join(dir, "monitor2.state"),
      "--witness-key",
      other.vkey,
      "--witness-quorum",
      "1",
    ]);
    expect(monShort.code).toBe(1);
    expect(monShort.stderr).toContain(
      "witness cosignatures: only 0 of the 1 required witness cosignatures verify (missing: witness.example/other)",
    );
    const unmeetable = await cli(["checkpoint", ...common, "--witness-key", wkey.vkey, "--witness-quorum", "2"]);
    expect(unmeetable.code).toBe(2);
    expect(unmeetable.stderr).toContain("--witness-quorum 2 needs at least 2 --witness-key");
  });
});
