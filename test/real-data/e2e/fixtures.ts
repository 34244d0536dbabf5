// Reading the real Sigstore data in ../shared/fixtures/real-sigstore (SOURCES.md there): bundles and
// entries real logs produced, and the TrustedRoots that hold those logs' keys.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { logKey, v1LogKey, type LogKey, type V1LogKey } from "../../../src/client/verify-checkpoint.ts";
import { fromBase64, toHex } from "../../../src/tlog/encoding.ts";
import { formatVerifierKey } from "../../../src/tlog/note.ts";

export const REAL = join(process.cwd(), "..", "shared", "fixtures", "real-sigstore");
export const real = (path: string) => join(REAL, path);
export const readJson = (path: string): any => JSON.parse(readFileSync(real(path), "utf8"));
export const exists = (path: string) => existsSync(real(path));

/** DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = "302a300506032b6570032100";

export interface RealTrust {
  /** Rekor v2 logs: Ed25519 checkpoint keys named by the log's host (sigstore-go NewNoteVerifier(u.Hostname())). */
  logKeys: LogKey[];
  /** Their vkey strings, for the CLI. */
  vkeys: string[];
  /** Rekor v1 logs: ECDSA keys, with their SPKI PEM for the CLI. */
  v1Keys: { key: V1LogKey; pem: string; host: string }[];
}

/** The tlog keys of a TrustedRoot JSON. */
export function trustFrom(path: string): RealTrust {
  const root = readJson(path);
  const out: RealTrust = { logKeys: [], vkeys: [], v1Keys: [] };
  for (const t of root.tlogs ?? []) {
    const host = new URL(t.baseUrl).hostname;
    const spki = fromBase64(t.publicKey.rawBytes);
    if (t.publicKey.keyDetails === "PKIX_ED25519" && toHex(spki).startsWith(ED25519_SPKI_PREFIX)) {
      const vkey = formatVerifierKey(host, spki.subarray(12));
      out.vkeys.push(vkey);
      out.logKeys.push(logKey(vkey));
    } else if (String(t.publicKey.keyDetails).startsWith("PKIX_ECDSA")) {
      const pem = `-----BEGIN PUBLIC KEY-----\n${t.publicKey.rawBytes.match(/.{1,64}/g).join("\n")}\n-----END PUBLIC KEY-----\n`;
      out.v1Keys.push({ key: v1LogKey(spki), pem, host });
    }
  }
  return out;
}
