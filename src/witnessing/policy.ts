/**
 * Witness policies: which witnesses cosign a log's checkpoints and which sets of them are enough (the
 * quorum). One model serves the log (which witnesses to ask, when a checkpoint may be published) and its
 * verifiers (the CLI and the explorer: does a checkpoint carry enough cosignatures).
 *
 * Written in the C2SP tlog-policy text format (`log`, `witness`, `group` and `quorum` lines; groups of
 * k of n members, nested), or for the log in today's shorthand. Read per shard:
 *
 *   WITNESS_POLICY     = a tlog-policy text. For the log, each witness line's URL says where to ask it:
 *                        the witness's tlog-witness submission prefix (`https://w.example/w1`: POST
 *                        <prefix>/add-checkpoint) or `binding:<NAME>`, this deployment's own Witness
 *                        Durable Object binding. `log` lines are for verifiers; the log ignores them.
 *   WITNESSES          = "<witness vkey> <where>, ..." (commas or newlines): the shorthand for one group
 *   WITNESS_QUORUM     = k of all the listed witnesses (default 0: `quorum none`)
 *   WITNESS_TIMEOUT_MS = how long one witness request may take (default 5000)
 *
 * each with the shard's suffix first (WITNESS_POLICY_LOG2026B), like every per-shard setting (src/config.ts).
 * With a quorum, a checkpoint is published only once the cosignatures the log holds satisfy it; with
 * `quorum none` it is published at once and cosignatures are collected and attached afterwards.
 * Witness keys are Ed25519 (0x04) or ML-DSA-44 (0x06) cosignature keys (src/tlog/cosignature.ts).
 * Pure: also runs in the CLI and the browser.
 * @module
 */
import { newCosignatureVerifier, type CosignatureVerifier } from "../tlog/cosignature.ts";
import { toBase64 } from "../tlog/encoding.ts";
import { parseVerifierKey } from "../tlog/note.ts";

export type WitnessTarget = { kind: "url"; url: string } | { kind: "binding"; binding: string };

export interface LogWitness {
  /** The witness's key name (its identity in the checkpoint's signature lines). */
  name: string;
  /** Its cosignature verifier key, as configured: the row key of what the sequencer knows about it. */
  vkey: string;
  verifier: CosignatureVerifier;
  target: WitnessTarget;
}

/**
 * A quorum rule (C2SP tlog-policy § Defining the quorum, § Defining a witness group): no cosignature
 * needed, one witness's, or at least `threshold` of a group's members (witnesses or groups).
 */
export type Quorum =
  | { kind: "none" }
  | { kind: "witness"; name: string; vkey: string; verifier: CosignatureVerifier }
  | { kind: "group"; name: string; threshold: number; members: Exclude<Quorum, { kind: "none" }>[] };

/** A witness as a policy names it. */
export interface PolicyWitness {
  /** Its name in the policy (only for groups and the quorum: tlog-policy § Defining a witness). */
  name: string;
  vkey: string;
  verifier: CosignatureVerifier;
  url?: string;
}

/** A parsed tlog-policy. */
export interface TlogPolicy {
  /** Log verifier keys (`log` lines) with their URLs. */
  logs: { vkey: string; name: string; url?: string }[];
  witnesses: PolicyWitness[];
  quorum: Quorum;
}

/** The log's witness policy for one shard. */
export interface WitnessPolicy {
  witnesses: LogWitness[];
  /** The quorum a checkpoint's cosignatures must meet before it is published. */
  rule: Quorum;
  /** The fewest cosignatures that can meet the rule (0: never wait). */
  quorum: number;
  timeoutMs: number;
}

export const NO_WITNESSES: WitnessPolicy = { witnesses: [], rule: { kind: "none" }, quorum: 0, timeoutMs: 5_000 };

/** Whether the witnesses for which `cosigned` holds meet the rule. */
export function quorumMet(
  q: Quorum,
  cosigned: (w: { vkey: string; verifier: CosignatureVerifier }) => boolean,
): boolean {
  switch (q.kind) {
    case "none":
      return true;
    case "witness":
      return cosigned(q);
    case "group":
      return q.members.filter((m) => quorumMet(m, cosigned)).length >= q.threshold;
  }
}

/** The fewest cosignatures that can meet the rule (members of a tree are disjoint: tlog-policy lists a name once). */
export function quorumSize(q: Quorum): number {
  switch (q.kind) {
    case "none":
      return 0;
    case "witness":
      return 1;
    case "group":
      return q.members
        .map(quorumSize)
        .sort((a, b) => a - b)
        .slice(0, q.threshold)
        .reduce((a, b) => a + b, 0);
  }
}

/** The rule in words: `none`, a witness's name, or `k of (members)`. */
export function describeQuorum(q: Quorum): string {
  switch (q.kind) {
    case "none":
      return "none";
    case "witness":
      return q.name;
    case "group":
      return `${q.threshold} of (${q.members.map(describeQuorum).join(", ")})`;
  }
}

/** k of all the witnesses (the WITNESSES / WITNESS_QUORUM shorthand and --witness-quorum); k = 0 is `none`. */
export function thresholdQuorum(
  witnesses: readonly { name: string; vkey: string; verifier: CosignatureVerifier }[],
  k: number,
): Quorum {
  if (k === 0) return { kind: "none" };
  return {
    kind: "group",
    name: "witnesses",
    threshold: k,
    members: witnesses.map((w) => ({ kind: "witness", name: w.name, vkey: w.vkey, verifier: w.verifier })),
  };
}

/** Bounded work on a policy file: C2SP recommends supporting at least 32 logs, witnesses and groups (§ Implementation limits). */
export const MAX_POLICY_BYTES = 256 * 1024;
export const MAX_POLICY_ITEMS = 64;

export class PolicyError extends Error {
  override name = "PolicyError";
}

/**
 * Parses a C2SP tlog-policy text. Strict: any line outside the grammar, a name used before it is defined
 * or defined twice, a duplicate key, a threshold out of [1, n], a member listed twice, or a missing or
 * second `quorum` line is an error naming the line. @throws PolicyError
 */
export function parseTlogPolicy(text: string): TlogPolicy {
  if (text.length > MAX_POLICY_BYTES) throw new PolicyError(`policy is larger than ${MAX_POLICY_BYTES} bytes`);
  const logs: TlogPolicy["logs"] = [];
  const witnesses: PolicyWitness[] = [];
  const named = new Map<string, Exclude<Quorum, { kind: "none" }>>();
  const asMember = new Set<string>();
  const keys = new Set<string>();
  let groups = 0;
  let quorum: Quorum | undefined;
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const bad = (why: string) => new PolicyError(`policy line ${i + 1}: ${why}`);
    // § Character set: tab, newline, 0x20-0x7E and non-ASCII only.
    const ctl = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(raw);
    if (ctl)
      throw bad(
        `control character 0x${ctl[0].charCodeAt(0).toString(16).padStart(2, "0")}${ctl[0] === "\r" ? " (CRLF line ends are not allowed)" : ""}`,
      );
    // § Structure: items separated by spaces and tabs only; blank lines and "#" comment lines ignored.
    const f = raw.split(/[ \t]+/).filter((s) => s !== "");
    if (f.length === 0 || f[0]!.startsWith("#")) return;
    const distinctKey = (pub: Uint8Array, what: string) => {
      // § Public key representation: duplicates wrap the same public key, whatever their name and ID.
      const k = toBase64(pub);
      if (keys.has(k)) throw bad(`duplicate ${what}: this public key is already listed`);
      keys.add(k);
    };
    const newName = (name: string) => {
      if (name === "none") throw bad(`"none" is predefined and cannot be defined`);
      if (named.has(name)) throw bad(`${JSON.stringify(name)} is already defined`);
    };
    switch (f[0]) {
      case "log": {
        if (f.length < 2 || f.length > 3) throw bad("expected: log <vkey> [<url>]");
        if (logs.length >= MAX_POLICY_ITEMS) throw bad(`more than ${MAX_POLICY_ITEMS} logs`);
        let parsed: { name: string; publicKey: Uint8Array };
        try {
          parsed = parseVerifierKey(f[1]!);
        } catch {
          // A log may sign with ML-DSA-44 (the cosignature key type, as torchwood's logs do).
          try {
            const v = newCosignatureVerifier(f[1]!);
            if (v.type !== "ml-dsa-44") throw new Error("an Ed25519 cosignature key is not a log key");
            parsed = v;
          } catch (e) {
            throw bad(`not a log verifier key: ${(e as Error).message}`);
          }
        }
        distinctKey(parsed.publicKey, "log");
        logs.push({ vkey: f[1]!, name: parsed.name, ...(f[2] ? { url: f[2] } : {}) });
        return;
      }
      case "witness": {
        if (f.length < 3 || f.length > 4) throw bad("expected: witness <name> <vkey> [<url>]");
        if (witnesses.length >= MAX_POLICY_ITEMS) throw bad(`more than ${MAX_POLICY_ITEMS} witnesses`);
        const [, name, vkey, url] = f as [string, string, string, string | undefined];
        newName(name);
        let verifier: CosignatureVerifier;
        try {
          verifier = newCosignatureVerifier(vkey);
        } catch (e) {
          throw bad((e as Error).message);
        }
        distinctKey(verifier.publicKey, "witness");
        witnesses.push({ name, vkey, verifier, ...(url ? { url } : {}) });
        named.set(name, { kind: "witness", name, vkey, verifier });
        return;
      }
      case "group": {
        if (f.length < 4) throw bad("expected: group <name> all|any|<k> <member>... (at least one member)");
        if (++groups > MAX_POLICY_ITEMS) throw bad(`more than ${MAX_POLICY_ITEMS} groups`);
        const [, name, k, ...members] = f as [string, string, string, ...string[]];
        newName(name);
        const seen = new Set<string>();
        const nodes = members.map((m) => {
          if (m === "none") throw bad(`"none" cannot be a group member`);
          const node = named.get(m);
          if (!node) throw bad(`${JSON.stringify(m)} is not defined on a line above`);
          // § Defining a witness group: each name is a group member at most once (in the whole policy).
          if (seen.has(m) || asMember.has(m)) throw bad(`${JSON.stringify(m)} is already a group member`);
          seen.add(m);
          return node;
        });
        members.forEach((m) => asMember.add(m));
        const n = nodes.length;
        const threshold = k === "all" ? n : k === "any" ? 1 : /^[0-9]{1,3}$/.test(k) ? Number(k) : NaN;
        if (!(threshold >= 1 && threshold <= n))
          throw bad(`threshold ${JSON.stringify(k)} must be all, any or a decimal k with 1 <= k <= ${n}`);
        named.set(name, { kind: "group", name, threshold, members: nodes });
        return;
      }
      case "quorum": {
        if (f.length !== 2) throw bad("expected: quorum <name>");
        if (quorum) throw bad("a second quorum line (a policy has exactly one)");
        if (f[1] === "none") quorum = { kind: "none" };
        else {
          const node = named.get(f[1]!);
          if (!node) throw bad(`${JSON.stringify(f[1])} is not defined on a line above`);
          quorum = node;
        }
        return;
      }
      default:
        throw bad(`unknown keyword ${JSON.stringify(f[0])} (expected log, witness, group or quorum)`);
    }
  });
  if (!quorum) throw new PolicyError("policy has no quorum line (use `quorum none` to require no cosignatures)");
  return { logs, witnesses, quorum };
}

const BINDING = /^binding:([A-Za-z_][A-Za-z0-9_]*)$/;

/** Where the log reaches a witness: an http(s) submission prefix or binding:NAME. */
function parseTarget(at: string, bad: (why: string) => Error): WitnessTarget {
  const b = BINDING.exec(at);
  if (b) return { kind: "binding", binding: b[1]! };
  if (at.startsWith("binding:"))
    throw bad(`${JSON.stringify(at)}: binding:NAME needs a binding name (letters, digits, _)`);
  let url: URL;
  try {
    url = new URL(at);
  } catch {
    throw bad(`witness address ${JSON.stringify(at)} is neither a URL nor binding:NAME`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw bad(`witness URL ${at} must be https (or http for local tests)`);
  return { kind: "url", url: at.replace(/\/+$/, "") };
}

/**
 * Parses a shard's witness settings: WITNESS_POLICY (a tlog-policy), or the WITNESSES / WITNESS_QUORUM
 * shorthand, and WITNESS_TIMEOUT_MS. Throws a config error naming the setting.
 */
export function parseWitnessPolicy(
  list: string | undefined,
  quorum: string | undefined,
  timeout: string | undefined,
  where: string,
  policyText?: string,
): WitnessPolicy {
  const bad = (why: string) => new Error(`config: ${where}: ${why}`);
  const int = (v: string | undefined, name: string, fallback: number, min: number, max: number) => {
    if (v === undefined || v === "") return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw bad(`${name} must be an integer in [${min}, ${max}], got ${v}`);
    return n;
  };
  const timeoutMs = int(timeout, "WITNESS_TIMEOUT_MS", 5_000, 100, 60_000);
  if (policyText !== undefined && policyText.trim() !== "") {
    if ((list ?? "").trim() !== "" || (quorum ?? "") !== "")
      throw bad("WITNESS_POLICY replaces WITNESSES and WITNESS_QUORUM: set one or the other");
    let p: TlogPolicy;
    try {
      p = parseTlogPolicy(policyText);
    } catch (e) {
      throw bad(`WITNESS_POLICY: ${(e as Error).message}`);
    }
    const witnesses = p.witnesses.map((w): LogWitness => {
      if (!w.url)
        throw bad(
          `WITNESS_POLICY: witness ${w.name} has no URL: the log cannot ask it (a submission prefix or binding:NAME)`,
        );
      return {
        name: w.verifier.name,
        vkey: w.vkey,
        verifier: w.verifier,
        target: parseTarget(w.url, (why) => bad(`WITNESS_POLICY: witness ${w.name}: ${why}`)),
      };
    });
    return { witnesses, rule: p.quorum, quorum: quorumSize(p.quorum), timeoutMs };
  }
  const witnesses: LogWitness[] = [];
  for (const entry of (list ?? "")
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== "")) {
    const parts = entry.split(/\s+/);
    if (parts.length !== 2)
      throw bad(`witness entry ${JSON.stringify(entry)} must be "<verifier key> <https URL or binding:NAME>"`);
    const [vkey, at] = parts as [string, string];
    let verifier: CosignatureVerifier;
    try {
      verifier = newCosignatureVerifier(vkey);
    } catch (e) {
      throw bad(`${(e as Error).message} (${vkey.slice(0, 80)})`);
    }
    const target = parseTarget(at, bad);
    if (witnesses.some((w) => w.name === verifier.name)) throw bad(`witness ${verifier.name} is listed twice`);
    witnesses.push({ name: verifier.name, vkey, verifier, target });
  }
  const k = int(quorum, "WITNESS_QUORUM", 0, 0, witnesses.length);
  return { witnesses, rule: thresholdQuorum(witnesses, k), quorum: k, timeoutMs };
}
