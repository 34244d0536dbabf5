// `edgelog search --complete` and `edgelog audit-index` end to end against the Worker under Miniflare:
// the CLI proves a search complete up to the index's log size, an absent key complete with no hits, a
// wrong log key fails (exit 1), and the audit rebuilds the index from the log and resumes from its state.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePem } from "../../src/pki/keys.ts";
import { generateKey } from "../../src/tlog/note.ts";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { runCli as cli } from "./cli-runner.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

let log: LocalLog;
const dir = mkdtempSync(join(tmpdir(), "edgelog-complete-"));
const key = p256Key();
const indices: number[] = [];

async function post(body: unknown): Promise<any> {
  const r = await fetch(`${log.url}/api/v2/log/entries`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return r.json();
}

async function catchUp(): Promise<void> {
  const ns = await log.mf.getDurableObjectNamespace("INDEXER");
  await (ns.get(ns.idFromName("default")) as unknown as { catchUp(): Promise<unknown> }).catchUp();
}

beforeAll(async () => {
  log = await startLocalLog();
  for (let i = 0; i < 3; i++)
    indices.push(
      Number((await post(hashedRekordV2(key, new TextEncoder().encode(`complete ${i} ${Math.random()}`)))).logIndex),
    );
  await post(hashedRekordV2(p256Key(), new TextEncoder().encode("another signer")));
  await catchUp();
  writeFileSync(join(dir, "key.pem"), encodePem("PUBLIC KEY", key.spki));
}, 120_000);
afterAll(async () => {
  await log?.stop();
});

describe("edgelog search --complete", () => {
  it("proves every entry of a key is there, up to the index's log size", async () => {
    const r = await cli([
      "search",
      "--complete",
      "--url",
      log.url,
      "--log-key",
      log.vkey,
      "--public-key",
      join(dir, "key.pem"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => Number(l.split(" ")[1])),
    ).toEqual(indices);
    expect(r.stderr).toContain(
      "complete up to log size 4: the log's signed index has 3 entries with this key below 4 (all of them)",
    );
  });

  it("proves a key absent", async () => {
    const r = await cli([
      "search",
      "--complete",
      "--url",
      log.url,
      "--log-key",
      log.vkey,
      "--digest",
      `sha256:${"cd".repeat(32)}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("complete up to log size 4: the log's signed index has 0 entries");
  });

  it("fails verification with another log's key", async () => {
    const r = await cli([
      "search",
      "--complete",
      "--url",
      log.url,
      "--log-key",
      generateKey(log.origin).vkey,
      "--public-key",
      join(dir, "key.pem"),
    ]);
    expect(r.code, r.stderr).toBe(1);
  });
});

describe("edgelog audit-index", () => {
  it("rebuilds the index from the log, matches its map checkpoint, and resumes from its state", async () => {
    const state = join(dir, "audit.json");
    const first = await cli(["audit-index", "--url", log.url, "--log-key", log.vkey, "--state", state, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ replayedSize: 4, matched: [4] });
    expect(existsSync(state)).toBe(true);
    await post(hashedRekordV2(key, new TextEncoder().encode(`complete later ${Math.random()}`)));
    await catchUp();
    const again = await cli([
      "audit-index",
      "--url",
      log.url,
      "--log-key",
      log.vkey,
      "--state",
      state,
      "--json",
      "--progress",
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ replayedSize: 5, matched: [5] });
    expect(again.stderr).toContain("replayed 5/5 entries");
    expect(again.stderr).not.toContain("replayed 4/");
  });
});
