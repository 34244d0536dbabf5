// Runs the edgelog CLI as a child process with the project's Node 22, as a user would.
import { execFile } from "node:child_process";
import { resolve } from "node:path";

const NODE = resolve("node_modules/.bin/node");
const CLI = resolve("cli/edgelog.ts");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((res) => {
    execFile(
      NODE,
      ["--experimental-transform-types", "--no-warnings", CLI, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        res({ code: error ? ((error as { code?: number }).code ?? 99) : 0, stdout, stderr });
      },
    );
  });
}
