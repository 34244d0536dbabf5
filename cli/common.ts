/**
 * Shared pieces of the edgelog CLI: exit codes, errors, fetching a log's paths over HTTP or from a
 * local directory, reading keys given inline or as files.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PathFetcher } from "../src/client/tile-reader.ts";
import { logKey, type LogKey } from "../src/client/verify-checkpoint.ts";

/** Exit codes: 0 ok; 1 a verification failed or a fork was detected; 2 usage; 3 the log could not be reached or refused. */
export const EXIT = { OK: 0, VERIFY: 1, USAGE: 2, SERVICE: 3 } as const;

/** An error with the exit code it should end the process with. */
export class CliError extends Error {
  readonly exitCode: number;

  // No parameter properties: the bench imports this under Node's type stripping, which refuses them.
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const usage = (message: string) => new CliError(message, EXIT.USAGE);
export const verifyFailure = (message: string) => new CliError(message, EXIT.VERIFY);

/** A log location: an http(s) URL, or a local directory holding `checkpoint` and `tile/...` (tests, benchmarks). */
export function pathFetcher(location: string): PathFetcher {
  if (/^https?:\/\//.test(location)) {
    const base = location.replace(/\/+$/, "");
    return async (path) => {
      let res: Response;
      try {
        res = await fetch(`${base}/${path}`, { headers: { "User-Agent": "edgelog-cli" } });
      } catch (e) {
        throw new CliError(`cannot reach ${base}/${path}: ${(e as Error).message}`, EXIT.SERVICE);
      }
      if (res.status === 404) return null;
      if (!res.ok) throw new CliError(`GET ${base}/${path}: HTTP ${res.status}`, EXIT.SERVICE);
      return new Uint8Array(await res.arrayBuffer());
    };
  }
  return async (path) => {
    try {
      return new Uint8Array(await readFile(join(location, path)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  };
}

/** A value given inline or as the path of a file holding it (keys, checkpoints). */
export function inlineOrFile(value: string): string {
  if (existsSync(value)) return readFileSync(value, "utf8");
  return value;
}

/** The log's checkpoint verifier key(s) `<origin>+<id>+<base64>`, inline or from a file. */
export function logVerifiers(vkey: string | undefined): LogKey[] {
  if (!vkey) throw usage("the log's verifier key is required: --log-key <origin>+<id>+<base64> (or EDGELOG_LOG_KEY)");
  const keys = inlineOrFile(vkey)
    .split(/[\s,]+/)
    .filter(Boolean);
  try {
    return keys.map((k) => logKey(k));
  } catch (e) {
    throw usage(`--log-key: ${(e as Error).message}`);
  }
}

/** JSON over HTTP with clear errors; returns status and parsed body (or text). */
export async function httpJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: {
        "User-Agent": "edgelog-cli",
        ...(init.body ? { "Content-Type": "application/json" } : {}),
        ...(init.headers ?? {}),
      },
    });
  } catch (e) {
    throw new CliError(`cannot reach ${url}: ${(e as Error).message}`, EXIT.SERVICE);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

export function serverMessage(body: unknown): string {
  if (body && typeof body === "object" && "message" in body) return String((body as { message: unknown }).message);
  return typeof body === "string" ? body.trim().slice(0, 500) : JSON.stringify(body).slice(0, 500);
}
