/**
 * Which witnesses a log asks to cosign its checkpoints, and how many cosignatures it needs before it
 * publishes one (Tessera's witness policy, Sunlight's witness list). Read per shard from:
 *
 *   WITNESSES          = "<witness vkey> <where>, ..."   entries separated by commas or newlines; <where>
 *                        is the witness's tlog-witness submission prefix (`https://w.example/w1`: POST
 *                        <prefix>/add-checkpoint) or `binding:<NAME>`, this deployment's own Witness
 *                        Durable Object binding (self-witnessing, tests)
 *   WITNESS_QUORUM     = k: publish a checkpoint only once k configured witnesses cosigned it (default
 *                        0: publish at once; cosignatures are still collected and attached)
 *   WITNESS_TIMEOUT_MS = how long one witness request may take (default 5000)
 *
 * each with the shard's suffix first (WITNESSES_LOG2026B), like every per-shard setting (src/config.ts).
 * @module
 */
import { newCosignatureVerifier, type CosignatureVerifier } from "../tlog/cosignature.ts";

export type WitnessTarget = { kind: "url"; url: string } | { kind: "binding"; binding: string };

export interface LogWitness {
  /** The witness's key name (its identity in the checkpoint's signature lines). */
  name: string;
  /** Its cosignature verifier key, as configured: the row key of what the sequencer knows about it. */
  vkey: string;
  verifier: CosignatureVerifier;
  target: WitnessTarget;
}

export interface WitnessPolicy {
  witnesses: LogWitness[];
  /** Cosignatures required before a checkpoint is published (0: never wait). */
  quorum: number;
  timeoutMs: number;
}

export const NO_WITNESSES: WitnessPolicy = { witnesses: [], quorum: 0, timeoutMs: 5_000 };

const BINDING = /^binding:([A-Za-z_][A-Za-z0-9_]*)$/;

/** Parses WITNESSES / WITNESS_QUORUM / WITNESS_TIMEOUT_MS values. Throws a config error naming the setting. */
export function parseWitnessPolicy(list: string | undefined, quorum: string | undefined, timeout: string | undefined, where: string): WitnessPolicy {
  const bad = (why: string) => new Error(`config: ${where}: ${why}`);
  const witnesses: LogWitness[] = [];
  for (const entry of (list ?? "").split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== "")) {
    const parts = entry.split(/\s+/);
    if (parts.length !== 2) throw bad(`witness entry ${JSON.stringify(entry)} must be "<verifier key> <https URL or binding:NAME>"`);
    const [vkey, at] = parts as [string, string];
    let verifier: CosignatureVerifier;
    try {
      verifier = newCosignatureVerifier(vkey);
    } catch (e) {
      throw bad(`${(e as Error).message} (${vkey})`);
    }
    let target: WitnessTarget;
    const b = BINDING.exec(at);
    if (b) target = { kind: "binding", binding: b[1]! };
    else if (at.startsWith("binding:")) throw bad(`${JSON.stringify(at)}: binding:NAME needs a binding name (letters, digits, _)`);
    else {
      let url: URL;
      try {
        url = new URL(at);
      } catch {
        throw bad(`witness address ${JSON.stringify(at)} is neither a URL nor binding:NAME`);
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") throw bad(`witness URL ${at} must be https (or http for local tests)`);
      target = { kind: "url", url: at.replace(/\/+$/, "") };
    }
    if (witnesses.some((w) => w.name === verifier.name)) throw bad(`witness ${verifier.name} is listed twice`);
    witnesses.push({ name: verifier.name, vkey, verifier, target });
  }
  const int = (v: string | undefined, name: string, fallback: number, min: number, max: number) => {
    if (v === undefined || v === "") return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw bad(`${name} must be an integer in [${min}, ${max}], got ${v}`);
    return n;
  };
  const k = int(quorum, "WITNESS_QUORUM", 0, 0, witnesses.length);
  return { witnesses, quorum: k, timeoutMs: int(timeout, "WITNESS_TIMEOUT_MS", 5_000, 100, 60_000) };
}
