/**
 * Offline proofs (C2SP tlog-proof@v1): `edgelog proof <index|uuid>` saves an entry's `.tlog-proof` from the log
 * (GET /proof/<entry>), and `edgelog verify-proof <file>` checks one with no network, against the log's key,
 * the witness keys and quorum, and the entry or artifact it should prove (src/client/verify-proof.ts).
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { ClaimCheck } from "../src/client/claims.ts";
import { parseLogEntry } from "../src/client/verify-entry.ts";
import { verifyTlogProof } from "../src/client/verify-proof.ts";
import { MalformedError } from "../src/tlog/errors.ts";
import { parseTlogProof, TLOG_PROOF_EXTENSION, type ParsedTlogProof } from "../src/tlog/proof-file.ts";
import { CliError, EXIT, logVerifiers, usage, verifyFailure } from "./common.ts";
import { witnessOptions, type WitnessOptions } from "./cosignatures.ts";
import { artifactDigests } from "./verify.ts";

type Print = (s: string) => void;

function read(path: string, what: string): Buffer {
  if (!existsSync(path)) throw usage(`${what}: no such file ${path}`);
  return readFileSync(path);
}

/** A proof file's text, parsed strictly; a malformed one is a verification failure naming its line. */
function parseProofText(text: string, file: string): ParsedTlogProof {
  try {
    return parseTlogProof(text);
  } catch (e) {
    if (e instanceof MalformedError) throw verifyFailure(`${file}: ${e.message}`);
    throw e;
  }
}

/** `edgelog proof <index|uuid> [--out F]`: the log's tlog-proof for the entry, checked to parse (and verify, with --log-key). */
export async function proofCommand(
  id: string,
  opts: { url: string; logKey?: string; out?: string },
  print: Print,
): Promise<number> {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(id) && !/^([0-9a-f]{16})?[0-9a-f]{64}$/i.test(id))
    throw usage(`not a log index, leaf hash or entry UUID (64 or 80 hex digits): ${id}`);
  const url = `${opts.url.replace(/\/+$/, "")}/proof/${id.toLowerCase()}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { "User-Agent": "edgelog-cli" } });
  } catch (e) {
    throw new CliError(`cannot reach ${url}: ${(e as Error).message}`, EXIT.SERVICE);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.trim().slice(0, 500);
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
    } catch {
      // not JSON: the text itself
    }
    throw new CliError(`GET ${url}: HTTP ${res.status}: ${message}`, EXIT.SERVICE);
  }
  const proof = parseProofText(text, url);
  if (opts.logKey) {
    const r = verifyTlogProof(proof, { logKeys: logVerifiers(opts.logKey) });
    const failed = r.checks.filter((c) => !c.ok);
    if (failed.length > 0)
      throw verifyFailure(`the log's proof does not verify: ${failed.map((c) => `${c.name}: ${c.detail}`).join("; ")}`);
  }
  if (opts.out) {
    writeFileSync(opts.out, text);
    print(
      `saved the proof of entry ${proof.index} (tree size ${proof.tree.size}, ${proof.note.sigs.length} signature(s)) to ${opts.out}${opts.out.endsWith(TLOG_PROOF_EXTENSION) ? "" : ` (proofs are usually named *${TLOG_PROOF_EXTENSION})`}`,
    );
  } else print(text);
  return EXIT.OK;
}

export interface VerifyProofOptions extends WitnessOptions {
  logKey?: string;
  entry?: string;
  artifact?: string;
  json?: boolean;
}

/** The entry a file holds: a v1 LogEntry, v2 TransparencyLogEntry or Sigstore bundle (its body), else the file's bytes as the canonical body. */
function entryBytes(path: string): Uint8Array {
  const raw = new Uint8Array(read(path, "--entry"));
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return raw;
  }
  try {
    return parseLogEntry(json).body;
  } catch {
    return raw; // JSON that is not an entry's wrapping: the canonical body itself
  }
}

/** `edgelog verify-proof <file>`: every step of tlog-proof's verification, offline. */
export function verifyProofCommand(file: string, opts: VerifyProofOptions, print: Print): number {
  if (!opts.entry && !opts.artifact)
    throw usage(
      "say what the proof should prove: --entry <file> (the logged entry) and/or --artifact <file> (an artifact the entry logs)",
    );
  const logKeys = logVerifiers(opts.logKey);
  const witness = witnessOptions(opts);
  const proof = parseProofText(read(file, "proof").toString("utf8"), file);
  const r = verifyTlogProof(proof, {
    logKeys,
    witnesses: witness.verifiers,
    witnessQuorum: witness.quorum,
    entry: opts.entry ? entryBytes(opts.entry) : undefined,
    artifactDigests: opts.artifact ? artifactDigests(new Uint8Array(read(opts.artifact, "--artifact"))) : undefined,
  });
  if (opts.json)
    print(
      JSON.stringify({
        index: proof.index,
        treeSize: proof.tree.size,
        origin: proof.tree.origin,
        ok: r.ok,
        checks: r.checks,
      }),
    );
  else {
    print(`tlog-proof: entry ${proof.index} of ${proof.tree.origin}, tree size ${proof.tree.size}`);
    for (const c of r.checks) print(`  ${mark(c)} ${c.name}: ${c.detail}`);
  }
  if (!r.ok)
    throw verifyFailure(
      `verification FAILED: ${r.checks
        .filter((c) => !c.ok)
        .map((c) => c.name)
        .join(", ")}`,
    );
  if (!opts.json) print("verified");
  return EXIT.OK;
}

const mark = (c: ClaimCheck) => (!c.ok ? "✗" : c.checked ? "✓" : "–");
