/**
 * Opening a checkpoint as every verifier must before it believes anything the checkpoint says: the
 * signature by a key the verifier trusts, the origin that key's name, and the witness cosignatures on it.
 *
 * - A C2SP checkpoint (Rekor v2, edgelog): signed with the log's Ed25519 key, whose name must BE the
 *   origin. Rekor v2 verifiers get this from transparency-dev/formats `log.ParseCheckpoint(envelope,
 *   verifier.Name(), verifier)` (sigstore/rekor-tiles pkg/verify/verify.go VerifyCheckpoint), which
 *   refuses any other origin.
 * - A Rekor v1 checkpoint: origin `<name> - <decimal tree ID>` (the shape sigstore-go tells a v1 tree
 *   head by: pkg/verify/tlog.go `treeIDSuffixRegex = ".* - [0-9]+$"`), signed by the log's v1 ECDSA key
 *   under `<name>` with key hint SHA-256(SPKI)[:4] (Rekor pkg/util/signed_note.go). Rekor's own check
 *   (pkg/verify VerifyCheckpointSignature) stops at the signature; here the origin must also be
 *   `<signer's name> - <tree ID>`, and an entry's UUID must carry that tree ID (verify-entry.ts).
 * - Witness cosignatures (C2SP tlog-cosignature, Ed25519 or ML-DSA-44): every signature that is not the
 *   log's is listed; the ones by a given witness key must verify, and those that verify must meet the quorum:
 *   at least k of the keys, or a C2SP tlog-policy quorum (src/witnessing/policy.ts).
 * Pure: runs in Node (CLI, monitor), the browser (explorer) and workerd.
 * @module
 */
import { parseCheckpoint, type Checkpoint } from "../tlog/checkpoint.ts";
import { verifyCosignatures, type CosignatureVerifier } from "../tlog/cosignature.ts";
import { bytesEqual, fromBase64, fromHex, toHex } from "../tlog/encoding.ts";
import { sha256Bytes } from "../tlog/hash.ts";
import {
  ALG_ED25519,
  keyHash,
  newVerifier,
  openNote,
  parseNote,
  parseVerifierKey,
  type NoteVerifier,
} from "../tlog/note.ts";
import { p256 } from "@noble/curves/nist.js";
import { describeQuorum, quorumMet, quorumSize, type Quorum } from "../witnessing/policy.ts";
import { ClaimError } from "./claims.ts";

/** A log's checkpoint key, with the log ID entries signed by it carry (Rekor v2 `logId.keyId`, hex), when known. */
export interface LogKey extends NoteVerifier {
  logIdHex?: string;
}

/** A checkpoint key from its vkey `<name>+<id>+<base64>`; its log ID is the C2SP key hash. */
export function logKey(vkey: string): LogKey {
  const { name, publicKey } = parseVerifierKey(vkey);
  return { ...newVerifier(vkey), logIdHex: toHex(keyHash(name, ALG_ED25519, publicKey)) };
}

/** A Rekor v1 log key (ECDSA P-256): SETs and v1 checkpoints. Log ID = hex SHA-256(DER SPKI). */
export interface V1LogKey {
  logIdHex: string;
  /** Verifies a DER ECDSA signature over SHA-256(message). */
  verify(message: Uint8Array, derSig: Uint8Array): boolean;
}

/** DER SubjectPublicKeyInfo prefix of an uncompressed P-256 point (RFC 5480). */
const P256_SPKI_PREFIX = fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

/** The PEM blocks of a text, [label, DER]: finds them among other text (a key file may carry comments). */
function pemBlocks(text: string): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    try {
      const der = fromBase64(m[2]!.replace(/\s+/g, ""));
      if (der.length > 0) out.push([m[1]!, der]);
    } catch {
      // not base64: not a block
    }
  }
  return out;
}

/**
 * A v1 key from its PEM (or DER) SubjectPublicKeyInfo. Rekor's v1 keys are ECDSA P-256, and sigstore-go
 * verifies SETs with ECDSA only (pkg/tlog/entry.go VerifySET); the key is read by its fixed DER shape, so the
 * explorer's bundle needs no ASN.1 library. @throws TypeError for anything else.
 */
export function v1LogKey(pemOrDer: string | Uint8Array): V1LogKey {
  const spki =
    typeof pemOrDer === "string" ? pemBlocks(pemOrDer).find(([label]) => label === "PUBLIC KEY")?.[1] : pemOrDer;
  if (
    !spki ||
    spki.length !== P256_SPKI_PREFIX.length + 65 ||
    !bytesEqual(spki.subarray(0, P256_SPKI_PREFIX.length), P256_SPKI_PREFIX)
  ) {
    throw new TypeError("a Rekor v1 log key is an ECDSA P-256 public key (PEM or DER SubjectPublicKeyInfo)");
  }
  const point = spki.subarray(P256_SPKI_PREFIX.length);
  return {
    logIdHex: toHex(sha256Bytes(spki)),
    verify(message, derSig) {
      try {
        // ASN.1 DER over SHA-256, high S accepted: Go's ecdsa.VerifyASN1, as sigstore-go VerifySET calls it.
        return p256.verify(derSig, sha256Bytes(message), point, { prehash: false, lowS: false, format: "der" });
      } catch {
        return false;
      }
    },
  };
}

export interface OpenedCheckpoint extends Checkpoint {
  /** The signed note as given. */
  note: string;
  /** The trusted key that signed it. */
  signer: { name: string; keyId: number; logIdHex?: string; v1: boolean };
  /** The tree ID of a Rekor v1 checkpoint (decimal, from its origin). */
  v1TreeId?: string;
}

/** `<name> - <decimal tree ID>`: the origin of a Rekor v1 checkpoint. */
const V1_ORIGIN = /^(.+) - ([0-9]+)$/;

/** Whether a checkpoint note has the Rekor v1 shape (its origin names a tree ID). */
export function isV1CheckpointNote(note: string): boolean {
  return V1_ORIGIN.test(note.slice(0, note.indexOf("\n")));
}

export interface OpenOptions {
  /** Added to the failure when a Rekor v1 checkpoint cannot be checked for want of a v1 key (e.g. "give --v1-key"). */
  v1KeyHint?: string;
}

/**
 * Verifies the note's signature by one of the keys and the origin against that key's name.
 * @throws ClaimError ("checkpoint signature" or "checkpoint origin").
 */
export function openCheckpoint(
  note: string,
  logKeys: readonly LogKey[],
  v1Keys: readonly V1LogKey[] = [],
  opts: OpenOptions = {},
): OpenedCheckpoint {
  const sign = (why: string) => new ClaimError("checkpoint signature", why);
  let sigs;
  try {
    sigs = parseNote(note).sigs;
  } catch (e) {
    throw sign((e as Error).message);
  }
  const v1Shape = isV1CheckpointNote(note);
  // A v1 key's note verifier takes the name of each signature line: the name is then held to the origin below.
  const v1Verifiers = sigs.flatMap((s) =>
    v1Keys
      .filter((k) => parseInt(k.logIdHex.slice(0, 8), 16) >>> 0 === s.keyId)
      .map((k) => ({ name: s.name, keyId: s.keyId, verify: k.verify, logIdHex: k.logIdHex, v1: true })),
  );
  const verifiers = [...logKeys.map((k) => ({ ...k, v1: false })), ...v1Verifiers];
  let opened;
  try {
    opened = openNote(note, verifiers);
  } catch (e) {
    const why = (e as Error).message;
    throw sign(
      v1Shape && v1Keys.length === 0
        ? `${why}: this is a Rekor v1 checkpoint, signed with the log's v1 key${opts.v1KeyHint ? ` (${opts.v1KeyHint})` : ""}`
        : why,
    );
  }
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint(opened.text);
  } catch (e) {
    throw sign((e as Error).message);
  }
  const first = opened.sigs[0]!;
  const key = verifiers.find((v) => v.name === first.name && v.keyId === first.keyId)!;
  const v1Origin = V1_ORIGIN.exec(cp.origin);
  const out: OpenedCheckpoint = {
    ...cp,
    note,
    signer: { name: key.name, keyId: key.keyId, logIdHex: key.logIdHex, v1: key.v1 },
  };
  if (key.v1) {
    if (!v1Origin)
      throw new ClaimError(
        "checkpoint origin",
        `a Rekor v1 key signed a checkpoint whose origin "${cp.origin}" is not "<name> - <tree ID>"`,
      );
    if (v1Origin[1] !== key.name)
      throw new ClaimError(
        "checkpoint origin",
        `the origin "${cp.origin}" is not that of ${key.name}, whose key signed it`,
      );
    out.v1TreeId = v1Origin[2];
  } else if (cp.origin !== key.name) {
    throw new ClaimError(
      "checkpoint origin",
      `the origin "${cp.origin}" is not the name of the key that signed it (${key.name})`,
    );
  }
  return out;
}

export interface PresentCosignature {
  name: string;
  keyId: string;
  /** verified: by a given witness key; invalid: a given key's signature that fails; unchecked: no key given for it. */
  status: "verified" | "invalid" | "unchecked";
  /** When the witness cosigned (verified ones), RFC 3339. */
  time?: string;
  /** The same, Unix seconds. */
  timestamp?: number;
}

export interface CosignatureReport {
  present: PresentCosignature[];
  verified: number;
  /** The fewest cosignatures that can meet the quorum. */
  quorum: number;
  /** A witness policy's quorum in words (`2 of (X, 1 of (Y1, Y2))`), null for k of the given keys. */
  rule: string | null;
  /** Why the cosignatures do not satisfy the witness keys and quorum (an invalid one, or fewer than the quorum), or null. */
  failure: string | null;
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

/**
 * Reports the cosignatures on `note`: every signature that is not the log's (by `logKeys`, or named
 * like the origin: `<origin>`, or `<name>` for a Rekor v1 origin `<name> - <tree ID>`).
 * @throws MalformedError when the note does not parse.
 */
export function cosignatureReport(
  note: string,
  logKeys: readonly NoteVerifier[],
  witnesses: readonly CosignatureVerifier[],
  quorum: number | Quorum,
): CosignatureReport {
  const n = parseNote(note);
  const origin = n.text.split("\n")[0]!;
  const isLogs = (name: string, keyId: number) =>
    name === origin || origin.startsWith(`${name} - `) || logKeys.some((v) => v.name === name && v.keyId === keyId);
  const others = n.sigs.filter((s) => !isLogs(s.name, s.keyId));
  const { valid, invalid } = verifyCosignatures(n.text, others, witnesses);
  const present = others.map((s): PresentCosignature => {
    const ok = valid.find((v) => v.name === s.name && v.keyId === s.keyId);
    if (ok)
      return {
        name: s.name,
        keyId: hex8(s.keyId),
        status: "verified",
        time: new Date(ok.timestamp * 1000).toISOString(),
        timestamp: ok.timestamp,
      };
    const bad = invalid.some((v) => v.name === s.name && v.keyId === s.keyId);
    return { name: s.name, keyId: hex8(s.keyId), status: bad ? "invalid" : "unchecked" };
  });
  // One witness key counts once, however many lines it has.
  const verified = new Set(valid.map((v) => `${v.name}+${v.keyId}`)).size;
  const cosigned = (v: CosignatureVerifier) => valid.some((c) => c.name === v.name && c.keyId === v.keyId);
  const rule = typeof quorum === "number" ? null : quorum;
  const size = typeof quorum === "number" ? quorum : quorumSize(quorum);
  let failure: string | null = null;
  if (invalid.length > 0) failure = `invalid cosignature by ${invalid.map((c) => c.name).join(", ")}`;
  else if (rule ? !quorumMet(rule, (w) => cosigned(w.verifier)) : verified < size) {
    const missing = witnesses.filter((v) => !cosigned(v)).map((v) => v.name);
    failure = rule
      ? `the verified cosignatures (${verified}) do not meet the witness policy's quorum ${describeQuorum(rule)} (missing: ${missing.join(", ")})`
      : `only ${verified} of the ${size} required witness cosignatures verify (missing: ${missing.join(", ")})`;
  }
  return { present, verified, quorum: size, rule: rule && describeQuorum(rule), failure };
}

/** One line summing up a report that has no failure. */
export function describeCosignatureReport(r: CosignatureReport): string {
  const verified = r.present.filter((c) => c.status === "verified").map((c) => c.name);
  const unchecked = r.present.filter((c) => c.status === "unchecked").length;
  return `${r.present.length} present${verified.length > 0 ? `, verified: ${verified.join(", ")}` : ""}${unchecked > 0 ? `, ${unchecked} not checked (no witness key)` : ""}${r.quorum > 0 ? `; quorum ${r.rule ?? r.quorum} met` : ""}`;
}

/**
 * Checks the cosignatures of a checkpoint a verifier shows or uses. @throws ClaimError ("witness cosignatures")
 * when one by a given witness key fails or fewer than `quorum` verify.
 */
export function checkCosignatures(
  note: string,
  logKeys: readonly NoteVerifier[],
  witnesses: readonly CosignatureVerifier[],
  quorum: number | Quorum,
): CosignatureReport {
  let r: CosignatureReport;
  try {
    r = cosignatureReport(note, logKeys, witnesses, quorum);
  } catch (e) {
    throw new ClaimError("witness cosignatures", (e as Error).message);
  }
  if (r.failure !== null) throw new ClaimError("witness cosignatures", r.failure);
  return r;
}
