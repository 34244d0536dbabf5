/**
 * `node scripts/keys.ts <origin> [--shard NAME] [--out DIR]`: production keys for one log (shard),
 * made on this machine. The private keys go only to a git-ignored directory (default .keys/, mode
 * 0600) — never to the repository, never to stdout; what is printed is public: the wrangler.toml
 * lines, the `wrangler secret put` commands that upload the keys, and the verifier keys to publish.
 *
 *   node scripts/keys.ts log.example.com                        # the one log of a new deployment
 *   node scripts/keys.ts log.example.com/log2027 --shard log2027  # a new shard at a prefix
 *   node scripts/keys.ts log2027.example.com --shard log2027      # a new shard on its own host
 *
 * Two keys per log (README, "Two log keys"): Ed25519 for C2SP checkpoints (Rekor v2, tlog-tiles,
 * witnesses), ECDSA P-256 for Rekor v1 SETs and v1 checkpoints.
 */
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shardSettingName } from "../src/config.ts";
import { originWarnings } from "../src/origin-rules.ts";
import { checkpointKey, v1Key } from "../src/log/keys.ts";
import { toBase64 } from "../src/tlog/encoding.ts";
import { generateKey } from "../src/tlog/note.ts";

function usage(message?: string): never {
  if (message) console.error(`error: ${message}\n`);
  console.error(
    "usage: node scripts/keys.ts <origin> [--shard NAME] [--out DIR]\n  origin: the log's host (log.example.com) or <host>/<shard> for a shard at a prefix",
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let origin: string | undefined;
let shard: string | undefined;
let out = ".keys";
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === "--shard") shard = args[++i] ?? usage("--shard needs a name");
  else if (a === "--out") out = args[++i] ?? usage("--out needs a directory");
  else if (a === "-h" || a === "--help") usage();
  else if (a.startsWith("-")) usage(`unknown option ${a}`);
  else if (origin === undefined) origin = a;
  else usage(`unexpected argument ${a}`);
}
if (origin === undefined) usage();
origin = origin.replace(/^https?:\/\//, "").replace(/\/$/, "");
if (shard !== undefined && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(shard))
  usage("a shard name is lowercase letters, digits and inner hyphens");
const [host, path, ...rest] = origin.split("/");
if (!/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(host!) || rest.length > 0 || (path !== undefined && path !== shard)) {
  usage(
    `the origin must be the log's host${shard ? ` or ${host}/${shard}` : ""} (it is the base URL clients use), got ${origin}`,
  );
}

// With --shard the settings take the shard's suffix; without, they are the plain names (one log).
const name = (setting: string) => (shard ? shardSettingName(setting, shard) : setting);
const dir = join(out, shard ?? "default");
const files = {
  checkpoint: join(dir, name("LOG_SIGNING_KEY")),
  v1: join(dir, name("LOG_V1_SIGNING_KEY")),
  bulk: join(dir, "secrets.json"),
};
for (const f of Object.values(files))
  if (existsSync(f)) usage(`${f} exists: keys are never overwritten (move it away to make new ones)`);

const { skey } = generateKey(origin);
const v1Pem = generateKeyPairSync("ec", { namedCurve: "P-256" })
  .privateKey.export({ format: "pem", type: "pkcs8" })
  .toString();
const validFrom = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

mkdirSync(dir, { recursive: true, mode: 0o700 });
writeFileSync(files.checkpoint, `${skey}\n`, { mode: 0o600, flag: "wx" });
writeFileSync(files.v1, v1Pem, { mode: 0o600, flag: "wx" });
writeFileSync(
  files.bulk,
  `${JSON.stringify({ [name("LOG_SIGNING_KEY")]: skey, [name("LOG_V1_SIGNING_KEY")]: v1Pem }, null, 2)}\n`,
  { mode: 0o600, flag: "wx" },
);

// The public halves, derived exactly as the Worker derives them.
const ck = checkpointKey(skey);
const v1 = await v1Key({ LOG_SIGNING_KEY: skey, LOG_V1_SIGNING_KEY: v1Pem }, "default");

const scheme = /^(localhost|127\.0\.0\.1)(:|$)/.test(host!) ? "http" : "https";
console.log(
  [
    `Keys for ${origin}${shard ? ` (shard ${shard})` : ""} are in ${dir}/ (mode 0600${out === ".keys" ? "; .keys/ is git-ignored" : ""}).`,
    "Upload them, then keep them offline or delete them: the deployment needs only its secrets.",
    "",
    "1. wrangler.toml [vars]:",
    ...(shard
      ? [
          `   ${name("LOG_ORIGIN")} = "${origin}"`,
          `   ${name("LOG_VALID_FROM")} = "${validFrom}"`,
          `   and add ${shard} to SHARDS (set ACTIVE_SHARD = "${shard}" when it should take writes)`,
        ]
      : [`   LOG_ORIGIN = "${origin}"`, `   LOG_VALID_FROM = "${validFrom}"`]),
    "",
    "2. Secrets:",
    `   npx wrangler secret put ${name("LOG_SIGNING_KEY")} < ${files.checkpoint}`,
    `   npx wrangler secret put ${name("LOG_V1_SIGNING_KEY")} < ${files.v1}`,
    `   (or both at once: npx wrangler secret bulk ${files.bulk})`,
    "",
    "3. Publish (also served by the log at /api/v1/trust/trusted_root.json once deployed):",
    `   base URL:                   ${scheme}://${origin}`,
    `   checkpoint verifier key:    ${ck.vkey}`,
    `   Rekor v2 log ID (key hash): ${toBase64(ck.logId)}`,
    `   Rekor v1 log ID:            ${v1.logIdHex}`,
    `   Rekor v1 tree ID:           ${v1.treeId}`,
    "   Rekor v1 public key:",
    ...v1.pem
      .trim()
      .split("\n")
      .map((l) => `   ${l}`),
  ].join("\n"),
);
for (const w of originWarnings(origin, `${scheme}://${origin}`)) console.error(`warning: ${w}`);
