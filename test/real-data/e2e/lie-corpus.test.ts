// The lie corpus on real Sigstore data (../shared/fixtures/real-sigstore, SOURCES.md there): bundles and
// entries that rekor.sigstore.dev, rekor.sigstage.dev and the Rekor v2 logs (log2025-*) produced, verified
// with the keys of the TrustedRoots they were made under.
// - Every original is accepted by the shared module (src/client/verify-entry.ts: the explorer's check of
//   an API's answer) and by `edgelog verify` (cli/edgelog.ts main, in-process).
// - Every one-claim mutant of them (test/helpers/lie-corpus.ts; no keys here, so the unsigned lies) is
//   refused by both, naming the claim.
// - The sigstore-conformance and sigstore-java fixtures their authors damaged on purpose (`_fail`), where the
//   damage is a claim these verifiers check, are refused naming that claim: lies told by someone else.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../cli/edgelog.ts";
import type { Claim } from "../../../src/client/claims.ts";
import { parseLogEntry, verifyLogEntry } from "../../../src/client/verify-entry.ts";
import { mutants } from "../../helpers/lie-corpus.ts";
import { exists, readJson, real, trustFrom, type RealTrust } from "./fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "edgelog-real-lies-"));
const production = trustFrom("sigstore-python/trust/production.trusted_root.json");
const staging = trustFrom("sigstore-python/trust/staging.trusted_root.json");
const publicGood: RealTrust = {
  logKeys: [...production.logKeys, ...staging.logKeys],
  vkeys: [...production.vkeys, ...staging.vkeys],
  v1Keys: [...production.v1Keys, ...staging.v1Keys],
};

/** A fixture and the trust it verifies under: its case's trusted_root.json, else the public-good ones. */
function trustFor(path: string): RealTrust {
  const root = path.replace(/[^/]+$/, "trusted_root.json");
  return path.startsWith("conformance/") && exists(root) ? trustFrom(root) : publicGood;
}

const ORIGINALS = [
  "conformance/happy-path-v0.1/bundle.sigstore.json",
  "conformance/happy-path-v0.2/bundle.sigstore.json",
  "conformance/happy-path-v0.3/bundle.sigstore.json",
  "conformance/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
  "conformance/rekor2-happy-path/bundle.sigstore.json",
  "conformance/rekor2-dsse-happy-path/bundle.sigstore.json",
  "conformance/rekor2-checkpoint-cosigned/bundle.sigstore.json",
  "conformance/rekor2-checkpoint-multiple-cosigs/bundle.sigstore.json",
  "conformance/rekor2-checkpoint-origin-not-first/bundle.sigstore.json",
  "conformance/rekor2-checkpoint-two-sigs-from-origin/bundle.sigstore.json",
  "sigstore-java/bundles/bundle.v3.sigstore",
  "sigstore-java/bundles/bundle.dsse.rekor-v2.sigstore",
  "sigstore-java/rekor-response/valid/entry.json",
  "sigstore-java/rekor-response/valid/entry-v2.json",
  "sigstore-python/staging-rekor-v2.txt.sigstore.json",
  "sigstore-js/bundleV03-dsse.sigstore",
];

/** The `_fail` fixtures whose damage is a claim the verifiers check, and the claim. */
const DAMAGED: [string, Claim[]][] = [
  ["conformance/checkpoint-bad-keyhint_fail/bundle.sigstore.json", ["checkpoint signature"]],
  ["conformance/checkpoint-wrong-roothash_fail/bundle.sigstore.json", ["root hash", "tree size"]],
  ["conformance/inclusion-proof-corrupted-hash_fail/bundle.sigstore.json", ["inclusion proof"]],
  ["conformance/invalid-checkpoint-signature_fail/bundle.sigstore.json", ["checkpoint signature"]],
  ["conformance/integrated-time-in-future_fail/bundle.sigstore.json", ["certificate validity"]],
  ["conformance/intoto-expired-certificate_fail/bundle.sigstore.json", ["certificate validity"]],
  ["conformance/intoto-set-outside-signing-cert-validity_fail/bundle.sigstore.json", ["certificate validity"]],
  ["conformance/intoto-missing-inclusion-proof_fail/bundle.sigstore.json", ["inclusion proof"]],
  ["conformance/rekor2-no-inclusion-proof_fail/bundle.sigstore.json", ["inclusion proof"]],
  ["conformance/rekor2-checkpoint-missing-origin_fail/bundle.sigstore.json", ["checkpoint signature"]],
  ["conformance/rekor2-checkpoint-missing-root-hash_fail/bundle.sigstore.json", ["checkpoint signature"]],
  ["conformance/rekor2-checkpoint-missing-size_fail/bundle.sigstore.json", ["checkpoint signature"]],
  ["conformance/rekor2-checkpoint-missing-log-signature_fail/bundle.sigstore.json", ["checkpoint signature"]],
  ["conformance/rekor2-checkpoint-no-matching-signature_fail/bundle.sigstore.json", ["checkpoint signature"]],
  ["conformance/set-invalid-signature_fail/bundle.sigstore.json", ["signed entry timestamp"]],
  ["sigstore-java/bundles/bundle-with-bad-checkpoint-signature.sigstore", ["checkpoint signature"]],
  ["sigstore-java/bundles/bundle-with-mismatched-set.sigstore", ["signed entry timestamp"]],
];

const failed = (checks: { name: string; ok: boolean }[]) => checks.filter((c) => !c.ok).map((c) => c.name);

function moduleVerify(json: unknown, trust: RealTrust) {
  return verifyLogEntry(parseLogEntry(json), { logKeys: trust.logKeys, v1Keys: trust.v1Keys.map((k) => k.key) });
}

/** `edgelog verify` in-process with the fixture's log keys (and the v1 key its log ID names). */
async function cliVerify(
  json: any,
  trust: RealTrust,
): Promise<{ code: number; checks: { name: string; ok: boolean }[]; out: string }> {
  const path = join(dir, `e-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(json));
  const logId = parseLogEntry(json).logIdHex;
  const v1 = trust.v1Keys.find((k) => k.key.logIdHex === logId) ?? trust.v1Keys[0];
  const args = ["verify", path, "--json", ...(trust.vkeys.length > 0 ? ["--log-key", trust.vkeys.join(",")] : [])];
  if (v1) {
    const pem = join(dir, `v1-${v1.host}.pem`);
    writeFileSync(pem, v1.pem);
    args.push("--v1-key", pem);
  }
  let out = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c) => ((out += String(c)), true));
  try {
    const code = await main(args);
    const line = out.split("\n").find((l) => l.startsWith("{"));
    return { code, checks: line ? JSON.parse(line).checks : [], out };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

describe("real Sigstore entries: accepted as they are", () => {
  for (const path of ORIGINALS) {
    it(path, async () => {
      const json = readJson(path);
      const trust = trustFor(path);
      expect(failed(moduleVerify(json, trust).checks)).toEqual([]);
      const cli = await cliVerify(json, trust);
      expect(cli.code, cli.out).toBe(0);
    });
  }

  it("the artifact digest of real hashedrekord bundles matches their artifacts", async () => {
    const { readFileSync } = await import("node:fs");
    for (const [bundle, artifact] of [
      ["conformance/happy-path-v0.3/bundle.sigstore.json", "conformance/a.txt"],
      ["sigstore-python/staging-rekor-v2.txt.sigstore.json", "sigstore-python/staging-rekor-v2.txt"],
    ]) {
      const path = join(dir, "bundle.json");
      writeFileSync(path, JSON.stringify(readJson(bundle!)));
      const trust = trustFor(bundle!);
      const entry = parseLogEntry(readJson(bundle!));
      const v1 = trust.v1Keys.find((k) => k.key.logIdHex === entry.logIdHex);
      const args = ["verify", path, "--log-key", trust.vkeys.join(","), "--artifact", real(artifact!)];
      if (v1) writeFileSync(join(dir, "v1.pem"), v1.pem), args.push("--v1-key", join(dir, "v1.pem"));
      const o = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
      try {
        expect(await main(args), bundle).toBe(0);
        expect(
          await main(
            args.map((a) =>
              a === real(artifact!) ? real("sigstore-java/bundles/PKIX_ECDSA_P256_SHA_256.sigstore.json") : a,
            ),
          ),
          bundle,
        ).toBe(1);
      } finally {
        o.mockRestore();
        process.exitCode = undefined;
      }
      expect(readFileSync(real(artifact!)).length).toBeGreaterThan(0);
    }
  });
});

describe("real Sigstore entries: every one-claim mutant refused, naming the claim", () => {
  for (const path of ORIGINALS) {
    it(path, async () => {
      const json = readJson(path);
      const trust = trustFor(path);
      const wrong: string[] = [];
      // No witness keys come with these logs: a cosignature is listed, not checked, so its byte is no lie to them.
      for (const m of mutants(json).filter((x) => !x.claims.includes("witness cosignatures"))) {
        const mod = failed(moduleVerify(m.json, trust).checks);
        if (!m.claims.some((c) => mod.includes(c))) wrong.push(`module: "${m.lie}" (failed: ${mod.join(", ")})`);
        const cli = await cliVerify(m.json, trust);
        if (cli.code !== 1 || !m.claims.some((c) => failed(cli.checks).includes(c)))
          wrong.push(`CLI: "${m.lie}" (exit ${cli.code}, failed: ${failed(cli.checks).join(", ")})`);
      }
      expect(wrong).toEqual([]);
    });
  }
});

describe("real Sigstore fixtures damaged by their authors: refused, naming the damaged claim", () => {
  for (const [path, claims] of DAMAGED) {
    it(path, async () => {
      const json = readJson(path);
      const trust = trustFor(path);
      const mod = failed(moduleVerify(json, trust).checks);
      expect(
        mod.some((c) => (claims as string[]).includes(c)),
        mod.join(", "),
      ).toBe(true);
      const cli = await cliVerify(json, trust);
      expect(cli.code, cli.out).toBe(1);
      expect(
        failed(cli.checks).some((c) => (claims as string[]).includes(c)),
        cli.out,
      ).toBe(true);
    });
  }
});
