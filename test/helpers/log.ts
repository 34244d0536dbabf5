// Shared helpers for tests that talk to the log through the Worker (HTTP) or the DO (RPC).
import { env, exports } from "cloudflare:workers";
import { TileReader } from "../../src/client/tile-reader.ts";
import { newSigner, newVerifier } from "../../src/tlog/note.ts";
import type { Sequencer } from "../setup/worker.ts";
import { DEFAULT_SHARD } from "../../src/log/shards.ts";

/** The log's verifier key, derived from the throwaway signing key of this test run. */
export function logVerifierKey(): string {
  return newSigner((env as unknown as { LOG_SIGNING_KEY: string }).LOG_SIGNING_KEY).vkey;
}

export function http(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`http://localhost:8787${path}`, init));
}

/** A TileReader over the Worker's public read path. */
export function httpReader(): TileReader {
  return new TileReader(
    async (path) => {
      const r = await http(`/${path}`);
      if (r.status === 404) return null;
      if (!r.ok) throw new Error(`GET /${path}: ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    },
    [newVerifier(logVerifierKey())],
  );
}

export function sequencer(shard: string = DEFAULT_SHARD): DurableObjectStub<Sequencer> {
  return env.SEQUENCER.get(env.SEQUENCER.idFromName(shard)) as DurableObjectStub<Sequencer>;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
