/**
 * What the numbers were measured on: CPU model, cores, memory, Node and workerd versions.
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem, platform, release } from "node:os";
import { createRequire } from "node:module";

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  workerd: string;
  miniflare: string;
  wrangler: string;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return cpus()[0]?.model ?? "unknown";
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function workerdVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    // The workerd package ships the native binary; it prints e.g. "workerd 2026-10-06".
    const bin = require.resolve("workerd/bin/workerd");
    return execFileSync(bin, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return `workerd (npm ${packageVersion("workerd")})`;
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    workerd: workerdVersion(),
    miniflare: packageVersion("miniflare"),
    wrangler: packageVersion("wrangler"),
  };
}

function cpuTicks(): { busy: number; total: number } | null {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Share of all cores busy over `ms` (Linux /proc/stat), measured before the benchmark starts its own work. */
export async function cpuBusyShare(ms = 1000): Promise<number | null> {
  const a = cpuTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTicks();
  if (!a || !b || b.total === a.total) return null;
  return Math.round(((b.busy - a.busy) / (b.total - a.total)) * 1000) / 1000;
}
