// The TypeScript of the Worker, the tests that run in workerd and the explorer must typecheck
// (`npm run typecheck`): vitest and esbuild strip types without checking them.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const TSC = resolve("node_modules/typescript/bin/tsc");
const NODE = resolve("node_modules/.bin/node");

function tsc(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(NODE, [TSC, "--noEmit", ...args], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      res({ code: error ? ((error as { code?: number }).code ?? 99) : 0, out: stdout + stderr });
    });
  });
}

describe("typecheck", () => {
  it("the Worker, durable objects and workerd tests", async () => {
    const r = await tsc([]);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 180_000);

  it("the explorer (browser settings)", async () => {
    const r = await tsc(["-p", "explorer"]);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 180_000);
});
