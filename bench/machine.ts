/**
 * What the numbers were measured on: CPU model, cores, memory, Node and workerd versions.
 * @module
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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

/** utime + stime (clock ticks) and parent of every process, from /proc/<pid>/stat. */
function processTicks(): Map<number, { ppid: number; ticks: number }> {
  const out = new Map<number, { ppid: number; ticks: number }>();
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
      out.set(Number(pid), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/**
 * The machine's steal time so far, in USER_HZ ticks (/proc/stat's cpu line, 8th field): time a virtual CPU was ready
 * to run but the hypervisor ran another guest. No process of ours shows it, yet it slows every rate a run measures
 * (one reads run here had the no-op at 846/s, half the 1,838/s of the run before it, with others at 2%).
 */
function stealTicks(): number | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const steal = Number(fields[8]);
    return Number.isFinite(steal) ? steal : null;
  } catch {
    return null;
  }
}

/**
 * Watches how much CPU processes outside this benchmark's own process tree use, sampling /proc
 * every second, so a result can say whether it was measured on a quiet machine.
 */
export class OtherCpuWatch {
  private last = processTicks();
  private otherTicks = 0;
  private since = performance.now();
  private stealSince = stealTicks();
  /** Share of all cores the hypervisor gave to other guests over the last mark() (0..1); null without /proc/stat. */
  stolen: number | null = null;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor() {
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  private sample(): void {
    const now = processTicks();
    const own = new Set<number>([process.pid]);
    // Descendants of this process (Miniflare's workerd, wrangler's esbuild, ...).
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, p] of now) if (!own.has(pid) && own.has(p.ppid)) own.add(pid), (grew = true);
    }
    for (const [pid, p] of now) {
      if (own.has(pid)) continue;
      const before = this.last.get(pid);
      this.otherTicks += before && before.ppid === p.ppid ? p.ticks - before.ticks : p.ticks;
    }
    this.last = now;
  }

  /** Share of all cores that other processes used since the previous call (0..1). */
  mark(): number {
    this.sample();
    const seconds = (performance.now() - this.since) / 1000;
    // /proc ticks are USER_HZ = 100 per second per core.
    const share = (ticks: number) => Math.round(Math.min(1, ticks / (seconds * 100 * cpus().length)) * 1000) / 1000;
    const steal = stealTicks();
    this.stolen = steal === null || this.stealSince === null ? null : share(steal - this.stealSince);
    this.stealSince = steal;
    const others = share(this.otherTicks);
    this.otherTicks = 0;
    this.since = performance.now();
    return others;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** CPU time (ms) used so far by this process's descendants named `name` (e.g. Miniflare's workerd). */
export function descendantCpuMs(name: string): number {
  const all = new Map<number, { ppid: number; ticks: number; comm: string }>();
  try {
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        all.set(Number(pid), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), comm });
      } catch {
        /* exited */
      }
    }
  } catch {
    return NaN;
  }
  const own = new Set<number>([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of all) if (!own.has(pid) && own.has(p.ppid)) own.add(pid), (grew = true);
  }
  let ticks = 0;
  for (const pid of own) {
    const p = all.get(pid);
    if (p && p.comm === name) ticks += p.ticks;
  }
  return ticks * 10; // USER_HZ = 100
}

/**
 * CPU time (ns) the threads of this process's descendants named `name` have run, from the scheduler's
 * own account (/proc/<pid>/task/<tid>/schedstat): exact, and unlike wall-clock samples it does not grow
 * while the machine's other processes keep a thread waiting for a core.
 */
export function descendantCpuNs(name: string): number {
  let ns = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) !== name || !isDescendant(Number(pid))) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`))
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      /* exited */
    }
  }
  return ns;
}

function isDescendant(pid: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    if (p === process.pid) return true;
    const stat = readFileSync(`/proc/${p}/stat`, "utf8");
    p = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  }
  return false;
}
