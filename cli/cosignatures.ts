/**
 * Witness cosignatures on a checkpoint, for `edgelog checkpoint`, `verify` and `monitor`: the witness
 * keys given (`--witness-key`, repeatable) and the quorum (`--witness-quorum`), or a C2SP tlog-policy
 * file (`--witness-policy`: its witnesses and quorum), checked by the shared src/client/verify-checkpoint.ts
 * (C2SP tlog-cosignature, Ed25519 and ML-DSA-44; unknown signatures are only listed).
 * @module
 */
import type { CosignatureReport } from "../src/client/verify-checkpoint.ts";
import { newCosignatureVerifier, type CosignatureVerifier } from "../src/tlog/cosignature.ts";
import { parseTlogPolicy, type Quorum } from "../src/witnessing/policy.ts";
import { inlineOrFile, usage } from "./common.ts";

export interface WitnessOptions {
  witnessKey?: string[];
  witnessQuorum?: string;
  witnessPolicy?: string;
}

/** The witness keys and quorum from the options; usage errors for bad keys, a bad policy or an unreachable quorum. */
export function witnessOptions(opts: WitnessOptions): { verifiers: CosignatureVerifier[]; quorum: number | Quorum } {
  if (opts.witnessPolicy !== undefined) {
    if (opts.witnessKey?.length || opts.witnessQuorum !== undefined)
      throw usage("--witness-policy names the witnesses and the quorum: leave out --witness-key and --witness-quorum");
    try {
      const p = parseTlogPolicy(inlineOrFile(opts.witnessPolicy));
      return { verifiers: p.witnesses.map((w) => w.verifier), quorum: p.quorum };
    } catch (e) {
      throw usage(`--witness-policy: ${(e as Error).message}`);
    }
  }
  const verifiers = (opts.witnessKey ?? []).map((k) => {
    try {
      return newCosignatureVerifier(inlineOrFile(k).trim());
    } catch (e) {
      throw usage(`--witness-key: ${(e as Error).message}`);
    }
  });
  let quorum = 0;
  if (opts.witnessQuorum !== undefined) {
    quorum = Number(opts.witnessQuorum);
    if (!/^\d+$/.test(opts.witnessQuorum) || !Number.isSafeInteger(quorum))
      throw usage(`--witness-quorum must be a non-negative integer, got ${opts.witnessQuorum}`);
    if (quorum > verifiers.length)
      throw usage(`--witness-quorum ${quorum} needs at least ${quorum} --witness-key (given: ${verifiers.length})`);
  }
  return { verifiers, quorum };
}

/** Text lines describing the report. */
export function describeCosignatures(r: CosignatureReport): string[] {
  if (r.present.length === 0) return ["cosignatures: none"];
  return r.present.map((c) =>
    c.status === "verified"
      ? `cosigned by ${c.name} at ${c.time} (verified)`
      : c.status === "invalid"
        ? `cosignature by ${c.name}+${c.keyId}: INVALID`
        : `signature by ${c.name}+${c.keyId} (not checked: no --witness-key for it)`,
  );
}
