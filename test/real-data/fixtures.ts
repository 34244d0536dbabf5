// ../shared/fixtures (real Sigstore data, Rekor's API description: see their SOURCES.md), read from beside the
// checkout, and the checks that authenticate a logged body before it is trusted as a golden value: a Rekor v1 SET or
// a C2SP checkpoint signature, verified with node:crypto and the log key from the TrustedRoot that names the log.
import { createPublicKey, verify } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const FIXTURES = resolve(process.cwd(), "../shared/fixtures");
export const REAL = join(FIXTURES, "real-sigstore");

export const readJson = (path: string): any => JSON.parse(readFileSync(join(REAL, path), "utf8"));
export const readBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(join(REAL, path)));
export const exists = (path: string) => existsSync(join(REAL, path));
export const conformanceCases = (): string[] =>
  readdirSync(join(REAL, "conformance"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

export const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));
export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export interface TlogKey {
  baseUrl: string;
  spki: Uint8Array;
  keyDetails: string;
}

/** Every transparency log in the trusted roots of the fixtures, by base64 log ID. */
export function knownLogs(): Map<string, TlogKey> {
  const roots = [
    "sigstore-python/trust/production.trusted_root.json",
    "sigstore-python/trust/staging.trusted_root.json",
  ];
  for (const c of conformanceCases())
    if (exists(`conformance/${c}/trusted_root.json`)) roots.push(`conformance/${c}/trusted_root.json`);
  const logs = new Map<string, TlogKey>();
  for (const r of roots) {
    for (const t of readJson(r).tlogs ?? []) {
      if (!t.publicKey?.rawBytes) continue;
      logs.set(t.logId.keyId, {
        baseUrl: t.baseUrl,
        spki: b64(t.publicKey.rawBytes),
        keyDetails: t.publicKey.keyDetails,
      });
    }
  }
  return logs;
}

/** A Rekor v1 Signed Entry Timestamp: ECDSA over the JCS of {body, integratedTime, logID, logIndex} (keys in that order). */
export function setVerifies(
  entry: { body: string; integratedTime: number; logID: string; logIndex: number },
  set: Uint8Array,
  spki: Uint8Array,
): boolean {
  const payload = `{"body":${JSON.stringify(entry.body)},"integratedTime":${entry.integratedTime},"logID":${JSON.stringify(entry.logID)},"logIndex":${entry.logIndex}}`;
  return verify(
    "sha256",
    Buffer.from(payload),
    createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }),
    Buffer.from(set),
  );
}

/** A bundle's Rekor v1 entry, authenticated by its SET with the key of the log its logId names. */
export function authenticatedV1Body(tlogEntry: any, logs: Map<string, TlogKey>): Uint8Array {
  const log = logs.get(tlogEntry.logId.keyId);
  if (!log) throw new Error(`no trusted root lists log ${tlogEntry.logId.keyId}`);
  const ok = setVerifies(
    {
      body: tlogEntry.canonicalizedBody,
      integratedTime: Number(tlogEntry.integratedTime),
      logID: hex(b64(tlogEntry.logId.keyId)),
      logIndex: Number(tlogEntry.logIndex),
    },
    b64(tlogEntry.inclusionPromise.signedEntryTimestamp),
    log.spki,
  );
  if (!ok) throw new Error("the SET does not verify");
  return b64(tlogEntry.canonicalizedBody);
}

/**
 * A bundle's Rekor v2 entry, authenticated: the checkpoint's signature line by the log's key (C2SP signed note,
 * Ed25519 over the note text; ECDSA for logs with ECDSA keys), and the inclusion proof from the body to its root.
 */
export function authenticatedV2Body(
  tlogEntry: any,
  logs: Map<string, TlogKey>,
  checkInclusion: (proof: Uint8Array[], index: number, size: number, leaf: Uint8Array, root: Uint8Array) => void,
): Uint8Array {
  const log = logs.get(tlogEntry.logId.keyId);
  if (!log) throw new Error(`no trusted root lists log ${tlogEntry.logId.keyId}`);
  const note: string = tlogEntry.inclusionProof.checkpoint.envelope;
  const split = note.indexOf("\n\n");
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.split("\n");
  const keyHint = b64(tlogEntry.logId.keyId).slice(0, 4);
  const key = createPublicKey({ key: Buffer.from(log.spki), format: "der", type: "spki" });
  const signed = note
    .slice(split + 2)
    .split("\n")
    .filter((l) => l.startsWith(`\u2014 ${origin} `))
    .map((l) => b64(l.split(" ")[2]!))
    .some(
      (sig) =>
        Buffer.from(sig.slice(0, 4)).equals(Buffer.from(keyHint)) &&
        verify(log.keyDetails === "PKIX_ED25519" ? null : "sha256", Buffer.from(text), key, Buffer.from(sig.slice(4))),
    );
  if (!signed) throw new Error("no checkpoint signature by the log's key verifies");
  const body = b64(tlogEntry.canonicalizedBody);
  const p = tlogEntry.inclusionProof;
  checkInclusion((p.hashes ?? []).map(b64), Number(p.logIndex ?? 0), Number(size), body, b64(root!));
  if (Number(p.treeSize) !== Number(size) || p.rootHash !== root)
    throw new Error("the proof's size and root are not the checkpoint's");
  return body;
}
