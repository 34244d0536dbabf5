// Post-quantum, policy-driven witnessing end to end: a local edgelog whose built-in witness signs with an
// ML-DSA-44 key (C2SP tlog-cosignature type 0x06) and whose log follows a C2SP tlog-policy (WITNESS_POLICY:
// any of its own witness and one that is down). An uploaded v2 entry comes back with a checkpoint that carries
// the ML-DSA-44 cosignature; `edgelog verify --witness-policy` meets or misses a client's quorum, and prints
// the time from witnesses (the entry was logged no later than the cosignature's time).
import { createPublicKey, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCosignatureKey, newCosignatureVerifier, verifyCosignatures } from "../../src/tlog/cosignature.ts";
import { fromBase64 } from "../../src/tlog/encoding.ts";
import { generateKey, parseNote } from "../../src/tlog/note.ts";
import { runCli as cli } from "./cli-runner.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

const origin = "pq-witnessed.example";
const logKey = generateKey(origin);
const pq = generateCosignatureKey("witness.example/pq", undefined, "ml-dsa-44");
const down = generateCosignatureKey("witness.example/down");
let log: LocalLog;
let dir: string;
const started = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edgelog-pq-"));
  log = await startLocalLog({
    LOG_ORIGIN: origin,
    LOG_SIGNING_KEY: logKey.skey,
    WITNESS_SIGNING_KEY: pq.skey,
    WITNESSED_LOGS: logKey.vkey,
    // Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    WITNESS_POLICY: `witness self ${pq.vkey} binding:WITNESS\nwitness down ${down.vkey} http://127.0.0.1:9/witness\ngroup either any self down\nquorum either\n`,
  });
}, 90_000);
afterAll(async () => {
  await log?.stop();
});

describe("an ML-DSA-44 witness under a tlog-policy quorum", () => {
  it("publishes the entry's checkpoint with the ML-DSA-44 cosignature; verify meets a policy and prints the witnessed time", async () => {
    const signer = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    writeFileSync(join(dir, "a.txt"), "post-quantum witnessed artifact");
    writeFileSync(join(dir, "a.sig"), nodeSign("sha256", Buffer.from("post-quantum witnessed artifact"), signer));
    writeFileSync(join(dir, "a.pub"), createPublicKey(signer).export({ format: "pem", type: "spki" }).toString());
    const up = await cli([
      "upload",
      "--url",
      log.url,
      "--api",
      "v2",
      "--artifact",
      join(dir, "a.txt"),
      "--signature",
      join(dir, "a.sig"),
      "--public-key",
      join(dir, "a.pub"),
      "--out",
      join(dir, "a.json"),
    ]);
    expect(up.code, up.stderr).toBe(0);
    const tle = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
    const envelope = parseNote(tle.inclusionProof.checkpoint.envelope);
    const pqLine = envelope.sigs.find((s) => s.name === "witness.example/pq")!;
    expect(pqLine.sig.length).toBe(8 + 2420); // timestamp || ML-DSA-44 signature
    const [valid] = verifyCosignatures(envelope.text, envelope.sigs, [newCosignatureVerifier(pq.vkey)]).valid;
    expect(valid!.timestamp).toBeGreaterThanOrEqual(started);

    const policy = join(dir, "policy.txt");
    writeFileSync(
      policy,
      `log ${logKey.vkey}\nwitness PQ ${pq.vkey}\nwitness other ${down.vkey}\ngroup one any PQ other\nquorum one\n`,
    );
    const common = ["--url", log.url, "--log-key", logKey.vkey];
    const ok = await cli(["verify", join(dir, "a.json"), ...common, "--witness-policy", policy]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(
      "✓ witness cosignatures: 1 present, verified: witness.example/pq; quorum 1 of (PQ, other) met",
    );
    const time = new Date(valid!.timestamp * 1000).toISOString();
    expect(ok.stdout).toContain(
      `✓ time from witnesses: logged no later than ${time} (cosigned by witness.example/pq on the checkpoint of size ${tle.inclusionProof.treeSize})`,
    );

    // Online, the log's earliest cosigned checkpoint covering the entry is the one it was answered with
    // (with a quorum, the first published tree holding it): the same bound, now from the log's API, checked.
    const online = await cli(["verify", join(dir, "a.json"), ...common, "--witness-policy", policy, "--online"]);
    expect(online.code, online.stdout + online.stderr).toBe(0);
    expect(online.stdout).toContain(
      `✓ time from witnesses (earliest cosigned checkpoint): logged no later than ${time} (cosigned by witness.example/pq on the checkpoint of size ${tle.inclusionProof.treeSize})`,
    );

    const both = join(dir, "both.txt");
    writeFileSync(both, `witness PQ ${pq.vkey}\nwitness other ${down.vkey}\ngroup two all PQ other\nquorum two\n`);
    const short = await cli(["verify", join(dir, "a.json"), ...common, "--witness-policy", both]);
    expect(short.code).toBe(1);
    expect(short.stdout).toContain(
      "✗ witness cosignatures: the verified cosignatures (1) do not meet the witness policy's quorum 2 of (PQ, other) (missing: witness.example/down)",
    );

    const malformed = await cli([
      "verify",
      join(dir, "a.json"),
      ...common,
      "--witness-policy",
      "witness PQ nokey\nquorum PQ\n",
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("--witness-policy: policy line 1:");
    const mixed = await cli([
      "verify",
      join(dir, "a.json"),
      ...common,
      "--witness-policy",
      policy,
      "--witness-quorum",
      "1",
    ]);
    expect(mixed.code).toBe(2);
  });

  it("edgelog witness key --ml-dsa makes an ML-DSA-44 key pair the witness accepts", async () => {
    const r = await cli(["witness", "key", "witness.example/new", "--ml-dsa"]);
    expect(r.code, r.stderr).toBe(0);
    const vkey = /verifier key: (\S+)/.exec(r.stdout)![1]!;
    expect(newCosignatureVerifier(vkey).type).toBe("ml-dsa-44");
    expect(fromBase64(vkey.split("+").slice(2).join("+"))[0]).toBe(0x06);
    expect(r.stdout).toMatch(/^WITNESS_SIGNING_KEY=PRIVATE\+KEY\+witness\.example\/new\+[0-9a-f]{8}\+B[g-v]/m); // base64 of 0x06 || seed
  });
});
