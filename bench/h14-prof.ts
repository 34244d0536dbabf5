import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { createServer } from "node:net";
import { bundleWorker, startLog } from "./miniflare.ts";
import { startProfiler, summarise } from "./profile.ts";
const port: number = await new Promise((r) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = (s.address() as any).port; s.close(() => r(p)); }); });
const bundle = await bundleWorker();
const v1Key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const log = await startLog({ scriptPath: bundle.scriptPath, port: 0, tickMs: 50, inspectorPort: port, vars: { LOG_V1_SIGNING_KEY: v1Key } });
const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-521" });
const spki = publicKey.export({ type: "spki", format: "der" });
for (let i = 0; i < 120; i++) {
  const data = Buffer.from(`x ${i} ${Math.random()}`);
  const body = { hashedRekordRequestV002: { digest: createHash("sha512").update(data).digest("base64"), signature: { content: sign("sha512", data, privateKey).toString("base64"), verifier: { publicKey: { rawBytes: spki.toString("base64") }, keyDetails: "PKIX_ECDSA_P521_SHA_512" } } } };
  await fetch(new URL("/api/v2/log/entries", log.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
const key = `sha256:${createHash("sha256").update(spki).digest("hex")}`;
await fetch(new URL(`/api/v2/search?key=${key}&limit=100`, log.url)).then((r) => r.text());
const prof = await startProfiler(port);
for (let i = 0; i < 10; i++) await fetch(new URL(`/api/v2/search?key=${key}&limit=100`, log.url)).then((r) => r.text());
const s = summarise(await prof.stop(), 25);
console.log("busy", s.totalMs - s.idleMs);
console.log("self", s.self.slice(0, 20).map((r) => `${r.fn} ${r.pct}%`).join("\n"));
console.log("incl", s.inclusive.slice(0, 30).map((r) => `${r.fn} ${r.pct}%`).join("\n"));
await log.dispose(); bundle.dispose();
