// The edgelog CLI end to end against the real Worker under Miniflare (test/e2e/local-log.ts), run as a
// child process with the project's Node 22: upload → get → verify (v1 and v2), checkpoint and
// consistency, monitor catching up and reporting watched digests and keys, and a forged fork (a
// second log signing with the SAME key) detected with exit code 1.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalLog, type LocalLog } from "./local-log.ts";
import { runCli as cli } from "./cli-runner.ts";

let log: LocalLog;
let dir: string;
const file = (name: string) => join(dir, name);

/** A P-256 signer with its key and certificate-less PEM, and a signed artifact on disk. */
function signedArtifact(name: string, content: string, keyPem?: string) {
  const privateKey = keyPem ? createPrivateKey(keyPem) : generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const pub = createPublicKey(privateKey).export({ format: "pem", type: "spki" }).toString();
  writeFileSync(file(`${name}.txt`), content);
  writeFileSync(file(`${name}.sig`), nodeSign("sha256", Buffer.from(content), privateKey));
  writeFileSync(file(`${name}.pub`), pub);
  const keyFingerprint = createHash("sha256")
    .update(createPublicKey(pub).export({ format: "der", type: "spki" }))
    .digest("hex");
  return {
    digest: createHash("sha256").update(content).digest("hex"),
    keyFingerprint,
    privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    args: ["--artifact", file(`${name}.txt`), "--signature", file(`${name}.sig`), "--public-key", file(`${name}.pub`)],
  };
}

async function appendRaw(l: LocalLog, n: number, tag: string) {
  const all: Promise<Response>[] = [];
  for (let i = 0; i < n; i++) all.push(fetch(`${l.url}/add`, { method: "POST", body: `${tag} ${i}` }));
  for (const r of await Promise.all(all)) expect(r.status).toBe(200);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edgelog-cli-"));
  log = await startLocalLog({ ENABLE_TEST_APPEND: "true" });
  writeFileSync(
    file("v1.pem"),
    createPublicKey(createPrivateKey(log.v1PrivateKeyPem)).export({ format: "pem", type: "spki" }).toString(),
  );
}, 90_000);
afterAll(async () => {
  await log?.stop();
});

const common = () => ["--url", log.url, "--log-key", log.vkey];

describe("edgelog CLI against the local log", () => {
  it("upload (v2 and v1) → get (index, UUID) → verify (inclusion, checkpoint signature, SET, online)", async () => {
    const a = signedArtifact("a", `artifact a ${Date.now()}`);
    const up2 = await cli(["upload", "--url", log.url, "--api", "v2", ...a.args, "--out", file("a.v2.json")]);
    expect(up2.code, up2.stderr).toBe(0);
    expect(up2.stderr).toMatch(/uploaded: log index \d+/);
    const v2 = await cli(["verify", ...common(), file("a.v2.json"), "--artifact", file("a.txt"), "--online"]);
    expect(v2.code, v2.stdout + v2.stderr).toBe(0);
    expect(v2.stdout).toContain("✓ inclusion proof");
    expect(v2.stdout).toContain("✓ checkpoint signature");
    expect(v2.stdout).toContain("✓ artifact digest");
    expect(v2.stdout).toContain("✓ inclusion in the log's current tree");

    const b = signedArtifact("b", `artifact b ${Date.now()}`);
    const up1 = await cli(["upload", "--url", log.url, "--api", "v1", ...b.args, "--out", file("b.v1.json")]);
    expect(up1.code, up1.stderr).toBe(0);
    const uploaded = JSON.parse(readFileSync(file("b.v1.json"), "utf8"));
    const uuid = Object.keys(uploaded)[0]!;
    const index = uploaded[uuid].logIndex as number;
    const byIndex = await cli(["get", "--url", log.url, String(index), "--out", file("b.get.json")]);
    expect(byIndex.code, byIndex.stderr).toBe(0);
    const byUuid = await cli(["get", "--url", log.url, uuid]);
    expect(byUuid.code, byUuid.stderr).toBe(0);
    expect(Object.keys(JSON.parse(byUuid.stdout))).toEqual([uuid]);
    const v1 = await cli([
      "verify",
      ...common(),
      "--v1-key",
      file("v1.pem"),
      file("b.get.json"),
      "--artifact",
      file("b.txt"),
      "--json",
    ]);
    expect(v1.code, v1.stdout + v1.stderr).toBe(0);
    const report = JSON.parse(v1.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual([
      "inclusion proof",
      "log index",
      "checkpoint signature",
      "checkpoint origin",
      "tree size",
      "root hash",
      "signed entry timestamp",
      "log ID",
      "artifact digest",
    ]);

    // A v1 entry without the v1 key: the SET cannot be checked → exit 1 with a clear reason.
    const noKey = await cli(["verify", ...common(), file("b.get.json")]);
    expect(noKey.code).toBe(1);
    expect(noKey.stdout).toMatch(/✗ signed entry timestamp: .*--v1-key/);
    expect(noKey.stdout).toMatch(/✗ checkpoint signature: .*Rekor v1 checkpoint.*--v1-key/);
    // Tampering: another artifact, a changed SET time, a changed proof.
    expect((await cli(["verify", ...common(), file("a.v2.json"), "--artifact", file("b.txt")])).code).toBe(1);
    const tampered = JSON.parse(readFileSync(file("b.get.json"), "utf8"));
    tampered[uuid].integratedTime += 1;
    writeFileSync(file("b.tampered.json"), JSON.stringify(tampered));
    const bad = await cli(["verify", ...common(), "--v1-key", file("v1.pem"), file("b.tampered.json")]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("✗ signed entry timestamp");
    const v2t = JSON.parse(readFileSync(file("a.v2.json"), "utf8"));
    v2t.inclusionProof.logIndex = String(Number(v2t.inclusionProof.logIndex) + 1);
    writeFileSync(file("a.tampered.json"), JSON.stringify(v2t));
    const bad2 = await cli(["verify", ...common(), file("a.tampered.json")]);
    expect(bad2.code).toBe(1);
    expect(bad2.stderr).toContain("verification FAILED: inclusion proof");

    // A duplicate upload is reported and answers the existing entry.
    const dup = await cli(["upload", "--url", log.url, "--api", "v1", ...b.args]);
    expect(dup.code, dup.stderr).toBe(0);
    expect(dup.stderr).toContain("already in the log");
  });

  it("exit codes: a failed check or a missing proof or checkpoint 1 (a Rekor v2 checkpoint never blamed on --v1-key), usage 2, unreachable log 3", async () => {
    // A Rekor v2 entry whose checkpoint fails: no word of --v1-key, which could not help.
    const v2Wrong = JSON.parse(readFileSync(file("a.v2.json"), "utf8"));
    v2Wrong.inclusionProof.checkpoint.envelope = v2Wrong.inclusionProof.checkpoint.envelope.replace(
      /— (\S+) (.)/,
      (_m: string, n: string, c: string) => `— ${n} ${c === "A" ? "B" : "A"}`,
    );
    writeFileSync(file("a.badcp.json"), JSON.stringify(v2Wrong));
    const badCp = await cli(["verify", ...common(), file("a.badcp.json")]);
    expect(badCp.code).toBe(1);
    expect(badCp.stdout).toContain("✗ checkpoint signature:");
    expect(badCp.stdout + badCp.stderr).not.toContain("--v1-key");
    // A missing proof or checkpoint is a verification failure (1), not a usage error.
    const noProof = { ...JSON.parse(readFileSync(file("a.v2.json"), "utf8")), inclusionProof: undefined };
    writeFileSync(file("a.noproof.json"), JSON.stringify(noProof));
    const np = await cli(["verify", ...common(), file("a.noproof.json")]);
    expect(np.code).toBe(1);
    expect(np.stdout).toContain("✗ inclusion proof: the entry has no inclusion proof");
    const noCp = JSON.parse(readFileSync(file("a.v2.json"), "utf8"));
    delete noCp.inclusionProof.checkpoint;
    writeFileSync(file("a.nocp.json"), JSON.stringify(noCp));
    const nc = await cli(["verify", ...common(), file("a.nocp.json")]);
    expect(nc.code).toBe(1);
    expect(nc.stdout).toContain("✗ checkpoint signature: the inclusion proof has no signed checkpoint");
    // Usage (2): not an entry; an unreachable log with --online (3).
    writeFileSync(file("not-an-entry.json"), JSON.stringify({ hello: "world" }));
    expect((await cli(["verify", ...common(), file("not-an-entry.json")])).code).toBe(2);
    expect((await cli(["verify", ...common(), file("missing.json")])).code).toBe(2);
    const down = await cli([
      "verify",
      "--url",
      "http://127.0.0.1:9",
      "--log-key",
      log.vkey,
      file("a.v2.json"),
      "--online",
    ]);
    expect(down.code, down.stderr).toBe(3);
    expect(down.stderr).toContain("cannot reach");
  }, 180_000);

  it("checkpoint (fetch, verify, save) and consistency between two checkpoints", async () => {
    const c1 = await cli(["checkpoint", ...common(), "--out", file("cp1")]);
    expect(c1.code, c1.stderr).toBe(0);
    expect(c1.stdout).toContain(`origin:  ${log.origin}`);
    await appendRaw(log, 300, "consistency");
    const c2 = await cli(["checkpoint", ...common(), "--out", file("cp2"), "--json"]);
    expect(c2.code, c2.stderr).toBe(0);
    const j = JSON.parse(c2.stdout);
    expect(j.size).toBeGreaterThanOrEqual(300);
    const cons = await cli(["consistency", ...common(), file("cp1"), file("cp2")]);
    expect(cons.code, cons.stderr).toBe(0);
    expect(cons.stdout).toMatch(/^consistent: size \d+ → \d+/);
    expect((await cli(["consistency", ...common(), file("cp1")])).code).toBe(0);
    // Wrong key: a usage-level failure to verify the checkpoint signature.
    const other = await cli([
      "checkpoint",
      "--url",
      log.url,
      "--log-key",
      "localhost:1+00000000+AX1aS5PU6kyyv6SnaSdolTCfkSbL6y0zseqtA3nMWkxI",
    ]);
    expect(other.code).toBe(2);
    const wrongKey = await cli([
      "checkpoint",
      "--url",
      log.url,
      "--log-key",
      `${log.origin}+${"0".repeat(8)}+AX1aS5PU6kyyv6SnaSdolTCfkSbL6y0zseqtA3nMWkxI`,
    ]);
    expect(wrongKey.code).not.toBe(0);
    // Usage errors exit 2.
    expect((await cli(["checkpoint", "--url", log.url])).code).toBe(2);
    expect((await cli(["upload", "--url", log.url])).code).toBe(2);
  });

  it("monitor: catches up from nothing, then from its saved checkpoint; reports a watched digest and key", async () => {
    const state = file("monitor.state");
    const first = await cli(["monitor", ...common(), "--state", state, "--json", "--no-progress"]);
    expect(first.code, first.stderr).toBe(0);
    const done1 = JSON.parse(first.stdout.trim().split("\n").pop()!);
    expect(done1.type).toBe("checkpoint");
    expect(done1.from).toBe(0);
    expect(existsSync(state)).toBe(true);

    await appendRaw(log, 520, "monitor"); // crosses entry-bundle boundaries
    const w = signedArtifact("watched", `watched artifact ${Date.now()}`);
    const k = signedArtifact("bykey", `by key ${Date.now()}`);
    expect((await cli(["upload", "--url", log.url, "--api", "v2", ...w.args, "--out", file("w.json")])).code).toBe(0);
    expect((await cli(["upload", "--url", log.url, "--api", "v1", ...k.args])).code).toBe(0);
    const wIndex = Number(JSON.parse(readFileSync(file("w.json"), "utf8")).logIndex);

    const second = await cli([
      "monitor",
      ...common(),
      "--state",
      state,
      "--json",
      "--no-progress",
      "--watch-digest",
      w.digest,
      "--watch-key",
      file("bykey.pub"),
    ]);
    expect(second.code, second.stderr).toBe(0);
    const events = second.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const matches = events.filter((e) => e.type === "match");
    expect(matches).toHaveLength(2);
    expect(matches[0]).toMatchObject({ index: wIndex, matched: [{ kind: "digest", value: w.digest }] });
    expect(matches[1].matched).toEqual([{ kind: "key", value: k.keyFingerprint }]);
    const done2 = events.pop();
    expect(done2).toMatchObject({ type: "checkpoint", from: done1.to });
    expect(done2.to - done2.from).toBeGreaterThanOrEqual(522);

    // Text output, nothing new.
    const third = await cli(["monitor", ...common(), "--state", state]);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(`up to date at size ${done2.to}`);
  });

  it("monitor and consistency detect a forged fork: a second log with the SAME key serving an inconsistent checkpoint", async () => {
    const state = file("fork.state");
    const ok = await cli(["monitor", ...common(), "--state", state]);
    expect(ok.code, ok.stderr).toBe(0);
    const saved = readFileSync(state, "utf8");
    const savedSize = Number(saved.split("\n")[1]);
    const forged = await startLocalLog({
      ENABLE_TEST_APPEND: "true",
      LOG_ORIGIN: log.origin,
      LOG_SIGNING_KEY: log.skey,
    });
    try {
      expect(forged.vkey).toBe(log.vkey);
      await appendRaw(forged, savedSize + 10, "forged");
      const cp = await cli(["checkpoint", "--url", forged.url, "--log-key", log.vkey]);
      expect(cp.code, cp.stderr).toBe(0); // the forged checkpoint carries a valid signature
      const r = await cli(["monitor", "--url", forged.url, "--log-key", log.vkey, "--state", state]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("FORK DETECTED");
      expect(r.stderr).toMatch(/not consistent with the saved checkpoint of size \d+/);
      expect(readFileSync(state, "utf8")).toBe(saved); // the state is kept, not overwritten
      const j = await cli(["monitor", "--url", forged.url, "--log-key", log.vkey, "--state", state, "--json"]);
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout.trim().split("\n").pop()!)).toMatchObject({ type: "fork" });
      const c = await cli(["consistency", "--url", forged.url, "--log-key", log.vkey, state]);
      expect(c.code).toBe(1);
      expect(c.stderr).toContain("FORK");
    } finally {
      await forged.stop();
    }
  }, 120_000);

  it("search needs the log's key: it verifies every hit (test/e2e/cli-search.test.ts)", async () => {
    const r = await cli(["search", "--url", log.url, "--sha256", "a".repeat(64)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--log-key");
  });
});
