#!/usr/bin/env -S node --experimental-transform-types --no-warnings
/**
 * edgelog: the command-line client of an edgelog (or any tlog-tiles) log. `edgelog --help`.
 *
 * Runs on Node 22 from the TypeScript sources (`--experimental-transform-types`: the shared code uses
 * TypeScript parameter properties, which plain type stripping refuses). `npx edgelog ...` or
 * `npm run edgelog -- ...` find the project's pinned Node 22 first on PATH.
 *
 * Exit codes: 0 ok; 1 a verification failed or a fork was detected; 2 usage; 3 the log could not be
 * reached, refused the request, or lacks the feature.
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import cliProgress from "cli-progress";
import { TileReader } from "../src/client/tile-reader.ts";
import { defaultKeyDetails, algorithmDetails, hashBytes } from "../src/pki/algorithms.ts";
import { encodePem, parsePublicKey } from "../src/pki/keys.ts";
import { generateCosignatureKey, newCosignatureVerifier, verifyCosignatures } from "../src/tlog/cosignature.ts";
import { toBase64, toHex } from "../src/tlog/encoding.ts";
import { MalformedError, ProofError } from "../src/tlog/errors.ts";
import { parseNote } from "../src/tlog/note.ts";
import { formatAddCheckpoint } from "../src/witness/protocol.ts";
import {
  CliError,
  EXIT,
  httpJson,
  inlineOrFile,
  logVerifiers,
  pathFetcher,
  serverMessage,
  usage,
  verifyFailure,
} from "./common.ts";
import { cosignatureReport } from "../src/client/verify-checkpoint.ts";
import { describeCosignatures, witnessOptions, type WitnessOptions } from "./cosignatures.ts";
import { keyFingerprint, type Watch } from "./facts.ts";
import { ForkError, monitorOnce, type Match } from "./monitor.ts";
import { useNodeSha256 } from "./native-sha256.ts";
import { trust } from "./trust.ts";
import { health, reindex } from "./index-admin.ts";
import type { Selector } from "../src/search/selectors.ts";
import { searchAll } from "./search.ts";
import { readEntry, v1KeyOption, verifyEntryFile } from "./verify.ts";
import { searchComplete } from "./complete-search.ts";
import { auditIndexCommand } from "./audit-index.ts";
import { proofCommand, verifyProofCommand } from "./proof.ts";

const DEFAULT_URL = process.env.EDGELOG_URL ?? "http://localhost:8787";

interface Common {
  url: string;
  logKey?: string;
  json?: boolean;
}

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : s + "\n");
const err = (s: string) => process.stderr.write(s.endsWith("\n") ? s : s + "\n");
const base = (url: string) => url.replace(/\/+$/, "");

function readInput(path: string, what: string): Buffer {
  if (!existsSync(path)) throw usage(`${what}: no such file ${path}`);
  return readFileSync(path);
}

/** A signature file: raw bytes (DER), or base64 text of them (as cosign and openssl | base64 write). */
function readSignature(path: string): Uint8Array {
  const raw = readInput(path, "--signature");
  const text = raw.toString("latin1").trim();
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 && raw[0] !== 0x30)
    return new Uint8Array(Buffer.from(text, "base64"));
  return new Uint8Array(raw);
}

function withCommon(cmd: Command, needsKey = false): Command {
  cmd.addOption(
    new Option("--url <url>", "the log's base URL (or a local directory of tiles for read-only commands)")
      .default(DEFAULT_URL)
      .env("EDGELOG_URL"),
  );
  cmd.addOption(
    new Option(
      "--log-key <vkey>",
      `the log's checkpoint verifier key <origin>+<id>+<base64>, or a file holding it${needsKey ? " (required)" : ""}`,
    ).env("EDGELOG_LOG_KEY"),
  );
  return cmd;
}

// ---------------------------------------------------------------------------------------------- upload

async function upload(
  opts: Common & {
    artifact: string;
    signature: string;
    publicKey?: string;
    certificate?: string;
    api: string;
    out?: string;
  },
) {
  if (!opts.publicKey === !opts.certificate) throw usage("give exactly one of --public-key and --certificate");
  const material = readInput((opts.publicKey ?? opts.certificate)!, opts.publicKey ? "--public-key" : "--certificate");
  let key;
  try {
    key = parsePublicKey(new Uint8Array(material));
  } catch (e) {
    throw usage(`${opts.publicKey ? "--public-key" : "--certificate"}: ${(e as Error).message}`);
  }
  if (opts.certificate && !key.certificate)
    throw usage("--certificate: the file holds a public key, not a certificate (use --public-key)");
  const keyDetails = defaultKeyDetails(key);
  const hash = algorithmDetails(keyDetails).hash ?? "sha512";
  const digest = hashBytes(hash, new Uint8Array(readInput(opts.artifact, "--artifact")));
  const sig = readSignature(opts.signature);
  let url: string;
  let request: unknown;
  if (opts.api === "v2") {
    url = `${base(opts.url)}/api/v2/log/entries`;
    const verifier = key.certificate
      ? { x509Certificate: { rawBytes: toBase64(key.certificate) } }
      : { publicKey: { rawBytes: toBase64(key.spki) } };
    request = {
      hashedRekordRequestV002: {
        digest: toBase64(digest),
        signature: { content: toBase64(sig), verifier: { ...verifier, keyDetails } },
      },
    };
  } else if (opts.api === "v1") {
    url = `${base(opts.url)}/api/v1/log/entries`;
    const pem = key.certificate ? encodePem("CERTIFICATE", key.certificate) : encodePem("PUBLIC KEY", key.spki);
    request = {
      apiVersion: "0.0.1",
      kind: "hashedrekord",
      spec: {
        data: { hash: { algorithm: hash, value: toHex(digest) } },
        signature: { content: toBase64(sig), publicKey: { content: Buffer.from(pem).toString("base64") } },
      },
    };
  } else throw usage(`--api must be v1 or v2, not ${opts.api}`);
  const r = await httpJson(url, { method: "POST", body: JSON.stringify(request) });
  let body = r.body;
  if (r.status === 409) {
    const where = r.headers.get("location") ?? r.headers.get("x-log-index");
    err(
      `already in the log${where ? ` (${r.headers.get("location") ? "at " + where : "index " + where})` : ""}: ${serverMessage(r.body)}`,
    );
    const location = r.headers.get("location");
    if (!location) return EXIT.OK;
    const existing = await httpJson(`${base(opts.url)}${location}`);
    if (existing.status !== 200)
      throw new CliError(`GET ${location}: HTTP ${existing.status}: ${serverMessage(existing.body)}`, EXIT.SERVICE);
    body = existing.body;
  } else if (r.status !== 201) {
    throw new CliError(
      `the log refused the entry: HTTP ${r.status}: ${serverMessage(r.body)}`,
      r.status >= 500 ? EXIT.SERVICE : EXIT.VERIFY,
    );
  }
  const text = JSON.stringify(body, null, 2);
  if (opts.out) writeFileSync(opts.out, text + "\n");
  else out(text);
  const b = body as Record<string, any>;
  const index = opts.api === "v2" ? b.logIndex : (Object.values(b)[0] as any)?.logIndex;
  err(
    `uploaded: log index ${index}${opts.api === "v1" ? `, UUID ${Object.keys(b)[0]}` : ""}${opts.out ? ` (saved to ${opts.out})` : ""}`,
  );
  return EXIT.OK;
}

// ------------------------------------------------------------------------------------------------- get

async function get(id: string, opts: Common & { out?: string }) {
  let url: string;
  if (/^(0|[1-9][0-9]{0,15})$/.test(id)) url = `${base(opts.url)}/api/v1/log/entries?logIndex=${id}`;
  else if (/^([0-9a-f]{16})?[0-9a-f]{64}$/i.test(id)) url = `${base(opts.url)}/api/v1/log/entries/${id.toLowerCase()}`;
  else throw usage(`not a log index or an entry UUID (64 or 80 hex digits): ${id}`);
  const r = await httpJson(url);
  if (r.status === 404) throw new CliError(`no such entry: ${serverMessage(r.body)}`, EXIT.SERVICE);
  if (r.status !== 200) throw new CliError(`GET ${url}: HTTP ${r.status}: ${serverMessage(r.body)}`, EXIT.SERVICE);
  const text = JSON.stringify(r.body, null, 2);
  if (opts.out) writeFileSync(opts.out, text + "\n");
  else out(text);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------------------------- verify

async function verify(
  file: string,
  opts: Common & WitnessOptions & { v1Key?: string; artifact?: string; online?: boolean },
) {
  const witness = witnessOptions(opts);
  const entry = readEntry(readInput(file, "entry").toString("utf8"), file);
  const { checks, ok } = await verifyEntryFile(entry, {
    // A Rekor v1 entry can be verified with the v1 key alone.
    logKeys: opts.logKey || !opts.v1Key ? logVerifiers(opts.logKey) : [],
    v1Key: v1KeyOption(opts.v1Key),
    witnesses: witness.verifiers,
    witnessQuorum: witness.quorum,
    artifact: opts.artifact ? new Uint8Array(readInput(opts.artifact, "--artifact")) : undefined,
    online: opts.online ? opts.url : undefined,
  });
  const failed = checks.filter((c) => !c.ok);
  if (opts.json) out(JSON.stringify({ source: entry.source, logIndex: entry.logIndex, ok, checks }));
  else {
    out(`${entry.source}, log index ${entry.logIndex}${entry.uuid ? `, UUID ${entry.uuid}` : ""}`);
    for (const c of checks) out(`  ${!c.ok ? "✗" : c.checked ? "✓" : "–"} ${c.name}: ${c.detail}`);
  }
  if (!ok) throw verifyFailure(`verification FAILED: ${failed.map((c) => c.name).join(", ")}`);
  if (!opts.json) out("verified");
  return EXIT.OK;
}

// ------------------------------------------------------------------------------------------ checkpoint

async function checkpoint(opts: Common & WitnessOptions & { out?: string }) {
  const { verifiers: witnesses, quorum } = witnessOptions(opts);
  const logKeys = logVerifiers(opts.logKey);
  const reader = new TileReader(pathFetcher(opts.url), logKeys);
  const cp = await reader.checkpoint();
  const note = parseNote(cp.note);
  const report = cosignatureReport(cp.note, logKeys, witnesses, quorum);
  if (opts.out) writeFileSync(opts.out, cp.note);
  if (opts.json) {
    const cosignatures = report.present
      .filter((c) => c.status === "verified")
      .map((c) => ({ name: c.name, keyId: parseInt(c.keyId, 16), timestamp: Date.parse(c.time!) / 1000 }));
    out(
      JSON.stringify({
        origin: cp.origin,
        size: cp.size,
        root: toBase64(cp.root),
        rootHex: toHex(cp.root),
        signatures: note.sigs.map((s) => s.name),
        cosignatures,
        witnesses: report.present,
        witnessQuorum: report.rule ?? report.quorum,
        note: cp.note,
      }),
    );
  } else {
    out(`origin:  ${cp.origin}\nsize:    ${cp.size}\nroot:    ${toBase64(cp.root)} (hex ${toHex(cp.root)})`);
    out(`signed:  ${note.sigs.map((s) => `${s.name}+${s.keyId.toString(16).padStart(8, "0")}`).join(", ")}`);
    for (const line of describeCosignatures(report)) out(line);
    out("checkpoint signature verified");
    if (opts.out) err(`saved to ${opts.out}`);
  }
  if (report.failure) throw verifyFailure(report.failure);
  for (const w of witnesses)
    if (!report.present.some((c) => c.status === "verified" && c.name === w.name))
      err(`note: no cosignature by ${w.name} on this checkpoint`);
  if (quorum > 0 && !opts.json) out(`witness quorum met: ${report.verified} of ${quorum} required cosignatures verify`);
  return EXIT.OK;
}

// ----------------------------------------------------------------------------------------- consistency

async function consistency(oldFile: string, newFile: string | undefined, opts: Common) {
  const reader = new TileReader(pathFetcher(opts.url), logVerifiers(opts.logKey));
  const open = (file: string) => {
    try {
      return reader.verifyCheckpoint(readInput(file, "checkpoint").toString("utf8"));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw verifyFailure(`${file}: ${(e as Error).message}`);
    }
  };
  const older = open(oldFile);
  const newer = newFile ? open(newFile) : await reader.checkpoint();
  if (older.origin !== newer.origin)
    throw usage(`the checkpoints are of different logs: ${older.origin} and ${newer.origin}`);
  const [a, b] = older.size <= newer.size ? [older, newer] : [newer, older];
  try {
    await reader.verifyConsistency(a, b);
  } catch (e) {
    if (e instanceof ProofError)
      throw verifyFailure(
        `FORK: the checkpoint of size ${b.size} is not consistent with the checkpoint of size ${a.size}`,
      );
    throw e;
  }
  const proof = a.size > 0 && a.size < b.size ? await reader.proveConsistency(a.size, b.size) : [];
  if (opts.json)
    out(JSON.stringify({ consistent: true, oldSize: a.size, newSize: b.size, proof: proof.map(toBase64) }));
  else out(`consistent: size ${a.size} → ${b.size} (${proof.length}-hash proof from the log's tiles)`);
  return EXIT.OK;
}

// --------------------------------------------------------------------------------------------- monitor

interface MonitorCli extends Common, WitnessOptions {
  state: string;
  watchDigest?: string[];
  watchKey?: string[];
  watchIdentity?: string[];
  watchEmail?: string[];
  webhook?: string;
  follow?: boolean;
  interval: string;
  progress?: boolean;
}

function buildWatch(opts: MonitorCli): Watch {
  const digests = new Set<string>();
  for (const d of opts.watchDigest ?? []) {
    const v = d.replace(/^sha(256|384|512):/, "").toLowerCase();
    if (!/^[0-9a-f]{64}$|^[0-9a-f]{96}$|^[0-9a-f]{128}$/.test(v)) {
      if (existsSync(d)) digests.add(createHash("sha256").update(readFileSync(d)).digest("hex"));
      else throw usage(`--watch-digest: not a hex SHA-256/384/512 digest nor a file: ${d}`);
    } else digests.add(v);
  }
  const keys = new Set<string>();
  for (const k of opts.watchKey ?? []) {
    const v = k.replace(/^sha256:/, "").toLowerCase();
    if (/^[0-9a-f]{64}$/.test(v)) keys.add(v);
    else if (existsSync(k)) {
      try {
        keys.add(keyFingerprint(parsePublicKey(new Uint8Array(readFileSync(k))).spki));
      } catch (e) {
        throw usage(`--watch-key ${k}: ${(e as Error).message}`);
      }
    } else throw usage(`--watch-key: not a SHA-256 key fingerprint (hex of the DER SPKI) nor a key file: ${k}`);
  }
  return { digests, keys, identities: new Set(opts.watchIdentity ?? []), emails: opts.watchEmail ?? [] };
}

async function postWebhook(url: string, event: unknown): Promise<void> {
  try {
    const r = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(event),
    });
    if (!r.ok) err(`webhook ${url}: HTTP ${r.status}`);
  } catch (e) {
    err(`webhook ${url}: ${(e as Error).message}`);
  }
}

async function monitor(opts: MonitorCli) {
  const verifiers = logVerifiers(opts.logKey);
  const witness = witnessOptions(opts);
  const watch = buildWatch(opts);
  const interval = Number(opts.interval);
  if (!Number.isFinite(interval) || interval <= 0) throw usage("--interval must be a positive number of seconds");
  const emit = (event: Record<string, unknown>, text: string) => (opts.json ? out(JSON.stringify(event)) : out(text));
  for (;;) {
    const saved = existsSync(opts.state) ? readFileSync(opts.state, "utf8") : null;
    if (saved === null && !opts.json) err(`no saved checkpoint at ${opts.state}: verifying the whole log from size 0`);
    let bar: cliProgress.SingleBar | undefined;
    const showBar = opts.progress ?? process.stderr.isTTY;
    try {
      const r = await monitorOnce({
        fetchPath: pathFetcher(opts.url),
        verifiers,
        witnesses: witness.verifiers,
        witnessQuorum: witness.quorum,
        saved,
        watch,
        onMatch: async (m: Match) => {
          bar?.stop();
          const event = {
            type: "match",
            index: m.index,
            leafHash: m.leafHash,
            kind: m.kind,
            matched: m.reasons,
            digests: m.facts.digests,
            keys: m.facts.keys,
            identities: m.facts.identities,
          };
          emit(event, `MATCH index ${m.index} (${m.kind}): ${m.reasons.map((x) => `${x.kind} ${x.value}`).join(", ")}`);
          if (opts.webhook) await postWebhook(opts.webhook, event);
        },
        onProgress: (done, total) => {
          if (!showBar || total < 10_000) return;
          if (!bar) {
            bar = new cliProgress.SingleBar(
              {
                format:
                  "verifying {bar} {percentage}% | {value}/{total} entries | {speed} entries/s | ETA {eta_formatted}",
                stream: process.stderr,
                hideCursor: true,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(total, 0, { speed: "-" });
            (bar as any).t0 = performance.now();
          }
          const s = (performance.now() - (bar as any).t0) / 1000;
          bar.update(done, { speed: s > 0 ? Math.round(done / s) : "-" });
        },
      });
      bar?.stop();
      if (r.to !== r.from || saved === null) {
        const tmp = `${opts.state}.tmp`;
        writeFileSync(tmp, r.note);
        renameSync(tmp, opts.state);
      }
      emit(
        {
          type: "checkpoint",
          origin: r.checkpoint.origin,
          from: r.from,
          to: r.to,
          root: toBase64(r.checkpoint.root),
          matches: r.matches,
          stale: r.stale,
          witnesses: r.cosignatures.present,
        },
        r.stale
          ? `the log served an older (consistent) checkpoint; still at size ${r.to}`
          : r.to === r.from
            ? `up to date at size ${r.to}`
            : `verified ${r.to - r.from} new entries: size ${r.from} → ${r.to}, consistent, every entry included${r.matches ? `, ${r.matches} match(es)` : ""}`,
      );
      if (!opts.json && r.cosignatures.present.length > 0)
        for (const line of describeCosignatures(r.cosignatures)) out(line);
    } catch (e) {
      bar?.stop();
      if (e instanceof ForkError) {
        const event = { type: "fork", message: e.message, saved: e.saved, served: e.served };
        if (opts.json) out(JSON.stringify(event));
        if (opts.webhook) await postWebhook(opts.webhook, event);
        throw verifyFailure(
          `FORK DETECTED: ${e.message}\nsaved checkpoint (kept in ${opts.state}):\n${e.saved}\nserved checkpoint:\n${e.served}`,
        );
      }
      throw e;
    }
    if (!opts.follow) return EXIT.OK;
    await new Promise((res) => setTimeout(res, interval * 1000));
  }
}

// ---------------------------------------------------------------------------------------------- search

interface SearchOptions extends Common {
  digest?: string;
  sha256?: string;
  publicKey?: string;
  key?: string;
  email?: string;
  subject?: string;
  issuer?: string;
  repository?: string;
  max: string;
  complete?: boolean;
}

/** The one selector of a search and its value, as GET /api/v2/search takes them. */
function searchQuery(opts: SearchOptions): [Selector, string] {
  const given: [Selector, string][] = [];
  const digest = opts.digest ?? opts.sha256;
  if (opts.digest && opts.sha256) throw usage("give --digest or --sha256, not both");
  if (digest !== undefined) {
    // A file: search for its SHA-256 (what hashedrekord records for it).
    const value = existsSync(digest)
      ? `sha256:${createHash("sha256").update(readFileSync(digest)).digest("hex")}`
      : opts.sha256 && !digest.includes(":")
        ? `sha256:${digest}`
        : digest;
    given.push(["digest", value]);
  }
  if (opts.publicKey) {
    try {
      given.push([
        "key",
        `key:sha256:${keyFingerprint(parsePublicKey(new Uint8Array(readInput(opts.publicKey, "--public-key"))).spki)}`,
      ]);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw usage(`--public-key: ${(e as Error).message}`);
    }
  }
  for (const name of ["key", "email", "subject", "issuer", "repository"] as const)
    if (opts[name] !== undefined) given.push([name, opts[name]!]);
  if (given.length !== 1)
    throw usage(
      "give exactly one of --digest (or --sha256), --public-key, --key, --email, --subject, --issuer, --repository",
    );
  return given[0]!;
}

async function search(opts: SearchOptions) {
  const verifiers = logVerifiers(opts.logKey);
  const [selector, value] = searchQuery(opts);
  const max = Number(opts.max);
  if (!Number.isSafeInteger(max) || max < 1) throw usage("--max must be a positive integer");
  const complete = opts.complete ? await searchComplete(base(opts.url), selector, value, verifiers, max) : undefined;
  const hits = complete?.hits ?? (await searchAll(base(opts.url), selector, value, verifiers, max));
  for (const h of hits) {
    if (opts.json) out(JSON.stringify({ shard: h.shard, entry: h.entry }));
    else {
      const time = h.integratedTime > 0 ? ` integrated ${new Date(h.integratedTime * 1000).toISOString()}` : "";
      out(
        `${h.shard} ${h.index} ${h.kind}/${h.version}${time} (included in ${h.origin} at size ${h.treeSize}: verified)`,
      );
    }
  }
  err(
    `${hits.length} hit(s), each verified: checkpoint signed by the log, inclusion proven, entry matches${hits.length >= max ? ` (stopped at --max ${max})` : ""}`,
  );
  if (complete) {
    const all = complete.count === hits.length ? "all of them" : `${complete.count} in all, ${hits.length} shown`;
    err(
      `complete up to log size ${complete.size}: the log's signed index has ${complete.count} entries with this key below ${complete.size} (${all})`,
    );
  }
  return EXIT.OK;
}

// ---------------------------------------------------------------------------------------------- witness

async function witnessSubmit(opts: Common & { witness: string; witnessKey?: string; out?: string }) {
  const reader = new TileReader(pathFetcher(opts.url), logVerifiers(opts.logKey));
  const verifier = opts.witnessKey
    ? (() => {
        try {
          return newCosignatureVerifier(inlineOrFile(opts.witnessKey!).trim());
        } catch (e) {
          throw usage(`--witness-key: ${(e as Error).message}`);
        }
      })()
    : null;
  const cp = await reader.checkpoint();
  const url = `${base(opts.witness)}/add-checkpoint`;
  // Start from "old 0": a witness that has seen this log answers 409 with its size (C2SP tlog-witness).
  let old = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const proof = old > 0 && old < cp.size ? await reader.proveConsistency(old, cp.size) : [];
    const body = formatAddCheckpoint(old, proof, cp.note);
    let res: Response;
    try {
      res = await fetch(url, { method: "POST", body });
    } catch (e) {
      throw new CliError(`cannot reach ${url}: ${(e as Error).message}`, EXIT.SERVICE);
    }
    const text = await res.text();
    if (res.status === 409 && res.headers.get("content-type")?.startsWith("text/x.tlog.size")) {
      const size = Number(text.trim());
      if (!Number.isSafeInteger(size) || size < 0)
        throw new CliError(`witness answered 409 with a malformed size: ${text.trim()}`, EXIT.SERVICE);
      if (size > cp.size)
        throw verifyFailure(
          `the witness has cosigned size ${size} of ${cp.origin}, larger than the log's checkpoint (${cp.size}): the log serves an old or forked view`,
        );
      old = size;
      continue;
    }
    if (res.status === 422)
      throw verifyFailure(`the witness refuses the checkpoint as inconsistent with what it cosigned: ${text.trim()}`);
    if (res.status !== 200) throw new CliError(`witness: HTTP ${res.status}: ${text.trim()}`, EXIT.SERVICE);
    const cosigned = cp.note + text;
    const note = parseNote(cosigned);
    if (verifier) {
      const r = verifyCosignatures(note.text, note.sigs, [verifier]);
      if (r.valid.length === 0)
        throw verifyFailure(`the witness's answer carries no valid cosignature by ${verifier.name}`);
      err(
        `cosigned by ${verifier.name} at ${new Date(r.valid[0]!.timestamp * 1000).toISOString()} (size ${cp.size}, from ${old})`,
      );
    }
    if (opts.out) writeFileSync(opts.out, cosigned);
    else out(cosigned);
    return EXIT.OK;
  }
  throw new CliError("the witness kept answering 409", EXIT.SERVICE);
}

// ------------------------------------------------------------------------------------------------ main

export function program(): Command {
  const p = new Command("edgelog")
    .description(
      "Client for edgelog, a Sigstore transparency log: upload, get, verify, checkpoints, consistency, monitor.",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  const run =
    (fn: (...a: any[]) => Promise<number>) =>
    async (...a: any[]) => {
      process.exitCode = await fn(...a);
    };

  withCommon(p.command("upload").description("upload a signed artifact as a hashedrekord entry"))
    .requiredOption("--artifact <file>", "the artifact that was signed")
    .requiredOption("--signature <file>", "the signature (DER, or base64 of it)")
    .option("--public-key <file>", "the signer's public key (PEM or DER)")
    .option("--certificate <file>", "the signer's certificate (PEM or DER)")
    .addOption(new Option("--api <version>", "which write API").choices(["v1", "v2"]).default("v2"))
    .option("--out <file>", "write the log's answer here instead of stdout")
    .action(run((o) => upload(o)));

  withCommon(
    p.command("get").description("fetch an entry by log index or UUID (Rekor v1 API)").argument("<index-or-uuid>"),
  )
    .option("--out <file>", "write the entry here instead of stdout")
    .action(run((id, o) => get(id, o)));

  withCommon(
    p
      .command("verify")
      .description(
        "verify an entry (v1 LogEntry, v2 TransparencyLogEntry) or a Sigstore bundle: inclusion, checkpoint signature, SET",
      )
      .argument("<file>"),
    true,
  )
    .option(
      "--v1-key <pem>",
      "the log's Rekor v1 public key (PEM file), to check SETs and v1 checkpoints (with it, --log-key may be left out)",
    )
    .option("--artifact <file>", "also check the entry records this artifact's digest")
    .option(
      "--online",
      "also prove inclusion in the log's current tree from its tiles (--url) and, with --witness-key, bound when it was logged by the earliest cosigned checkpoint covering it",
    )
    .option(
      "--witness-key <vkey...>",
      "witness cosignature verifier keys: check the cosignatures on the entry's checkpoint",
    )
    .option(
      "--witness-quorum <k>",
      "fail unless at least k of the --witness-key witnesses cosigned the entry's checkpoint",
    )
    .option(
      "--witness-policy <file>",
      "a C2SP tlog-policy file (or its text): its witnesses and quorum (groups, k of n) instead of --witness-key/--witness-quorum",
    )
    .option("--json", "print the checks as JSON")
    .action(run((f, o) => verify(f, o)));

  withCommon(
    p
      .command("proof")
      .description(
        "save an entry's offline proof (C2SP tlog-proof@v1, .tlog-proof): index, inclusion proof, the cosigned checkpoint",
      )
      .argument("<index-or-uuid>", "the entry's index in the shard, leaf hash or UUID"),
  )
    .option("--out <file>", "write the proof here (e.g. entry.tlog-proof) instead of stdout")
    .action(run(async (id, o) => proofCommand(id, o, out)));

  withCommon(
    p
      .command("verify-proof")
      .description(
        "verify an offline proof (C2SP tlog-proof@v1) with no network: checkpoint signature, witness cosignatures, inclusion of the entry or artifact",
      )
      .argument("<file>"),
    true,
  )
    .option(
      "--entry <file>",
      "the logged entry (v1 LogEntry, v2 TransparencyLogEntry, Sigstore bundle, or its canonical body): the proof must include it",
    )
    .option("--artifact <file>", "the entry (given, or the one in the proof) must log this artifact's digest")
    .option(
      "--witness-key <vkey...>",
      "witness cosignature verifier keys: check the cosignatures on the proof's checkpoint",
    )
    .option("--witness-quorum <k>", "fail unless at least k of the --witness-key witnesses cosigned it")
    .option("--json", "print the checks as JSON")
    .action(run(async (f, o) => verifyProofCommand(f, o, out)));

  withCommon(p.command("checkpoint").description("fetch the log's checkpoint, verify its signature, show it"), true)
    .option("--out <file>", "save the signed checkpoint (to start a monitor, or for consistency later)")
    .option("--witness-key <vkey...>", "witness cosignature verifier keys to check (repeatable)")
    .option("--witness-quorum <k>", "fail unless at least k of the --witness-key witnesses cosigned the checkpoint")
    .option(
      "--witness-policy <file>",
      "a C2SP tlog-policy file (or its text): its witnesses and quorum (groups, k of n) instead of --witness-key/--witness-quorum",
    )
    .option("--json", "print as JSON")
    .action(run((o) => checkpoint(o)));

  withCommon(
    p
      .command("consistency")
      .description("prove that two checkpoints are of one append-only log (proof from the log's tiles)")
      .argument("<old-checkpoint>")
      .argument("[new-checkpoint]", "default: the log's current checkpoint"),
    true,
  )
    .option("--json", "print as JSON")
    .action(run((a, b, o) => consistency(a, b, o)));

  withCommon(
    p
      .command("monitor")
      .description(
        "follow the log from a saved checkpoint: verify consistency and every new entry, report watched entries",
      ),
    true,
  )
    .requiredOption(
      "--state <file>",
      "the saved checkpoint; created on the first run, updated after each verified step",
    )
    .option("--watch-digest <hex...>", "artifact digests (hex SHA-256/384/512, or a file to hash)")
    .option("--watch-key <fingerprint...>", "signing keys: hex SHA-256 of the DER SubjectPublicKeyInfo, or a key file")
    .option("--watch-identity <san...>", "certificate SAN values (exact), e.g. a workflow URI")
    .option("--watch-email <email...>", "certificate email SANs, or @domain")
    .option("--webhook <url>", "POST each match (and a fork alert) as JSON to this URL")
    .option(
      "--witness-key <vkey...>",
      "witness cosignature verifier keys: a cosignature by one on the log's checkpoint must verify",
    )
    .option(
      "--witness-quorum <k>",
      "stop (exit 1) unless at least k of the --witness-key witnesses cosigned the log's checkpoint",
    )
    .option(
      "--witness-policy <file>",
      "a C2SP tlog-policy file (or its text): its witnesses and quorum (groups, k of n) instead of --witness-key/--witness-quorum",
    )
    .option("--json", "JSON lines on stdout")
    .option("--follow", "keep following; without it, catch up once and exit")
    .option("--interval <seconds>", "polling interval with --follow", "10")
    .option("--progress", "force the progress bar (default: when stderr is a terminal)")
    .option("--no-progress", "never show the progress bar")
    .action(run((o) => monitor(o)));

  withCommon(
    p
      .command("search")
      .description(
        "find entries by artifact digest, key or signer identity (GET /api/v2/search); every hit's inclusion proof and checkpoint signature is verified",
      ),
    true,
  )
    .option(
      "--digest <digest>",
      "sha256:<hex> (also sha384:, sha512:; bare hex by length), or a file to hash with SHA-256",
    )
    .option("--sha256 <hex>", "artifact SHA-256 digest (or a file to hash)")
    .option("--public-key <file>", "the signer's public key or certificate (PEM or DER): entries signed with that key")
    .option(
      "--key <key>",
      "key:sha256:<hex of SHA-256(DER SPKI)>, key:pgp:<fingerprint>, key:minisign:<key id>, key:ssh:SHA256:<b64>",
    )
    .option("--email <email>", "certificate SAN email (case-insensitive)")
    .option("--subject <san>", "certificate SAN URI or email, exactly")
    .option("--issuer <url>", "Fulcio OIDC issuer, exactly")
    .option("--repository <uri>", "Fulcio source repository URI, exactly")
    .option("--max <n>", "stop after this many hits", "1000")
    .option("--json", "print each verified hit as a JSON line {shard, entry}")
    .option(
      "--complete",
      "prove the answer complete: the log's signed verifiable index shows no entry with the key was left out (up to the index's log size)",
    )
    .action(run((o) => search(o)));

  withCommon(
    p
      .command("audit-index")
      .description(
        "replay the log from its tiles, rebuild its verifiable index and check the signed map checkpoints against it",
      ),
    true,
  )
    .option("--state <file>", "resume from (and save) the rebuilt index here")
    .option("--checkpoint <file...>", "more signed map checkpoints to check (e.g. saved from complete searches)")
    .option("--batch <n>", "entries per replay step", "4096")
    .option("--json", "print the report as JSON")
    .option("--progress", "print progress (default: when stderr is a terminal)")
    .option("--no-progress", "never print progress")
    .option("--no-objects", "do not compare the published map tiles and value objects with the rebuilt map")
    .action(run((o) => auditIndexCommand(o, out, err)));

  withCommon(
    p
      .command("trust")
      .description(
        "fetch the log's trust files (Sigstore TrustedRoot and SigningConfig), check them, optionally save them; with --log-key, check the TrustedRoot lists that key",
      ),
  )
    .option(
      "--out-dir <dir>",
      "save trusted_root.json and signing_config.json here (for cosign, sigstore-js, sigstore-go)",
    )
    .option("--json", "print both files as JSON")
    .action(run((o) => trust(o, out, err)));

  withCommon(
    p
      .command("health")
      .description(
        "the log's liveness and its search index lag (GET /healthz): entries published but not yet searchable",
      ),
  )
    .option("--shard <name>", "a shard other than the active one (its /<shard>/ prefix)")
    .option("--max-lag <n>", "exit 1 if more than n entries are not yet searchable (for monitoring)")
    .option("--json", "print the index report as JSON")
    .action(run((o) => health(o, out)));

  withCommon(
    p
      .command("reindex")
      .description(
        "operators: rebuild a shard's search index (D1) from the log's own bundles via POST /admin/reindex; resumable, with a progress bar",
      ),
  )
    .addOption(new Option("--token <token>", "the deployment's ADMIN_TOKEN secret").env("EDGELOG_ADMIN_TOKEN"))
    .option("--shard <name>", "a shard other than the active one (its /<shard>/ prefix)")
    .option("--from <index>", "first entry to index (default: where the index stops, from /healthz)")
    .option("--batch <n>", "entries per request (the server takes at most 1024)", "1024")
    .option("--progress", "force the progress bar (default: when stderr is a terminal)")
    .option("--no-progress", "never show the progress bar")
    .option("--json", "print a JSON summary")
    .action(run((o) => reindex(o, out, err)));

  const w = p
    .command("witness")
    .description("C2SP tlog-witness: make a witness key, or have a witness cosign the log's checkpoint");
  w.command("key")
    .description(
      "generate a witness cosignature key (Ed25519, type 0x04; or ML-DSA-44, type 0x06): WITNESS_SIGNING_KEY and its verifier key",
    )
    .argument("<name>", "the witness name, e.g. witness.example.com/w1")
    .option("--ml-dsa", "an ML-DSA-44 key (C2SP tlog-cosignature: SHOULD for new witnesses; 3.2 KB cosignatures)")
    .action(
      run(async (name: string, o: { mlDsa?: boolean }) => {
        const { skey, vkey } = generateCosignatureKey(name, undefined, o.mlDsa ? "ml-dsa-44" : "ed25519");
        out(`WITNESS_SIGNING_KEY=${skey}\nverifier key: ${vkey}`);
        return EXIT.OK;
      }),
    );
  withCommon(
    w
      .command("submit")
      .description(
        "send the log's checkpoint (with a consistency proof from its tiles) to a witness's add-checkpoint; print the cosigned checkpoint",
      ),
    true,
  )
    .requiredOption(
      "--witness <url>",
      "the witness's submission prefix (POST <url>/add-checkpoint), e.g. https://log.example/witness",
    )
    .option("--witness-key <vkey>", "the witness's cosignature verifier key: check the cosignature")
    .option("--out <file>", "write the cosigned checkpoint here instead of stdout")
    .action(run((o) => witnessSubmit(o)));
  return p;
}

export async function main(argv: string[]): Promise<number> {
  useNodeSha256();
  try {
    await program().parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; anything else (no command, unknown option, missing argument) is a usage error.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof CliError) {
      err(`edgelog: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof ProofError) {
      err(`edgelog: verification failed: ${e.message}`);
      return EXIT.VERIFY;
    }
    if (e instanceof MalformedError) {
      err(`edgelog: ${e.message}`);
      return EXIT.VERIFY;
    }
    err(`edgelog: ${(e as Error).stack ?? e}`);
    return EXIT.SERVICE;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
