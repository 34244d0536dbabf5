/**
 * How the sequencer reaches a witness: over HTTPS (`POST <prefix>/add-checkpoint`), or, for this
 * deployment's own witness, through its Witness Durable Object binding with the same checks as the HTTP
 * route (src/witness/add-checkpoint.ts). Every request is bounded by the configured timeout.
 * @module
 */
import type { WitnessCall } from "./cosign.ts";
import { utf8Encode } from "../tlog/encoding.ts";
import { addCheckpoint } from "../witness/add-checkpoint.ts";
import { witnessObjects, type WitnessObject } from "../witness/protocol.ts";

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
}

export function witnessCall(env: Record<string, unknown>, timeoutMs: number): WitnessCall {
  return async (w, body) => {
    let res: Response;
    if (w.target.kind === "url") {
      const url = `${w.target.url}/add-checkpoint`;
      res = await withTimeout(
        fetch(url, {
          method: "POST",
          body,
          headers: { "Content-Type": "text/plain; charset=utf-8" },
          signal: AbortSignal.timeout(timeoutMs),
        }),
        timeoutMs,
        url,
      );
    } else {
      const ns = env[w.target.binding] as DurableObjectNamespace<Rpc.DurableObjectBranded & WitnessObject> | undefined;
      if (!ns || typeof (ns as { idFromName?: unknown }).idFromName !== "function")
        throw new Error(`no Durable Object binding ${w.target.binding}`);
      res = await withTimeout(
        addCheckpoint(env, witnessObjects(ns), utf8Encode(body)),
        timeoutMs,
        `binding:${w.target.binding}`,
      );
    }
    return {
      status: res.status,
      contentType: res.headers.get("content-type"),
      body: await withTimeout(res.text(), timeoutMs, w.name),
    };
  };
}
