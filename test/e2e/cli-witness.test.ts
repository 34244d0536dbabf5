// The witness end to end: a local edgelog that also runs a witness configured to witness its own log,
// driven by `edgelog witness submit` (checkpoint + consistency proof from the log's tiles, the 409 size
// discovery), and the cosignature checked with the witness's verifier key.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCosignatureKey, newCosignatureVerifier, verifyCosignatures } from "../../src/tlog/cosignature.ts";
import { generateKey, parseNote } from "../../src/tlog/note.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

const NODE = resolve("node_modules/.bin/node");
const CLI = resolve("cli/edgelog.ts");

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(NODE, ["--experimental-transform-types", "--no-warnings", CLI, ...args], (error, stdout, stderr) => {
      res({ code: error ? ((error as { code?: number }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

const ORIGIN = "witnessed.example"; // a host: a shard origin must be one (src/shards/shards.ts)
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
  await Promise.all(Array.from({ length: n }, (_, i) => fetch(`${log.url}/add`, { method: "POST", body: `${tag} ${i}` })));
}

describe("edgelog witness submit against the local witness", () => {
  it("gets the log's checkpoint cosigned, then again after growth (409 → proof from the witness's size)", async () => {
    await append(40, "first");
    const args = ["witness", "submit", "--url", log.url, "--log-key", logKey.vkey, "--witness", `${log.url}/witness`, "--witness-key", witnessKey.vkey];
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
    const r = await cli(["witness", "submit", "--url", log.url, "--log-key", logKey.vkey, "--witness", `${log.url.replace("localhost", "127.0.0.1")}/nowhere`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("witness: HTTP 404");
  });
});
