/**
 * Phase "verify" of `npm run bench`: µs per ECDSA verification over a digest (hashedrekord) inside workerd, per
 * curve, by the Worker's path (native scalar multiplications through node:crypto's ECDH, src/pki/ecdsa.ts) and by
 * pure-JS @noble/curves in the same run; Node's own OpenSSL verify over the message is printed beside them as the
 * native ceiling. bench/ecdsa-verify.worker.ts runs under Miniflare with wrangler.toml's compatibility flags; each
 * figure is workerd's CPU time over four requests doing n verifications (n sized for about 0.4 s each), less that
 * of four doing none, per verification; Node's is its own CPU time. CPU time, unlike wall time, barely moves
 * with other load on the machine.
 * @module
 */
import { createHash, generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { descendantCpuMs } from "./machine.ts";
import { readWranglerToml } from "./miniflare.ts";

export const P256_TARGET_MICROS = 300;
const CURVES = [
  { curve: "P-256", openssl: "prime256v1", hash: "sha256" },
  { curve: "P-384", openssl: "secp384r1", hash: "sha384" },
  { curve: "P-521", openssl: "secp521r1", hash: "sha512" },
] as const;

export interface CurveVerifyResult {
  /** The Worker's path, µs of workerd CPU per verification. */
  micros: number;
  /** Pure-JS @noble/curves in workerd, µs of CPU per verification. */
  nobleMicros: number;
  /** noble / native, same run. */
  speedup: number;
  /** node:crypto (OpenSSL) verifying over the message in Node, µs of CPU: the native ceiling. */
  nodeMessageMicros: number;
}
export type VerifyResult = Record<(typeof CURVES)[number]["curve"], CurveVerifyResult>;

/** Wall time of one measured request: enough work to dwarf a request's own cost. */
const TARGET_REQUEST_MS = 400;
/** Measured requests per figure (workerd's CPU time is read in 10 ms ticks). */
const REQUESTS = 4;

export async function runVerifyBench(): Promise<VerifyResult> {
  const dir = mkdtempSync(join(tmpdir(), "edgelog-ecdsa-"));
  const toml = readWranglerToml();
  let mf: Miniflare | undefined;
  try {
    const scriptPath = join(dir, "ecdsa-verify.js");
    await build({
      entryPoints: [join(import.meta.dirname, "ecdsa-verify.worker.ts")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      conditions: ["workerd", "worker", "import"],
      external: ["node:*"],
      outfile: scriptPath,
      logLevel: "error",
    });
    mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: true,
        scriptPath,
        modulesRoot: dir,
        compatibilityDate: toml.compatibilityDate,
        compatibilityFlags: toml.compatibilityFlags,
        cf: false,
        log: new Log(LogLevel.WARN),
      }),
    );
    await mf.ready;
    const result = {} as VerifyResult;
    for (const c of CURVES) {
      const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: c.openssl });
      const message = Buffer.from(`edgelog verify bench ${c.curve}`);
      const signature = sign(c.hash, message, privateKey);
      const input = {
        spki: publicKey.export({ format: "der", type: "spki" }).toString("hex"),
        digest: createHash(c.hash).update(message).digest("hex"),
        signature: signature.toString("hex"),
      };
      const timed = async (path: "native" | "noble", n: number): Promise<number> => {
        const t0 = performance.now();
        const res = await mf!.dispatchFetch("http://bench/", {
          method: "POST",
          body: JSON.stringify({ ...input, path, n }),
        });
        const { ok } = (await res.json()) as { ok: number };
        if (ok !== n) throw new Error(`verify bench: ${c.curve} ${path} verified ${ok} of ${n}`);
        return performance.now() - t0;
      };
      // workerd's CPU time, not wall time: on a shared machine it is what other load moves least.
      const micros = async (path: "native" | "noble"): Promise<number> => {
        const probe = await timed(path, 20); // also warms up
        const n = Math.max(20, Math.round((TARGET_REQUEST_MS / probe) * 20));
        const cpu0 = descendantCpuMs("workerd");
        for (let i = 0; i < REQUESTS; i++) await timed(path, n);
        const cpu1 = descendantCpuMs("workerd");
        for (let i = 0; i < REQUESTS; i++) await timed(path, 0);
        const cpu2 = descendantCpuMs("workerd");
        return Math.round(((cpu1 - cpu0 - (cpu2 - cpu1)) / (REQUESTS * n)) * 1000);
      };
      const native = await micros("native");
      const noble = await micros("noble");
      let nodeN = 0;
      const t0 = performance.now();
      const nodeCpu0 = process.cpuUsage();
      while (performance.now() - t0 < TARGET_REQUEST_MS) if (verify(c.hash, message, publicKey, signature)) nodeN++;
      const nodeCpu = process.cpuUsage(nodeCpu0);
      result[c.curve] = {
        micros: native,
        nobleMicros: noble,
        speedup: Math.round((noble / native) * 10) / 10,
        nodeMessageMicros: Math.round((nodeCpu.user + nodeCpu.system) / nodeN),
      };
    }
    return result;
  } finally {
    await mf?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
