// scripts/keys.ts: production keys made locally. Private keys only in files (mode 0600) under the
// output directory, never printed; what is printed is public and matches the keys; the files feed
// `wrangler secret put` / `secret bulk` and the Worker derives the same public identity from them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkpointKey, signingKeys, v1Key } from "../../src/log/keys.ts";
import { toBase64 } from "../../src/tlog/encoding.ts";
import { newSigner } from "../../src/tlog/note.ts";
import { originWarnings } from "../../src/origin-rules.ts";

const keys = (args: string[]) =>
  spawnSync(process.execPath, ["scripts/keys.ts", ...args], { encoding: "utf8", timeout: 60_000 });

describe("scripts/keys.ts", () => {
  it("writes a shard's keys to files and prints only public material and the commands to upload them", async () => {
    const out = mkdtempSync(join(tmpdir(), "edgelog-keys-"));
    const r = keys(["log.example.com/log2027", "--shard", "log2027", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    const dir = join(out, "log2027");
    const skey = readFileSync(join(dir, "LOG_SIGNING_KEY_LOG2027"), "utf8").trim();
    const pem = readFileSync(join(dir, "LOG_V1_SIGNING_KEY_LOG2027"), "utf8");
    for (const f of ["LOG_SIGNING_KEY_LOG2027", "LOG_V1_SIGNING_KEY_LOG2027", "secrets.json"])
      expect(statSync(join(dir, f)).mode & 0o077, f).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "secrets.json"), "utf8"))).toEqual({
      LOG_SIGNING_KEY_LOG2027: skey,
      LOG_V1_SIGNING_KEY_LOG2027: pem,
    });

    // Nothing secret on stdout.
    expect(r.stdout).not.toContain(skey);
    expect(r.stdout).not.toContain("PRIVATE");
    expect(r.stdout).not.toContain(pem.split("\n")[1]);
    // The vars, the upload commands, and the public keys as the Worker will derive them.
    expect(r.stdout).toContain('LOG_ORIGIN_LOG2027 = "log.example.com/log2027"');
    expect(r.stdout).toMatch(/LOG_VALID_FROM_LOG2027 = "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    expect(r.stdout).toContain(
      `npx wrangler secret put LOG_SIGNING_KEY_LOG2027 < ${join(dir, "LOG_SIGNING_KEY_LOG2027")}`,
    );
    expect(r.stdout).toContain(
      `npx wrangler secret put LOG_V1_SIGNING_KEY_LOG2027 < ${join(dir, "LOG_V1_SIGNING_KEY_LOG2027")}`,
    );
    expect(r.stdout).toContain(`npx wrangler secret bulk ${join(dir, "secrets.json")}`);
    const env = { LOG_SIGNING_KEY_LOG2027: skey, LOG_V1_SIGNING_KEY_LOG2027: pem };
    expect(newSigner(skey).name).toBe("log.example.com/log2027");
    const ck = checkpointKey(signingKeys(env, "log2027").checkpoint);
    expect(r.stdout).toContain(`checkpoint verifier key:    ${ck.vkey}`);
    expect(r.stdout).toContain(`Rekor v2 log ID (key hash): ${toBase64(ck.logId)}`);
    const v1 = await v1Key(env, "log2027");
    expect(r.stdout).toContain(`Rekor v1 log ID:            ${v1.logIdHex}`);
    expect(r.stdout).toContain(v1.pem.trim().split("\n")[1]);
    expect(r.stdout).toContain("base URL:                   https://log.example.com/log2027");

    // Keys are never overwritten.
    const again = keys(["log.example.com/log2027", "--shard", "log2027", "--out", out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists: keys are never overwritten/);
    expect(readFileSync(join(dir, "LOG_SIGNING_KEY_LOG2027"), "utf8").trim()).toBe(skey);
  });

  it("a single log's keys take the plain names; an origin that is not the shard's base URL is refused", () => {
    const out = mkdtempSync(join(tmpdir(), "edgelog-keys-"));
    const r = keys(["https://log.example.com/", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('LOG_ORIGIN = "log.example.com"');
    expect(r.stdout).toContain(`npx wrangler secret put LOG_SIGNING_KEY < ${join(out, "default", "LOG_SIGNING_KEY")}`);
    expect(newSigner(readFileSync(join(out, "default", "LOG_SIGNING_KEY"), "utf8").trim()).name).toBe(
      "log.example.com",
    );
    expect(keys(["log.example.com/other", "--shard", "log2027", "--out", out]).status).toBe(2);
    expect(keys(["log.example.com", "--shard", "Bad_Name", "--out", out]).status).toBe(2);
    expect(keys([]).status).toBe(2);
  });
});

describe("origin warnings (src/origin-rules.ts), printed by scripts/keys.ts and npm start", () => {
  it("warn when the origin is not the base URL's host name, as sigstore-go requires for Rekor v2", () => {
    expect(originWarnings("log.example.com", "https://log.example.com")).toEqual([]);
    // A shard at a prefix, a port, npm start's localhost:<port>: sigstore-js accepts them, Go clients do not.
    for (const [origin, url] of [
      ["log.example.com/log2027", "https://log.example.com/log2027"],
      ["log.example.com:8443", "https://log.example.com:8443"],
      ["localhost:8787", "http://localhost:8787"],
    ]) {
      const w = originWarnings(origin!, url!);
      expect(w, origin).toHaveLength(1);
      expect(w[0]).toMatch(
        /is not the base URL's host name ".*": sigstore-go and cosign verify Rekor v2 checkpoints under the host name/,
      );
    }
    expect(originWarnings("other.example.com", "https://log.example.com")).toHaveLength(2); // sigstore-js too
  });

  it("scripts/keys.ts prints the warning on stderr for a shard at a prefix, and none for a host of its own", () => {
    const out = mkdtempSync(join(tmpdir(), "edgelog-keys-"));
    const prefixed = keys(["log.example.com/log2027", "--shard", "log2027", "--out", out]);
    expect(prefixed.status, prefixed.stderr).toBe(0);
    expect(prefixed.stderr).toContain(
      `warning: ${originWarnings("log.example.com/log2027", "https://log.example.com/log2027")[0]}`,
    );
    const own = keys(["log2028.example.com", "--shard", "log2028", "--out", out]);
    expect(own.status, own.stderr).toBe(0);
    expect(own.stderr).toBe("");
  });
});
