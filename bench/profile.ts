/**
 * CPU profiles of the Worker isolate (which also runs the Sequencer DO) through workerd's
 * inspector, and a plain-text summary of where the time went. `--profile` on the command line.
 * @module
 */
import { writeFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Profiler {
  stop(): Promise<CpuProfile>;
}

/** Starts the V8 sampling profiler in the first Worker isolate the inspector lists. */
export async function startProfiler(inspectorPort: number): Promise<Profiler> {
  const list = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
    title: string;
  }>;
  const target = list.find((t) => !t.title.includes("internal")) ?? list[0];
  if (!target) throw new Error("no inspector targets");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = (e) => reject(new Error(`inspector: ${String((e as ErrorEvent).message ?? e)}`));
  });
  let nextId = 1;
  const pending = new Map<number, (r: unknown) => void>();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id !== undefined)
      pending.get(msg.id)?.(msg.error ? Promise.reject(new Error(JSON.stringify(msg.error))) : msg.result);
  };
  const send = (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  return {
    async stop() {
      const r = (await send("Profiler.stop")) as { profile: CpuProfile };
      ws.close();
      return r.profile;
    },
  };
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Self time by function, ms, largest first. */
  self: Array<{ fn: string; ms: number; pct: number }>;
  /** Inclusive time by function (each counted once per stack), ms, largest first. */
  inclusive: Array<{ fn: string; ms: number; pct: number }>;
}

function label(n: ProfileNode): string {
  const f = n.callFrame;
  const file = f.url.split("/").pop() ?? "";
  return `${f.functionName || "(anonymous)"}${file ? ` ${file}:${f.lineNumber + 1}` : ""}`;
}

export function summarise(p: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = p.timeDeltas.reduce((a, b) => a + b, 0);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    if (name === "(idle)" || name === "(program)") idle += name === "(idle)" ? us : 0;
    self.set(label(n), (self.get(label(n)) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const rows = (m: Map<string, number>) =>
    [...m]
      .filter(([fn]) => !fn.startsWith("(root)") && !fn.startsWith("(idle)"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({
        fn,
        ms: Math.round(us / 100) / 10,
        pct: Math.round((us / Math.max(1, busy)) * 1000) / 10,
      }));
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    self: rows(self),
    inclusive: rows(incl),
  };
}

/**
 * The profile's busy time, µs: its samples that are not idle (JavaScript, GC, the runtime on the isolate's thread),
 * each counted as one sampling interval (the median gap before a busy sample). Not the sum of those samples'
 * own gaps: a gap is wall time since the previous sample, and on a loaded machine the operating system sometimes
 * leaves the isolate's thread waiting for a core for milliseconds — time a CPU-time figure must not include (one
 * cold read counted 14.6 ms by gaps and 4.6 ms by samples, 14 samples 331 µs apart).
 */
export function busyMicros(p: CpuProfile): number {
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  // The interval from busy samples' gaps only: a short read's profile is mostly idle samples, spaced far apart.
  const gaps = p.samples
    .map((id, i) => (idle.has(id) ? -1 : (p.timeDeltas[i] ?? 0)))
    .filter((gap) => gap >= 0)
    .sort((a, b) => a - b);
  const interval = gaps[Math.floor(gaps.length / 2)] ?? 0;
  return Math.round(gaps.length * interval);
}

export function writeProfile(path: string, p: CpuProfile): void {
  writeFileSync(path, JSON.stringify(p));
}
