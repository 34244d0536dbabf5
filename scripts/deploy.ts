/**
 * `npm run deploy [-- --dry-run] [-- --config <file>] [-- <more wrangler deploy flags>]`: checks the deployment, applies
 * the D1 migrations, then `wrangler deploy`.
 *
 * Before anything is uploaded it refuses, with the command that fixes it:
 * - a shard configuration the Worker would refuse (SHARDS, ACTIVE_SHARD, origins: src/log/shards.ts);
 * - the local placeholder ids of the KV namespace and D1 database, or a shard origin on localhost;
 * - the test-only raw append endpoint switched on: ENABLE_TEST_APPEND = "true" in [vars] or in any
 *   [env.*] section's vars (each is checked, whichever is deployed), or `--var ENABLE_TEST_APPEND:true`;
 * - a shard whose keys are not among the Worker's secrets (`wrangler secret list`).
 * With --dry-run only the configuration (shards, test append) is checked, then `wrangler deploy
 * --dry-run` bundles the Worker (this is what `npm test` runs: test/deploy/dry-run.test.ts).
 * `--env <name>` checks and deploys that [env.<name>] section (wrangler does not inherit [vars] into it).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { experimental_readRawConfig, unstable_readConfig } from "wrangler";
import { shardSettingName } from "../src/config.ts";
import { isLocalOrigin } from "../src/local-origin.ts";
import { baseUrl, readShards } from "../src/log/shards.ts";

const passThrough = process.argv.slice(2);
const dryRun = passThrough.includes("--dry-run");
const configFlag = passThrough.findIndex((a) => a === "--config" || a === "-c");
const configPath =
  configFlag >= 0
    ? passThrough[configFlag + 1]!
    : (passThrough.find((a) => a.startsWith("--config="))?.slice(9) ?? "wrangler.toml");
const configArgs = configPath === "wrangler.toml" ? [] : ["--config", configPath];
/** The value of a wrangler flag given as `--flag value` or `--flag=value`. */
function flag(...names: string[]): string | undefined {
  const at = passThrough.findIndex((a) => names.includes(a));
  if (at >= 0) return passThrough[at + 1];
  return passThrough.find((a) => names.some((n) => a.startsWith(`${n}=`)))?.replace(/^[^=]*=/, "");
}
const deployedEnv = flag("--env", "-e");
// wrangler under this same Node (22, pinned in the project), whatever `node` is first on PATH.
const wranglerJs = join("node_modules", "wrangler", "bin", "wrangler.js");
const wrangler = (args: string[], opts: Parameters<typeof spawnSync>[2] = {}) =>
  existsSync(wranglerJs) ? spawnSync(process.execPath, [wranglerJs, ...args], opts) : spawnSync("wrangler", args, opts);

const problems: string[] = [];
const config = unstable_readConfig({ config: configPath, ...(deployedEnv ? { env: deployedEnv } : {}) });
const vars = { ...(config.vars as Record<string, unknown>) };

// The test-only raw append takes unauthenticated leaves: never on in any section a deploy could use.
const sections = [undefined, ...Object.keys(experimental_readRawConfig({ config: configPath }).rawConfig.env ?? {})];
for (const env of sections) {
  const sectionVars = unstable_readConfig({ config: configPath, ...(env ? { env } : {}) }, { hideWarnings: true })
    .vars as Record<string, unknown>;
  if (sectionVars.ENABLE_TEST_APPEND === "true")
    problems.push(
      `${env ? `[env.${env}.vars]` : "[vars]"} sets ENABLE_TEST_APPEND = "true": the raw append endpoint is for local tests only; set it to "false"`,
    );
}
// wrangler's --var takes one or more KEY:VALUE words.
if (passThrough.some((a) => /^(--var=)?ENABLE_TEST_APPEND:\s*"?true"?$/.test(a))) {
  problems.push("--var ENABLE_TEST_APPEND:true: the raw append endpoint is for local tests only; leave it off");
}
if (problems.length > 0 && dryRun) refuse();

// 1. The shard configuration, as the Worker will read it.
let shards;
try {
  shards = readShards(vars).map((c) => ({ name: c.shard, state: c.state, origin: c.origin }));
} catch (e) {
  console.error(`${configPath}: ${(e as Error).message}`);
  process.exit(1);
}
console.log(`Shards (${configPath} ${deployedEnv ? `[env.${deployedEnv}.vars]` : "[vars]"}):`);
for (const s of shards) console.log(`  ${s.name.padEnd(16)} ${s.state.padEnd(8)} ${baseUrl(s.origin, "https:")}`);

/** The line of wrangler's output that says what went wrong. */
function reason(output: string): string {
  const lines = output
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.includes("Logs were written"));
  return (lines.find((l) => /ERROR/.test(l)) ?? lines.pop() ?? "no output").replace(/^✘ \[ERROR\] /, "");
}

if (!dryRun) {
  // 2. Resources and origins that only make sense locally.
  for (const kv of config.kv_namespaces ?? []) {
    if (!kv.id || kv.id.endsWith("-local"))
      problems.push(
        `KV namespace ${kv.binding} has the local placeholder id: \`npx wrangler kv namespace create ${kv.binding}\` and put its id into wrangler.toml`,
      );
  }
  for (const db of config.d1_databases ?? []) {
    if (!db.database_id || db.database_id.endsWith("-local"))
      problems.push(
        `D1 database ${db.binding} has the local placeholder id: \`npx wrangler d1 create ${db.database_name}\` and put its id into wrangler.toml`,
      );
  }
  for (const s of shards) {
    if (isLocalOrigin(s.origin))
      problems.push(
        `shard ${s.name} has the origin ${s.origin}: set ${shardSettingName("LOG_ORIGIN", s.name)} (or LOG_ORIGIN) to the host clients will use`,
      );
  }
}
if (problems.length === 0 && !dryRun) {
  // 3. Every shard's keys among the Worker's secrets.
  const listed = wrangler(["secret", "list", "--format", "json", ...configArgs], { encoding: "utf8" });
  let secrets: Set<string> | undefined;
  try {
    secrets = new Set((JSON.parse(String(listed.stdout)) as { name: string }[]).map((s) => s.name));
  } catch {
    problems.push(
      `could not list the Worker's secrets (\`wrangler secret list\`: ${reason(String(listed.stderr || listed.stdout))}); make the keys with \`node scripts/keys.ts <origin>\` and upload them with the \`wrangler secret put\` lines it prints`,
    );
  }
  if (secrets) {
    for (const s of shards) {
      for (const key of ["LOG_SIGNING_KEY", "LOG_V1_SIGNING_KEY"]) {
        const own = shardSettingName(key, s.name);
        if (!secrets.has(own) && !secrets.has(key))
          problems.push(
            `shard ${s.name} has no ${own} (or ${key}) secret: \`node scripts/keys.ts ${s.origin}${shards.length > 1 ? ` --shard ${s.name}` : ""}\`, then the \`wrangler secret put\` lines it prints`,
          );
      }
    }
  }
}

function refuse(): never {
  console.error(
    `\nNot deploying:\n${problems.map((p) => `  - ${p}`).join("\n")}\n\nREADME, "Deploying", has the one-time setup.`,
  );
  process.exit(1);
}
if (problems.length > 0) refuse();

function run(args: string[]): void {
  console.log(`\n$ wrangler ${args.join(" ")}`);
  const r = wrangler(args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// 4. The search index schema (idempotent), then the Worker.
if (!dryRun)
  for (const db of config.d1_databases ?? []) run(["d1", "migrations", "apply", db.binding, "--remote", ...configArgs]);
run(["deploy", ...passThrough]);
