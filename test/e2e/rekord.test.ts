// The Worker as wrangler bundles it (esbuild, the openpgp.js build its package exports for workers) running in
// workerd under Miniflare: rekord entries of every format are accepted and read back. The workerd test project
// runs the sources through vite instead; this proves the deployed bundle works too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBase64 } from "../../src/tlog/encoding.ts";
import { fixture, type FixtureName } from "../fixtures/rekord/index.ts";
import { startLocalLog, type LocalLog } from "./local-log.ts";

let log: LocalLog;
beforeAll(async () => {
  log = await startLocalLog();
}, 60_000);
afterAll(async () => {
  await log?.stop();
});

const CASES: [string, FixtureName, FixtureName][] = [
  ["pgp", "pgp-rsa.pub.asc", "pgp-rsa.sig"],
  ["pgp", "pgp-ed25519.pub.gpg", "pgp-ed25519.sig.asc"],
  ["minisign", "minisign-b.pub", "minisign-b.prehashed.minisig"],
  ["ssh", "ssh-p256.pub", "ssh-p256.sig"],
  ["x509", "x509-rsa.cert.pem", "x509-rsa.sig"],
];

describe("rekord in the bundled Worker", () => {
  for (const [format, key, sig] of CASES) {
    it(`${format}: ${key} + ${sig}`, async () => {
      const body = {
        apiVersion: "0.0.1",
        kind: "rekord",
        spec: {
          data: { content: toBase64(fixture("artifact.txt")) },
          signature: { format, content: toBase64(fixture(sig)), publicKey: { content: toBase64(fixture(key)) } },
        },
      };
      const r = await fetch(`${log.url}/api/v1/log/entries`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(r.status, await r.clone().text()).toBe(201);
      const [uuid] = Object.keys((await r.json()) as object);
      const g = await fetch(`${log.url}/api/v1/log/entries/${uuid}`);
      expect(g.status).toBe(200);
      const bad = await fetch(`${log.url}/api/v1/log/entries`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ...body,
          spec: { ...body.spec, data: { content: toBase64(new TextEncoder().encode("other data")) } },
        }),
      });
      expect(bad.status).toBe(400);
    });
  }
});
