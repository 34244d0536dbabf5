// `edgelog health` and `edgelog reindex` end to end against the Worker under Miniflare: with the search
// index wiped, health reports every entry as not searchable; reindex (in small slices) rebuilds it and
// search finds the entries again; a wrong token fails (exit 3) saying where to resume.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashedRekordV2, p256Key } from "../helpers/keys.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";
import { runCli as cli } from "./cli-runner.ts";

let log: LocalLog;
const token = `admin-${Math.random().toString(36).slice(2)}`;
const key = p256Key();
const artifacts = [0, 1, 2, 3, 4].map((i) => new TextEncoder().encode(`cli reindex artifact ${i} ${Math.random()}`));

beforeAll(async () => {
  log = await startLocalLog({ ADMIN_TOKEN: token });
  for (const a of artifacts) {
    const r = await fetch(`${log.url}/api/v2/log/entries`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(hashedRekordV2(key, a)),
    });
    expect(r.status, await r.clone().text()).toBe(201);
  }
  const ns = await log.mf.getDurableObjectNamespace("SEQUENCER");
  await (ns.get(ns.idFromName("default")) as unknown as { status(): Promise<unknown> }).status(); // drains the outbox
}, 120_000);
afterAll(async () => {
  await log?.stop();
});

const health = async () => {
  const r = await cli(["health", "--url", log.url, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { shard: string; size: number; indexed: number; lag: number };
};

describe("edgelog health and reindex", () => {
  it("reports the lag, rebuilds a wiped index, and search finds the entries again", async () => {
    const d1 = await log.mf.getD1Database("INDEX");
    await d1.exec("DELETE FROM entries; DELETE FROM index_keys; DELETE FROM index_sizes;");
    // /healthz answers from a cache of a few seconds per isolate; wait until it has seen the wipe.
    const lag = async () =>
      ((await (await fetch(`${log.url}/healthz`)).json()) as { index: { lag: number } }).index.lag;
    while ((await lag()) !== 5) await new Promise((r) => setTimeout(r, 500));
    expect(await health()).toEqual({ shard: "default", size: 5, indexed: 0, lag: 5 });
    const text = await cli(["health", "--url", log.url, "--max-lag", "0"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/0 of 5 entries searchable, lag 5/);

    const wrong = await cli(["reindex", "--url", log.url, "--token", "wrong", "--no-progress", "--from", "2"]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/HTTP 401[\s\S]*resume with --from 2/);

    const run = await cli(["reindex", "--url", log.url, "--batch", "2", "--no-progress", "--json"], {
      EDGELOG_ADMIN_TOKEN: token,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ shard: "default", from: 0, to: 5, size: 5 });
    const found = await cli([
      "search",
      "--url",
      log.url,
      "--log-key",
      log.vkey,
      "--digest",
      `sha256:${Buffer.from(await crypto.subtle.digest("SHA-256", artifacts[3]!)).toString("hex")}`,
    ]);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toMatch(/^default 3 hashedrekord/);
    while ((await lag()) !== 0) await new Promise((r) => setTimeout(r, 500));
  }, 180_000);
});
