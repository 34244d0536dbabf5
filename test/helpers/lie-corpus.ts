// The lie corpus: from a valid entry (a Rekor v1 LogEntry, a Rekor v2 TransparencyLogEntry or a Sigstore
// bundle), mutants that each change ONE claim, and the claim a verifier must name when it refuses it.
// Some lies need a key to be told well (a checkpoint re-signed with a changed root, a SET re-signed over a
// time outside the certificate's validity): the key holder lying. Those take the signers; without them
// (real data) the mutant is the unsigned change, which the signature check refuses.
import { canonicalize } from "../../src/rekor/jcs.ts";
import type { Claim } from "../../src/client/claims.ts";
import { formatCheckpoint, parseCheckpoint } from "../../src/tlog/checkpoint.ts";
import type { CosignatureSigner } from "../../src/tlog/cosignature.ts";
import { fromBase64, fromHex, toBase64, toHex, utf8Encode } from "../../src/tlog/encoding.ts";
import { formatNote, parseNote, signNote, type NoteSigner } from "../../src/tlog/note.ts";

export type Shape = "v1 LogEntry" | "v2 TransparencyLogEntry" | "sigstore bundle";

export function shapeOf(json: any): Shape {
  if (json.verificationMaterial) return "sigstore bundle";
  if (json.canonicalizedBody) return "v2 TransparencyLogEntry";
  return "v1 LogEntry";
}

/** The fields a mutant changes, the same whatever the shape (bytes decoded, numbers as numbers). */
interface Fields {
  logIndex: number;
  proofIndex: number;
  treeSize: number;
  rootHash: Uint8Array;
  hashes: Uint8Array[];
  checkpoint: string | undefined;
  body: Uint8Array;
  kindVersion?: { kind: string; version: string };
  integratedTime?: number;
  logIdHex?: string;
  set?: Uint8Array;
}

function read(json: any): Fields {
  if (shapeOf(json) === "v1 LogEntry") {
    const e = Object.values(json)[0] as any;
    const p = e.verification.inclusionProof;
    return {
      logIndex: e.logIndex,
      proofIndex: p.logIndex,
      treeSize: p.treeSize,
      rootHash: fromHex(p.rootHash),
      hashes: p.hashes.map((h: string) => fromHex(h)),
      checkpoint: p.checkpoint,
      body: fromBase64(e.body),
      integratedTime: e.integratedTime,
      logIdHex: e.logID,
      set: fromBase64(e.verification.signedEntryTimestamp),
    };
  }
  const e = shapeOf(json) === "sigstore bundle" ? json.verificationMaterial.tlogEntries[0] : json;
  const p = e.inclusionProof;
  return {
    logIndex: Number(e.logIndex),
    proofIndex: Number(p.logIndex),
    treeSize: Number(p.treeSize),
    rootHash: fromBase64(p.rootHash),
    hashes: p.hashes.map((h: string) => fromBase64(h)),
    checkpoint: p.checkpoint?.envelope,
    body: fromBase64(e.canonicalizedBody),
    kindVersion: e.kindVersion,
    integratedTime: e.integratedTime === undefined ? undefined : Number(e.integratedTime),
    logIdHex: e.logId ? toHex(fromBase64(e.logId.keyId)) : undefined,
    set: e.inclusionPromise ? fromBase64(e.inclusionPromise.signedEntryTimestamp) : undefined,
  };
}

function write(json: any, f: Fields): any {
  const out = structuredClone(json);
  if (shapeOf(json) === "v1 LogEntry") {
    const e = Object.values(out)[0] as any;
    const p = e.verification.inclusionProof;
    Object.assign(e, {
      logIndex: f.logIndex,
      body: toBase64(f.body),
      integratedTime: f.integratedTime,
      logID: f.logIdHex,
    });
    e.verification.signedEntryTimestamp = toBase64(f.set!);
    Object.assign(p, {
      logIndex: f.proofIndex,
      treeSize: f.treeSize,
      rootHash: toHex(f.rootHash),
      hashes: f.hashes.map(toHex),
      checkpoint: f.checkpoint,
    });
    if (f.checkpoint === undefined) delete p.checkpoint;
    return out;
  }
  const e = shapeOf(json) === "sigstore bundle" ? out.verificationMaterial.tlogEntries[0] : out;
  Object.assign(e, { logIndex: String(f.logIndex), canonicalizedBody: toBase64(f.body) });
  if (f.kindVersion) e.kindVersion = f.kindVersion;
  if (f.integratedTime !== undefined) e.integratedTime = String(f.integratedTime);
  if (f.logIdHex !== undefined) e.logId = { keyId: toBase64(fromHex(f.logIdHex)) };
  if (f.set) e.inclusionPromise = { signedEntryTimestamp: toBase64(f.set) };
  Object.assign(e.inclusionProof, {
    logIndex: String(f.proofIndex),
    treeSize: String(f.treeSize),
    rootHash: toBase64(f.rootHash),
    hashes: f.hashes.map(toBase64),
  });
  if (f.checkpoint === undefined) delete e.inclusionProof.checkpoint;
  else e.inclusionProof.checkpoint = { envelope: f.checkpoint };
  return out;
}

/** The keys a lying log (or witness) holds: with them, a mutant re-signs what it changed. */
export interface LiarKeys {
  /** Signs checkpoints as the log (Ed25519 note signer, or the v1 ECDSA one for v1 checkpoints). */
  checkpoint?: (checkpointText: string, v1: boolean) => string;
  /** Signs a SET payload (DER ECDSA). */
  set?: (payload: Uint8Array) => Uint8Array;
  /** Cosigns as the witness at a time. */
  witness?: CosignerAt;
}
export type CosignerAt = { signer: CosignatureSigner };

export interface Mutant {
  /** What was changed. */
  lie: string;
  /** A verifier must refuse it naming one of these claims. */
  claims: Claim[];
  json: any;
}

const flip = (b: Uint8Array, at = 0): Uint8Array => {
  const c = b.slice();
  c[at % c.length]! ^= 0x01;
  return c;
};

/** The checkpoint text with one field changed. */
function rewrite(note: string, change: (cp: ReturnType<typeof parseCheckpoint>) => void): string {
  const cp = parseCheckpoint(parseNote(note).text);
  change(cp);
  return formatCheckpoint(cp);
}

const V1_ORIGIN = / - [0-9]+$/;

/** Every one-claim mutant of `json` that applies to its shape. `certificateValidity`: the signer's certificate's [notBefore, notAfter] in seconds, for the time lies. */
export function mutants(json: any, keys: LiarKeys = {}, certificateValidity?: [number, number]): Mutant[] {
  const f = read(json);
  const out: Mutant[] = [];
  const add = (lie: string, claims: Claim[], change: (g: Fields) => void) => {
    const g: Fields = structuredClone(f);
    change(g);
    out.push({ lie, claims, json: write(json, g) });
  };
  const v1 = f.checkpoint !== undefined && V1_ORIGIN.test(f.checkpoint.slice(0, f.checkpoint.indexOf("\n")));
  const reSign = (text: string) => keys.checkpoint!(text, v1);

  add("entry log index + 1", f.set ? ["signed entry timestamp", "log index"] : ["log index"], (g) => (g.logIndex += 1));
  if (f.logIndex > 0 && f.set)
    add(
      "entry log index - 1 (below the proof's)",
      ["log index", "signed entry timestamp"],
      (g) => (g.logIndex = g.proofIndex - 1),
    );
  add("proof log index + 1", ["inclusion proof", "log index"], (g) => (g.proofIndex = (g.proofIndex + 1) % g.treeSize));
  add("proof tree size + 1", ["tree size"], (g) => (g.treeSize += 1));
  add("proof root hash byte", ["root hash"], (g) => (g.rootHash = flip(g.rootHash)));
  if (f.hashes.length > 0) add("proof hash byte", ["inclusion proof"], (g) => (g.hashes[0] = flip(g.hashes[0]!, 7)));
  add("body byte", ["inclusion proof"], (g) => {
    const text = new TextDecoder().decode(g.body);
    const at = text.indexOf('"spec"');
    g.body = utf8Encode(text.slice(0, at) + '"sPec"' + text.slice(at + 6));
  });
  if (f.kindVersion)
    add("kindVersion version", ["kind and version"], (g) => (g.kindVersion = { ...g.kindVersion!, version: "0.0.9" }));
  if (f.kindVersion)
    add(
      "kindVersion kind",
      ["kind and version"],
      (g) => (g.kindVersion = { ...g.kindVersion!, kind: g.kindVersion!.kind === "dsse" ? "hashedrekord" : "dsse" }),
    );
  add("no inclusion proof's checkpoint", ["checkpoint signature"], (g) => (g.checkpoint = undefined));
  if (f.checkpoint !== undefined) {
    const note = f.checkpoint;
    const parsed = parseNote(note);
    const origin = parsed.text.slice(0, parsed.text.indexOf("\n"));
    const isLogs = (name: string) => name === origin || origin.startsWith(`${name} - `);
    add("checkpoint signature byte", ["checkpoint signature"], (g) => {
      g.checkpoint = formatNote({
        text: parsed.text,
        sigs: parsed.sigs.map((x) => (isLogs(x.name) ? { ...x, sig: flip(x.sig, 5) } : x)),
      });
    });
    add(
      "checkpoint origin (unsigned)",
      ["checkpoint signature"],
      (g) =>
        (g.checkpoint = formatNote({ text: rewrite(note, (cp) => (cp.origin = `x${cp.origin}`)), sigs: parsed.sigs })),
    );
    if (keys.checkpoint) {
      add(
        "checkpoint root (re-signed)",
        ["root hash"],
        (g) => (g.checkpoint = reSign(rewrite(note, (cp) => (cp.root = flip(cp.root))))),
      );
      add(
        "checkpoint size (re-signed)",
        ["tree size"],
        (g) => (g.checkpoint = reSign(rewrite(note, (cp) => (cp.size += 1)))),
      );
      add(
        "checkpoint origin (re-signed)",
        ["checkpoint origin"],
        (g) =>
          (g.checkpoint = reSign(
            rewrite(note, (cp) => (cp.origin = v1 ? cp.origin.replace(/^[^ ]+/, "other.example") : "other.example")),
          )),
      );
      if (v1 && shapeOf(json) === "v1 LogEntry" && Object.keys(json)[0]!.length === 80) {
        add(
          "v1 checkpoint tree ID (re-signed)",
          ["checkpoint origin"],
          (g) => (g.checkpoint = reSign(rewrite(note, (cp) => (cp.origin = cp.origin.replace(/[0-9]+$/, "12345"))))),
        );
      }
    }
    const cosigIndex = parsed.sigs.findIndex((s) => !isLogs(s.name));
    if (cosigIndex >= 0) {
      add(
        "cosignature byte",
        ["witness cosignatures"],
        (g) =>
          (g.checkpoint = formatNote({
            text: parsed.text,
            sigs: parsed.sigs.map((s, i) => (i === cosigIndex ? { ...s, sig: flip(s.sig, 20) } : s)),
          })),
      );
      if (keys.witness && certificateValidity) {
        const late = certificateValidity[1] + 3600;
        add("cosigned after the certificate expired (re-cosigned)", ["certificate validity"], (g) => {
          const line = keys.witness!.signer.cosignLine(parsed.text, late);
          g.checkpoint = formatNote({ text: parsed.text, sigs: parsed.sigs.filter((_, i) => i !== cosigIndex) }) + line;
        });
      }
    }
  }
  if (f.set) {
    add("SET integratedTime + 1", ["signed entry timestamp"], (g) => (g.integratedTime! += 1));
    add("SET logID", ["signed entry timestamp", "log ID"], (g) => (g.logIdHex = toHex(flip(fromHex(g.logIdHex!)))));
    add("SET signature byte", ["signed entry timestamp"], (g) => (g.set = flip(g.set!, 10)));
    if (keys.set && certificateValidity) {
      const late = certificateValidity[1] + 3600;
      add("integrated after the certificate expired (SET re-signed)", ["certificate validity"], (g) => {
        g.integratedTime = late;
        g.set = keys.set!(
          utf8Encode(
            canonicalize({ body: toBase64(g.body), integratedTime: late, logID: g.logIdHex, logIndex: g.logIndex }),
          ),
        );
      });
    }
  } else if (f.logIdHex !== undefined) {
    add("log ID", ["log ID"], (g) => (g.logIdHex = toHex(flip(fromHex(g.logIdHex!)))));
  }
  return out;
}

/** A checkpoint re-signer for `v1` or C2SP notes. */
export function checkpointSigner(c2sp: NoteSigner, v1?: NoteSigner): (text: string, v1Note: boolean) => string {
  return (text, v1Note) => signNote(text, [v1Note ? v1! : c2sp]);
}
