// The deploy path cannot rot: `npm run deploy -- --dry-run` (scripts/deploy.ts) checks the shard
// configuration in wrangler.toml as the Worker reads it and runs `wrangler deploy --dry-run`, which
// bundles the Worker and resolves every binding; without --dry-run it refuses the local placeholders.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const node = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: 120_000,
  });

/** wrangler.toml changed by `edit`, in the git-ignored .tmp/ (paths made relative to it). */
function variant(edit: (toml: string) => string): string {
  mkdirSync(".tmp", { recursive: true });
  const base = readFileSync("wrangler.toml", "utf8")
    .replace(/^main = "/m, 'main = "../')
    .replace(/^migrations_dir = "/m, 'migrations_dir = "../');
  const path = join(".tmp", `wrangler.${process.pid}.${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(path, edit(base));
  return path;
}

describe("deploy", () => {
  it("wrangler deploy --dry-run succeeds with every binding the Worker needs", () => {
    const outdir = mkdtempSync(join(tmpdir(), "edgelog-dry-run-"));
    const r = node(["scripts/deploy.ts", "--dry-run", "--outdir", outdir]);
    const output = r.stdout + r.stderr;
    expect(r.status, output).toBe(0);
    expect(output).toMatch(/Shards \(wrangler\.toml \[vars\]\):\s+default\s+active/);
    expect(output).toContain("--dry-run: exiting now.");
    for (const [binding, kind] of [
      ["env.SEQUENCER (Sequencer)", "Durable Object"],
      ["env.HOT (", "KV Namespace"],
      ["env.INDEX (edgelog-index)", "D1 Database"],
      ["env.TILES (edgelog-tiles)", "R2 Bucket"],
      ['env.SHARDS ("default")', "Environment Variable"],
      ["env.LOG_ORIGIN (", "Environment Variable"],
      ['env.ENABLE_TEST_APPEND ("false")', "Environment Variable"],
      // wrangler accepts [[ratelimits]] as the rate limiter src/api/rate-limit.ts uses.
      ["env.LIMITER (50 requests/10s)", "Rate Limit"],
    ]) {
      expect(output, binding).toMatch(new RegExp(`${binding.replace(/[.*+?^$()|[\]\\]/g, "\\$&")}.*${kind}`));
    }
    // The bundle is the Worker with its Durable Object class, as it would be uploaded.
    const bundle = readFileSync(join(outdir, "index.js"), "utf8");
    expect(bundle).toMatch(/Sequencer = class extends DurableObject/);
    expect(bundle).toMatch(/export\s*\{[^}]*\bSequencer\b/);
  });

  it("a real deploy is refused while wrangler.toml holds local placeholders, saying what to do", () => {
    // No API token in a non-interactive run: wrangler cannot reach the account, nothing is deployed.
    const r = node(["scripts/deploy.ts"], { CI: "true", CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_ACCOUNT_ID: "" });
    const output = r.stdout + r.stderr;
    expect(r.status, output).toBe(1);
    expect(output).toContain("Not deploying:");
    expect(output).toMatch(/KV namespace HOT has the local placeholder id: `npx wrangler kv namespace create HOT`/);
    expect(output).toMatch(/D1 database INDEX has the local placeholder id: `npx wrangler d1 create edgelog-index`/);
    expect(output).toMatch(/shard default has the origin localhost:8787/);
    expect(output).not.toContain("$ wrangler deploy");
  });

  it("refuses to switch on the test-only raw append: in [vars], in any [env.*] section, or with --var", () => {
    const section = variant((toml) => `${toml}\n[env.staging.vars]\nENABLE_TEST_APPEND = "true"\n`);
    const top = variant((toml) => toml.replace(/^ENABLE_TEST_APPEND = .*$/m, 'ENABLE_TEST_APPEND = "true"'));
    try {
      // Each run is refused for each of its problems (wrangler's --var takes one or more KEY:VALUE words).
      const runs: [string[], RegExp[]][] = [
        // [env.staging] is not the section deployed here, and is refused all the same.
        [["--config", section], [/\[env\.staging\.vars\] sets ENABLE_TEST_APPEND = "true"/]],
        [
          ["--config", top, "--var", "LOG_OPERATOR:example.com", "ENABLE_TEST_APPEND:true"],
          [/\[vars\] sets ENABLE_TEST_APPEND = "true"/, /--var ENABLE_TEST_APPEND:true/],
        ],
        [["--var", "ENABLE_TEST_APPEND:true"], [/--var ENABLE_TEST_APPEND:true/]],
      ];
      for (const [args, messages] of runs) {
        const r = node(["scripts/deploy.ts", "--dry-run", ...args]);
        expect(r.status, args.join(" ")).toBe(1);
        expect(r.stderr, args.join(" ")).toMatch(/Not deploying:/);
        for (const m of messages) expect(r.stderr, args.join(" ")).toMatch(m);
        expect(r.stdout).not.toContain("$ wrangler deploy");
      }
    } finally {
      rmSync(section);
      rmSync(top);
    }
  });

  it("checks a shard configuration as the Worker will read it: two shards pass, a bad one is refused before any upload", () => {
    const shards = (vars: string) => variant((toml) => toml.replace(/^SHARDS = .*$/m, vars));
    const good = shards(
      'SHARDS = "default,log2027"\nACTIVE_SHARD = "log2027"\nLOG_ORIGIN_LOG2027 = "localhost:8787/log2027"',
    );
    const bad = shards('SHARDS = "default,log2027"\nACTIVE_SHARD = "log2028"');
    try {
      const outdir = mkdtempSync(join(tmpdir(), "edgelog-dry-run-"));
      const ok = node(["scripts/deploy.ts", "--dry-run", "--config", good, "--outdir", outdir]);
      expect(ok.status, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(
        /default\s+frozen\s+https:\/\/localhost:8787\n\s+log2027\s+active\s+https:\/\/localhost:8787\/log2027/,
      );
      expect(ok.stdout).toContain('env.ACTIVE_SHARD ("log2027")');
      const refused = node(["scripts/deploy.ts", "--dry-run", "--config", bad]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('ACTIVE_SHARD "log2028" is not in SHARDS (default,log2027)');
      expect(refused.stdout).not.toContain("$ wrangler deploy");
    } finally {
      rmSync(good);
      rmSync(bad);
    }
  });
});
