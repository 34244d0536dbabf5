/**
 * `edgelog trust`: fetch the trust files a log publishes (rekor-api.md §3.4) — the TrustedRoot that
 * verifiers load and the SigningConfig that signers load — check their media types and shape, and,
 * given the log's checkpoint verifier key, check that the TrustedRoot lists exactly that key under
 * the log ID clients will see in entries. The files can be saved for `cosign`/sigstore-js/-go.
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesEqual, concatBytes, fromBase64, toHex } from "../src/tlog/encoding.ts";
import { ALG_ED25519, keyHash, parseVerifierKey } from "../src/tlog/note.ts";
import {
  ED25519_SPKI_PREFIX,
  SIGNING_CONFIG_MEDIA_TYPE,
  TRUSTED_ROOT_MEDIA_TYPE,
} from "../src/client/sigstore-trust.ts";
import { CliError, EXIT, httpJson, inlineOrFile, serverMessage, usage, verifyFailure } from "./common.ts";

interface Tlog {
  baseUrl: string;
  publicKey: { rawBytes: string; keyDetails: string; validFor?: { start?: string; end?: string } };
  logId: { keyId: string };
  checkpointKeyId?: { keyId: string };
}

interface TrustFiles {
  trustedRoot: { mediaType: string; tlogs: Tlog[] };
  signingConfig: {
    mediaType: string;
    rekorTlogUrls: { url: string; majorApiVersion: number; validFor?: { start?: string; end?: string } }[];
  };
}

export interface TrustOptions {
  url: string;
  logKey?: string;
  outDir?: string;
  json?: boolean;
}

async function fetchTrustFile(url: string): Promise<unknown> {
  const r = await httpJson(url);
  if (r.status === 404) throw new CliError(`${url}: not found (is this an edgelog log?)`, EXIT.SERVICE);
  if (r.status !== 200) throw new CliError(`${url}: HTTP ${r.status}: ${serverMessage(r.body)}`, EXIT.SERVICE);
  if (typeof r.body !== "object" || r.body === null) throw verifyFailure(`${url}: not a JSON object`);
  return r.body;
}

/** Shape checks that matter to clients: sigstore-go accepts only these exact media types. */
function checkShape(files: { trustedRoot: any; signingConfig: any }): TrustFiles {
  const { trustedRoot, signingConfig } = files;
  if (trustedRoot.mediaType !== TRUSTED_ROOT_MEDIA_TYPE)
    throw verifyFailure(
      `trusted_root.json: mediaType is ${JSON.stringify(trustedRoot.mediaType)}, clients expect ${TRUSTED_ROOT_MEDIA_TYPE}`,
    );
  if (!Array.isArray(trustedRoot.tlogs) || trustedRoot.tlogs.length === 0)
    throw verifyFailure("trusted_root.json lists no transparency logs (tlogs)");
  for (const t of trustedRoot.tlogs) {
    if (
      typeof t?.baseUrl !== "string" ||
      typeof t?.publicKey?.rawBytes !== "string" ||
      typeof t?.logId?.keyId !== "string"
    ) {
      throw verifyFailure(`trusted_root.json: malformed tlogs entry ${JSON.stringify(t).slice(0, 200)}`);
    }
  }
  if (signingConfig.mediaType !== SIGNING_CONFIG_MEDIA_TYPE)
    throw verifyFailure(
      `signing_config.json: mediaType is ${JSON.stringify(signingConfig.mediaType)}, clients expect ${SIGNING_CONFIG_MEDIA_TYPE}`,
    );
  if (!Array.isArray(signingConfig.rekorTlogUrls)) throw verifyFailure("signing_config.json has no rekorTlogUrls");
  return { trustedRoot, signingConfig };
}

/**
 * The TrustedRoot entry for a checkpoint verifier key: its log ID must be the C2SP key hash
 * SHA-256(name || "\n" || 0x01 || key) (TransparencyLogEntry.logId) and its key the same Ed25519 key.
 */
function findLogKey(tlogs: Tlog[], vkey: string): Tlog {
  let key;
  try {
    key = parseVerifierKey(vkey);
  } catch (e) {
    throw usage(`--log-key: ${(e as Error).message}`);
  }
  const logId = keyHash(key.name, ALG_ED25519, key.publicKey);
  const spki = concatBytes(ED25519_SPKI_PREFIX, key.publicKey);
  const match = tlogs.find((t) => bytesEqual(fromBase64(t.logId.keyId), logId));
  if (!match) throw verifyFailure(`the trusted root does not list the log key ${key.name} (log ID ${toHex(logId)})`);
  if (match.publicKey.keyDetails !== "PKIX_ED25519" || !bytesEqual(fromBase64(match.publicKey.rawBytes), spki)) {
    throw verifyFailure(`the trusted root lists log ID ${toHex(logId)} with a different key than ${key.name}'s`);
  }
  return match;
}

export async function trust(opts: TrustOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const base = opts.url.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(base)) throw usage("--url must be an http(s) URL for trust");
  const files = checkShape({
    trustedRoot: await fetchTrustFile(`${base}/api/v1/trust/trusted_root.json`),
    signingConfig: await fetchTrustFile(`${base}/api/v1/trust/signing_config.json`),
  });
  const logKey = opts.logKey ? inlineOrFile(opts.logKey).trim() : null;
  const pinned = logKey ? findLogKey(files.trustedRoot.tlogs, logKey) : null;

  if (opts.outDir) {
    mkdirSync(opts.outDir, { recursive: true });
    writeFileSync(join(opts.outDir, "trusted_root.json"), JSON.stringify(files.trustedRoot, null, 2) + "\n");
    writeFileSync(join(opts.outDir, "signing_config.json"), JSON.stringify(files.signingConfig, null, 2) + "\n");
    err(`saved trusted_root.json and signing_config.json in ${opts.outDir}`);
  }
  if (opts.json) {
    out(JSON.stringify({ ...files, logKeyListed: pinned ? toHex(fromBase64(pinned.logId.keyId)) : undefined }));
    return EXIT.OK;
  }
  out(`trusted root (${files.trustedRoot.mediaType}):`);
  for (const t of files.trustedRoot.tlogs) {
    const validity = `${t.publicKey.validFor?.start ?? "?"} → ${t.publicKey.validFor?.end ?? "now"}`;
    out(`  ${t.baseUrl}  ${t.publicKey.keyDetails}  log ID ${toHex(fromBase64(t.logId.keyId))}  valid ${validity}`);
  }
  out(`signing config (${files.signingConfig.mediaType}):`);
  for (const s of files.signingConfig.rekorTlogUrls)
    out(`  Rekor v${s.majorApiVersion}  ${s.url}  from ${s.validFor?.start ?? "?"}`);
  if (pinned) out(`✓ the trusted root lists the log key ${parseVerifierKey(logKey!).name}`);
  return EXIT.OK;
}
