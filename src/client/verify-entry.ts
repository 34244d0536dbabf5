/**
 * The one verification of a log entry that edgelog's verifiers share (`edgelog verify` and `search`, the
 * explorer, and the monitor through verify-checkpoint.ts): every claim the entry makes is compared with
 * what was proven, each as its own check (claims.ts), so a crafted entry cannot say anything its proof
 * and signatures do not support.
 *
 * Reads a Rekor v1 LogEntry (`{uuid: entry}` or the entry), a Rekor v2 TransparencyLogEntry, or a
 * Sigstore bundle's first tlog entry. The claims, and whose rule each follows:
 * - kind and version: `kindVersion` is the body's `kind`/`apiVersion` (sigstore-js tlog/index.ts
 *   verifyTLogBody; sigstore-go pkg/tlog/entry.go ParseTransparencyLogEntry "kind and version mismatch").
 * - inclusion proof: present, and its hashes take the body's leaf hash at the proof's index to its root.
 * - checkpoint signature / checkpoint origin: verify-checkpoint.ts. A missing checkpoint fails.
 * - tree size / root hash: the signed checkpoint's size and root are the proof's (Rekor pkg/verify
 *   VerifyCheckpointSignature; rekor-tiles verifies the proof against the checkpoint's own size and root).
 * - log index: a Rekor v2 entry's `logIndex` is its proof's (rekor-tiles pkg/verify VerifyInclusionProof
 *   proves `entry.LogIndex`). A Rekor v1 entry's is the global index across the log's shards, the proof's
 *   the index in its shard (sigstore-go VerifyInclusion proves the proof's index, VerifySET signs the
 *   entry's), so only proof index <= log index holds; the SET then signs the log index.
 * - log ID: the entry's log ID is the one of the key that signed its checkpoint (sigstore-js
 *   verifyTLogInclusion "bind the claimed log ID to the authority that verifies the checkpoint") or SET
 *   (sigstore-go VerifySET looks the key up by it); an 80-hex v1 UUID's tree ID is the v1 checkpoint's.
 * - signed entry timestamp: ECDSA over JCS({body, integratedTime, logID, logIndex}) of the entry's own
 *   fields (sigstore-go VerifySET, sigstore-js tlog/set.ts toVerificationPayload).
 * - witness cosignatures: verify-checkpoint.ts.
 * - certificate validity: with a certificate (in the body or the bundle), every verified time of the
 *   entry (the SET's integratedTime; the earliest verified cosignature of its checkpoint) falls in its
 *   validity, inclusive (sigstore-go pkg/verify/tlog.go "integrated time outside certificate validity";
 *   sigstore-js key/certificate.ts validForDate at each verified timestamp). An unverified time proves
 *   nothing, so with none the claim is not checked.
 * - artifact digest: when the artifact's digests are given, the body logs one of them.
 * Pure: no Node or DOM APIs.
 * @module
 */
import { certificateValidity } from "../pki/validity.ts";
import { canonicalize } from "../rekor/jcs.ts";
import type { CosignatureVerifier } from "../tlog/cosignature.ts";
import { bytesEqual, fromBase64, fromHex, toBase64, toHex, utf8Encode } from "../tlog/encoding.ts";
import { MalformedError } from "../tlog/errors.ts";
import { hashLeaf, type Hash } from "../tlog/hash.ts";
import { checkInclusion } from "../tlog/proof.ts";
import { ClaimChecks, ClaimError, type ClaimCheck } from "./claims.ts";
import { entryFacts } from "../entry/facts.ts";
import {
  checkCosignatures,
  describeCosignatureReport,
  isV1CheckpointNote,
  openCheckpoint,
  type LogKey,
  type OpenedCheckpoint,
  type V1LogKey,
} from "./verify-checkpoint.ts";
import { describeWitnessedTime, witnessedTime } from "./witnessed-time.ts";
import type { Quorum } from "../witnessing/policy.ts";

export interface EntryProof {
  logIndex: number;
  treeSize: number;
  rootHash: Hash;
  hashes: Hash[];
  /** The signed checkpoint; absent is a failure, not a shape error. */
  checkpoint?: string;
}

/** One tlog entry as it claims things, whatever shape it came in. */
export interface LogEntryClaims {
  source: "v1 LogEntry" | "v2 TransparencyLogEntry" | "sigstore bundle";
  body: Uint8Array;
  logIndex: number;
  /** Hex log ID (v1 `logID`, v2 `logId.keyId` decoded). */
  logIdHex?: string;
  kindVersion?: { kind: string; version: string };
  integratedTime?: number;
  set?: Uint8Array;
  proof?: EntryProof;
  /** A v1 entry's UUID (64 hex, or 80: tree ID then leaf hash). */
  uuid?: string;
  /** Certificates of a bundle's verification material (the signer's first). */
  bundleCertificates: Uint8Array[];
}

const num = (v: unknown, what: string): number => {
  const n = typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0)
    throw new MalformedError(`${what} is not a non-negative integer`);
  return n;
};
const str = (v: unknown, what: string): string => {
  if (typeof v !== "string") throw new MalformedError(`${what} is missing`);
  return v;
};
const hashes = (v: unknown, decode: (s: string, what: string) => Uint8Array): Hash[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new MalformedError("inclusionProof.hashes is not a list");
  return v.map((h) => decode(str(h, "inclusionProof.hashes[]"), "inclusion proof hash"));
};

/** JSON that is none of the shapes an entry comes in (a usage error, where a malformed field of one is a lie). */
export class NotAnEntryError extends MalformedError {
  override name = "NotAnEntryError";
}

/**
 * Reads any of the supported shapes. @throws NotAnEntryError when it is none of them, MalformedError when
 * a field is malformed; a missing proof or checkpoint is left for verifyLogEntry to fail.
 */
export function parseLogEntry(json: unknown): LogEntryClaims {
  if (json === null || typeof json !== "object") throw new NotAnEntryError("expected a JSON object");
  const o = json as Record<string, any>;
  if (o.verificationMaterial !== undefined) {
    const vm = o.verificationMaterial ?? {};
    const e = Array.isArray(vm.tlogEntries) ? vm.tlogEntries[0] : undefined;
    if (!e) throw new MalformedError("the bundle has no tlog entry");
    const certs: unknown[] = vm.certificate ? [vm.certificate] : (vm.x509CertificateChain?.certificates ?? []);
    const bundleCertificates = certs.map((c) =>
      fromBase64(str((c as { rawBytes?: unknown })?.rawBytes, "certificate rawBytes"), "certificate"),
    );
    return { ...fromTle(e, "sigstore bundle"), bundleCertificates };
  }
  if (o.canonicalizedBody !== undefined) return fromTle(o, "v2 TransparencyLogEntry");
  const keys = Object.keys(o);
  if (keys.length === 1 && /^([0-9a-f]{16})?[0-9a-f]{64}$/.test(keys[0]!)) return fromV1(o[keys[0]!], keys[0]!);
  if (o.body !== undefined && o.logIndex !== undefined) return fromV1(o);
  throw new NotAnEntryError("not a Rekor v1 LogEntry, a Rekor v2 TransparencyLogEntry or a Sigstore bundle");
}

function fromV1(e: Record<string, any>, uuid?: string): LogEntryClaims {
  if (e === null || typeof e !== "object") throw new MalformedError("expected a LogEntry object");
  const p = e.verification?.inclusionProof;
  const set = e.verification?.signedEntryTimestamp;
  return {
    source: "v1 LogEntry",
    body: fromBase64(str(e.body, "body"), "body"),
    logIndex: num(e.logIndex, "logIndex"),
    logIdHex: typeof e.logID === "string" ? e.logID.toLowerCase() : undefined,
    integratedTime: e.integratedTime === undefined ? undefined : num(e.integratedTime, "integratedTime"),
    set: set === undefined ? undefined : fromBase64(str(set, "signedEntryTimestamp"), "signedEntryTimestamp"),
    proof: p
      ? {
          logIndex: num(p.logIndex, "inclusionProof.logIndex"),
          treeSize: num(p.treeSize, "inclusionProof.treeSize"),
          rootHash: fromHex(str(p.rootHash, "inclusionProof.rootHash"), "inclusionProof.rootHash"),
          hashes: hashes(p.hashes, fromHex),
          checkpoint: p.checkpoint === undefined ? undefined : str(p.checkpoint, "inclusionProof.checkpoint"),
        }
      : undefined,
    uuid: uuid?.toLowerCase(),
    bundleCertificates: [],
  };
}

function fromTle(e: Record<string, any>, source: LogEntryClaims["source"]): LogEntryClaims {
  if (e === null || typeof e !== "object") throw new MalformedError("expected a TransparencyLogEntry object");
  const p = e.inclusionProof;
  const set = e.inclusionPromise?.signedEntryTimestamp;
  const kv = e.kindVersion;
  const time = e.integratedTime === undefined ? 0 : num(e.integratedTime, "integratedTime");
  return {
    source,
    body: fromBase64(str(e.canonicalizedBody, "canonicalizedBody"), "canonicalizedBody"),
    logIndex: num(e.logIndex, "logIndex"),
    logIdHex:
      e.logId?.keyId === undefined ? undefined : toHex(fromBase64(str(e.logId.keyId, "logId.keyId"), "logId.keyId")),
    kindVersion:
      kv === undefined
        ? undefined
        : { kind: str(kv.kind, "kindVersion.kind"), version: str(kv.version, "kindVersion.version") },
    // Protobuf JSON omits a zero integratedTime: a Rekor v2 entry has none.
    integratedTime: time === 0 && set === undefined ? undefined : time,
    set: set === undefined ? undefined : fromBase64(str(set, "signedEntryTimestamp"), "signedEntryTimestamp"),
    proof: p
      ? {
          logIndex: num(p.logIndex, "inclusionProof.logIndex"),
          treeSize: num(p.treeSize, "inclusionProof.treeSize"),
          rootHash: fromBase64(str(p.rootHash, "inclusionProof.rootHash"), "inclusionProof.rootHash"),
          hashes: hashes(p.hashes, fromBase64),
          checkpoint:
            p.checkpoint?.envelope === undefined
              ? undefined
              : str(p.checkpoint.envelope, "inclusionProof.checkpoint.envelope"),
        }
      : undefined,
    bundleCertificates: [],
  };
}

export interface EntryTrust {
  /** The log's checkpoint keys (one per shard). */
  logKeys: readonly LogKey[];
  /** The log's Rekor v1 keys: SETs and v1 checkpoints. */
  v1Keys?: readonly V1LogKey[];
  witnesses?: readonly CosignatureVerifier[];
  /** At least this many of `witnesses` must have cosigned the entry's checkpoint, or a witness policy's quorum. */
  witnessQuorum?: number | Quorum;
  /** The artifact's digests `sha256:<hex>` (sha384:, sha512:): the entry must log one of them. */
  artifactDigests?: readonly string[];
  /** How the caller's user gives a v1 key, for the message when one is needed (e.g. "give --v1-key"). */
  v1KeyHint?: string;
}

export interface VerifiedEntry {
  checks: ClaimCheck[];
  /** Every check holds. */
  ok: boolean;
  /** The checkpoint, when its signature and origin verified. */
  checkpoint: OpenedCheckpoint | null;
}

/**
 * Verifies that `entry` is leaf `index` of the tree of `size` leaves with `root` (a checkpoint's, once opened with
 * openCheckpoint or a TileReader), by an RFC 6962 inclusion `proof`. @throws ProofError when it does not hold.
 */
export function verifyEntryInclusion(
  entry: Uint8Array,
  index: number,
  proof: readonly Hash[],
  tree: { size: number; root: Hash },
): void {
  checkInclusion(proof, index, tree.size, hashLeaf(entry), tree.root);
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");

/** Checks every claim the entry makes. Never throws for a claim that does not hold: that is a failed check. */
export function verifyLogEntry(e: LogEntryClaims, trust: EntryTrust): VerifiedEntry {
  const checks = new ClaimChecks();
  const v1Keys = trust.v1Keys ?? [];
  const facts = entryFacts(e.body);

  // A TransparencyLogEntry always names its kind and version (a v1 LogEntry never does).
  if (!e.kindVersion && e.source !== "v1 LogEntry") checks.fail("kind and version", "the entry has no kindVersion");
  if (e.kindVersion) {
    const claimed = e.kindVersion;
    checks.run("kind and version", () => {
      if (!facts.json) throw new Error("the canonical body is not a JSON object");
      const { kind, version } = facts;
      if (kind !== claimed.kind || version !== claimed.version)
        throw new Error(`the entry claims ${claimed.kind} ${claimed.version}, its body is ${kind} ${version}`);
      return `${kind} ${version}, as the body says`;
    });
  }

  const p = e.proof;
  const v1Entry =
    e.source === "v1 LogEntry" ||
    e.set !== undefined ||
    (p?.checkpoint !== undefined && isV1CheckpointNote(p.checkpoint));
  if (!p) {
    checks.fail("inclusion proof", "the entry has no inclusion proof");
  } else {
    checks.run("inclusion proof", () => {
      verifyEntryInclusion(e.body, p.logIndex, p.hashes, { size: p.treeSize, root: p.rootHash });
      return `leaf ${p.logIndex} is in the tree of size ${p.treeSize} with root ${toBase64(p.rootHash)}`;
    });
    checks.run("log index", () => {
      if (!v1Entry && e.logIndex !== p.logIndex)
        throw new Error(`the entry claims index ${e.logIndex}, its inclusion proof is for ${p.logIndex}`);
      if (v1Entry && e.logIndex < p.logIndex)
        throw new Error(
          `the entry claims index ${e.logIndex}, below its proof's index in the shard's tree (${p.logIndex})`,
        );
      return e.logIndex === p.logIndex
        ? `${e.logIndex}, the proof's`
        : `${e.logIndex} across the log's shards, ${p.logIndex} in the shard's tree`;
    });
  }

  let cp: OpenedCheckpoint | null = null;
  if (p && p.checkpoint === undefined)
    checks.fail("checkpoint signature", "the inclusion proof has no signed checkpoint");
  if (p?.checkpoint !== undefined) {
    const note = p.checkpoint;
    try {
      cp = openCheckpoint(note, trust.logKeys, v1Keys, { v1KeyHint: trust.v1KeyHint });
      checks.run(
        "checkpoint signature",
        () => `${cp!.origin}, size ${cp!.size}, signed by ${cp!.signer.name}${cp!.signer.v1 ? " (Rekor v1 key)" : ""}`,
      );
      checks.run("checkpoint origin", () => {
        if (cp!.v1TreeId !== undefined && e.uuid?.length === 80) {
          const treeHex = BigInt(cp!.v1TreeId).toString(16).padStart(16, "0");
          if (e.uuid.slice(0, 16) !== treeHex)
            throw new Error(
              `the entry's UUID names tree ${BigInt("0x" + e.uuid.slice(0, 16))}, its checkpoint is of tree ${cp!.v1TreeId}`,
            );
        }
        return cp!.v1TreeId !== undefined
          ? `"${cp!.origin}": ${cp!.signer.name}'s tree ${cp!.v1TreeId}`
          : `"${cp!.origin}", the signing key's name`;
      });
      const opened = cp;
      checks.run("tree size", () => {
        if (opened.size !== p.treeSize)
          throw new Error(
            `the proof is for a tree of size ${p.treeSize}, the signed checkpoint's size is ${opened.size}`,
          );
        return `${p.treeSize}, the signed checkpoint's`;
      });
      checks.run("root hash", () => {
        if (!bytesEqual(opened.root, p.rootHash))
          throw new Error(
            `the proof's root ${toBase64(p.rootHash)} is not the signed checkpoint's ${toBase64(opened.root)}`,
          );
        return `${toBase64(p.rootHash)}, the signed checkpoint's`;
      });
    } catch (err) {
      if (!(err instanceof ClaimError)) throw err;
      checks.fail(err.claim, err.detail);
    }
  }

  let setVerified = false;
  if (e.set) {
    const set = e.set;
    const key = v1Keys.find((k) => k.logIdHex === e.logIdHex);
    setVerified =
      checks.run("signed entry timestamp", () => {
        if (e.integratedTime === undefined) throw new Error("the entry has a SET but no integratedTime");
        if (e.logIdHex === undefined) throw new Error("the entry has a SET but no log ID");
        if (!key)
          throw new Error(
            v1Keys.length === 0
              ? `the entry has a SET; it needs the log's v1 key to be checked${trust.v1KeyHint ? ` (${trust.v1KeyHint})` : ""}`
              : `no given v1 key has the entry's log ID ${e.logIdHex}`,
          );
        const payload = canonicalize({
          body: toBase64(e.body),
          integratedTime: e.integratedTime,
          logID: e.logIdHex,
          logIndex: e.logIndex,
        });
        if (!key.verify(utf8Encode(payload), set))
          throw new Error("the SET does not verify over the entry's body, integratedTime, logID and logIndex");
        return {
          detail: `integratedTime ${e.integratedTime} (${iso(e.integratedTime)}), logIndex ${e.logIndex}`,
          value: true,
        };
      }) === true;
  }

  // The log ID names the key that vouches for the entry: the SET's (found by it above) and the checkpoint's.
  if (e.logIdHex !== undefined && cp !== null) {
    const signer = cp.signer;
    checks.run("log ID", () => {
      if (signer.logIdHex === undefined) return `${e.logIdHex} (not compared: the checkpoint key's log ID is unknown)`;
      if (signer.logIdHex !== e.logIdHex)
        throw new Error(
          `the entry claims log ID ${e.logIdHex}, its checkpoint is signed by the key of log ID ${signer.logIdHex}`,
        );
      return `${e.logIdHex}, the checkpoint key's`;
    });
  }

  let cosignedAt: number | undefined;
  const witnesses = trust.witnesses ?? [];
  const quorum = trust.witnessQuorum ?? 0;
  if (p?.checkpoint !== undefined) {
    const note = p.checkpoint;
    let report;
    try {
      report = checkCosignatures(note, trust.logKeys, witnesses, quorum);
    } catch (err) {
      if (!(err instanceof ClaimError)) throw err;
      checks.fail(err.claim, err.detail);
    }
    if (report && (report.present.length > 0 || witnesses.length > 0 || report.quorum > 0)) {
      checks.run("witness cosignatures", () => describeCosignatureReport(report));
      const witnessed = cp ? witnessedTime(report, cp.size) : null;
      if (witnessed) {
        cosignedAt = witnessed.time;
        checks.run("time from witnesses", () => describeWitnessedTime(witnessed));
      }
    }
  }

  const certificates = [
    ...facts.signers.flatMap((s) => (s.certificateDer ? [s.certificateDer] : [])),
    ...e.bundleCertificates,
  ];
  if (certificates.length > 0) {
    const times: [string, number][] = [];
    if (setVerified) times.push(["integrated", e.integratedTime!]);
    if (cosignedAt !== undefined) times.push(["cosigned", cosignedAt]);
    if (times.length === 0) {
      checks.notChecked(
        "certificate validity",
        "no verified time to check it at (no SET, no verified witness cosignature)",
      );
    } else {
      checks.run("certificate validity", () => {
        for (const der of certificates) {
          const { notBefore, notAfter } = certificateValidity(der);
          for (const [what, t] of times) {
            if (t * 1000 < notBefore || t * 1000 > notAfter)
              throw new Error(
                `${what} at ${iso(t)}, outside the certificate's validity ${iso(notBefore / 1000)} to ${iso(notAfter / 1000)}`,
              );
          }
        }
        return times.map(([what, t]) => `${what} at ${iso(t)}`).join(", ") + ", within the certificate's validity";
      });
    }
  }

  if (trust.artifactDigests) {
    const wanted = new Set(trust.artifactDigests.map((d) => d.toLowerCase()));
    checks.run("artifact digest", () => {
      const logged = facts.digests;
      const found = logged.find((d) => wanted.has(d.value));
      if (!found)
        throw new Error(`the entry logs ${logged.map((d) => d.value).join(", ") || "no digest"}, not this artifact's`);
      return `the entry logs this artifact's digest (${found.label} ${found.value})`;
    });
  }

  return { checks: checks.list, ok: checks.failed.length === 0, checkpoint: cp };
}
