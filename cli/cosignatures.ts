/**
 * Witness cosignatures on a checkpoint, for `edgelog checkpoint` and `edgelog verify`: which are
 * present, which verify with the witness keys given (`--witness-key`, repeatable), and whether at
 * least `--witness-quorum` of them do (C2SP tlog-cosignature; unknown signatures are only listed).
 * @module
 */
import { newCosignatureVerifier, verifyCosignatures, type CosignatureVerifier } from "../src/tlog/cosignature.ts";
import { parseNote, type NoteVerifier } from "../src/tlog/note.ts";
import { inlineOrFile, usage } from "./common.ts";

export interface WitnessOptions {
  witnessKey?: string[];
  witnessQuorum?: string;
}

export interface PresentCosignature {
  name: string;
  keyId: string;
  /** verified: by a given witness key; invalid: a given key's signature that fails; unchecked: no key given for it. */
  status: "verified" | "invalid" | "unchecked";
  /** When the witness cosigned (verified ones), RFC 3339. */
  time?: string;
}

export interface CosignatureReport {
  present: PresentCosignature[];
  verified: number;
  quorum: number;
  /** Why the cosignatures do not satisfy the options (an invalid one, or fewer than the quorum), or null. */
  failure: string | null;
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

/** The witness keys and quorum from the options; usage errors for bad keys or an unreachable quorum. */
export function witnessOptions(opts: WitnessOptions): { verifiers: CosignatureVerifier[]; quorum: number } {
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
    if (!/^\d+$/.test(opts.witnessQuorum) || !Number.isSafeInteger(quorum)) throw usage(`--witness-quorum must be a non-negative integer, got ${opts.witnessQuorum}`);
    if (quorum > verifiers.length) throw usage(`--witness-quorum ${quorum} needs at least ${quorum} --witness-key (given: ${verifiers.length})`);
  }
  return { verifiers, quorum };
}

/**
 * Reports the cosignatures on `note`: every signature that is not the log's (by `logVerifiers`, or named
 * like the origin: `<origin>`, or `<host>` for a Rekor v1 origin `<host> - <tree ID>`).
 */
export function cosignatureReport(note: string, logVerifiers: readonly NoteVerifier[], verifiers: readonly CosignatureVerifier[], quorum: number): CosignatureReport {
  const n = parseNote(note);
  const origin = n.text.split("\n")[0]!;
  const isLogs = (name: string, keyId: number) =>
    name === origin || origin.startsWith(`${name} - `) || logVerifiers.some((v) => v.name === name && v.keyId === keyId);
  const others = n.sigs.filter((s) => !isLogs(s.name, s.keyId));
  const { valid, invalid } = verifyCosignatures(n.text, others, verifiers);
  const present = others.map((s): PresentCosignature => {
    const ok = valid.find((v) => v.name === s.name && v.keyId === s.keyId);
    if (ok) return { name: s.name, keyId: hex8(s.keyId), status: "verified", time: new Date(ok.timestamp * 1000).toISOString() };
    const bad = invalid.some((v) => v.name === s.name && v.keyId === s.keyId);
    return { name: s.name, keyId: hex8(s.keyId), status: bad ? "invalid" : "unchecked" };
  });
  // One witness key counts once, however many lines it has.
  const verified = new Set(valid.map((v) => `${v.name}+${v.keyId}`)).size;
  let failure: string | null = null;
  if (invalid.length > 0) failure = `invalid cosignature by ${invalid.map((c) => c.name).join(", ")}`;
  else if (verified < quorum) {
    const missing = verifiers.filter((v) => !valid.some((c) => c.name === v.name && c.keyId === v.keyId)).map((v) => v.name);
    failure = `only ${verified} of the ${quorum} required witness cosignatures verify (missing: ${missing.join(", ")})`;
  }
  return { present, verified, quorum, failure };
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
