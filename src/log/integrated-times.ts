/**
 * Rekor v1 needs each entry's integratedTime on reads. edgelog keeps it with the entry bundle, as
 * R2 custom metadata `integrated-times` on the (write-once) bundle object: no extra object, no
 * extra write. All entries of a round share its time, so the list is run-length encoded:
 * "<offset>:<unix seconds>,..." where each run starts at bundle offset <offset>. A bundle has at most
 * 256 runs of at most 15 characters: well under R2's 8 KiB metadata limit.
 *
 * R2 metadata is not covered by the checkpoint, and the edge signs Signed Entry Timestamps over these
 * times: so the sequencer signs each bundle's times with the log's Ed25519 key (metadata
 * `integrated-times-sig`), bound to the log's origin and the bundle's position, and the edge checks
 * that signature before it uses a time. Whoever can write R2 but does not hold the log key cannot
 * backdate an entry. The bundle's content needs no binding: the checkpoint's tree fixes it.
 * @module
 */
import { ed25519VerifyNative } from "../tlog/ed25519.ts";
import { fromBase64, toBase64, utf8Encode } from "../tlog/encoding.ts";
import { MalformedError } from "../tlog/errors.ts";
import type { NoteSigner } from "../tlog/note.ts";

export const INTEGRATED_TIMES_METADATA = "integrated-times";
export const INTEGRATED_TIMES_SIGNATURE_METADATA = "integrated-times-sig";

/** Where a bundle sits: its log and its tile coordinates (index, width). */
export interface BundlePosition {
  origin: string;
  index: number;
  width: number;
}

/**
 * The signed statement. Its first line is no origin and its second no tree size, so no note or
 * checkpoint verifier can take it for a checkpoint signed with the same key.
 */
function statement(pos: BundlePosition, encoded: string): Uint8Array {
  return utf8Encode(`edgelog integrated-times v1\n${pos.origin}\n${pos.index}\n${pos.width}\n${encoded}\n`);
}

/** The bundle metadata: the times and the log's signature over them (native where the signer has it). */
export async function signedIntegratedTimes(
  times: readonly number[],
  pos: BundlePosition,
  signer: Pick<NoteSigner, "sign" | "signAsync">,
): Promise<Record<string, string>> {
  const encoded = encodeIntegratedTimes(times);
  const message = statement(pos, encoded);
  const sig = signer.signAsync ? await signer.signAsync(message) : signer.sign(message);
  return { [INTEGRATED_TIMES_METADATA]: encoded, [INTEGRATED_TIMES_SIGNATURE_METADATA]: toBase64(sig) };
}

/** The times of a bundle, once their signature by the log's key checks out; otherwise throws. */
export async function verifiedIntegratedTimes(
  metadata: Record<string, string> | undefined,
  pos: BundlePosition,
  publicKey: Uint8Array,
): Promise<string> {
  const encoded = metadata?.[INTEGRATED_TIMES_METADATA];
  const sig = metadata?.[INTEGRATED_TIMES_SIGNATURE_METADATA];
  if (encoded === undefined || sig === undefined)
    throw new MalformedError(`bundle ${pos.index}/${pos.width} carries no signed integrated times`);
  let ok = false;
  try {
    ok = await ed25519VerifyNative(fromBase64(sig), statement(pos, encoded), publicKey);
  } catch {
    ok = false; // malformed base64
  }
  if (!ok)
    throw new MalformedError(`the integrated times of bundle ${pos.index}/${pos.width} are not signed by the log`);
  return encoded;
}

export function encodeIntegratedTimes(times: readonly number[]): string {
  const runs: string[] = [];
  times.forEach((t, i) => {
    if (i === 0 || t !== times[i - 1]) runs.push(`${i}:${t}`);
  });
  return runs.join(",");
}

/** The time of the entry at `offset` in the bundle. */
export function integratedTimeAt(encoded: string, offset: number): number {
  let time: number | undefined;
  for (const run of encoded.split(",")) {
    const m = /^(\d+):(\d+)$/.exec(run);
    if (!m) throw new MalformedError("malformed integrated-times metadata");
    if (Number(m[1]) > offset) break;
    time = Number(m[2]);
  }
  if (time === undefined) throw new MalformedError("no integrated time for this entry");
  return time;
}
