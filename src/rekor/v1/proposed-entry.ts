/**
 * Rekor v1 ProposedEntry → canonical leaf: `JCS({apiVersion, kind, spec: Canonicalize()})`
 * (rekor-api.md §2.6). Supported: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2 — the v1 kinds
 * sigstore-js and sigstore-go produce and verify — and rekord 0.0.1 (PGP, minisign, X.509 and SSH signatures
 * over inline data).
 * @module
 */
import { utf8Encode } from "../../tlog/encoding.ts";
import { RequestError } from "../errors.ts";
import { canonicalize } from "../jcs.ts";
import { obj, str } from "./json.ts";
import { canonicalizeDsse } from "./types/dsse.ts";
import { canonicalizeHashedRekord } from "./types/hashedrekord.ts";
import { canonicalizeIntoto } from "./types/intoto.ts";
import { canonicalizeRekord, DEFAULT_REKORD_MAX_DATA_BYTES, type RekordOptions } from "./types/rekord.ts";

export interface V1CanonicalEntry {
  kind: string;
  apiVersion: string;
  body: Uint8Array;
}

/**
 * Limits of entry types that take more than keys and signatures (src/config.ts), when certificates must be valid,
 * and the request's signature verification budget (shared by every entry of one retrieve; a fresh one per entry
 * when absent).
 */
export type CanonicalizeOptions = RekordOptions;

const TYPES: Record<string, (spec: unknown, options: CanonicalizeOptions) => Promise<Record<string, unknown>>> = {
  "hashedrekord/0.0.1": canonicalizeHashedRekord,
  "dsse/0.0.1": canonicalizeDsse,
  "intoto/0.0.2": canonicalizeIntoto,
  "rekord/0.0.1": canonicalizeRekord,
};

export async function canonicalizeProposedEntry(
  json: unknown,
  options: CanonicalizeOptions = { maxDataBytes: DEFAULT_REKORD_MAX_DATA_BYTES },
): Promise<V1CanonicalEntry> {
  const e = obj(json, ["apiVersion", "kind", "spec"], "entry");
  const kind = str(e, "kind", "entry");
  const apiVersion = str(e, "apiVersion", "entry");
  const type = TYPES[`${kind}/${apiVersion}`];
  if (!type)
    throw new RequestError(
      `unsupported entry type ${kind} ${apiVersion}; supported: ${Object.keys(TYPES).join(", ").replace(/\//g, " ")}`,
    );
  const spec = await type(e.spec, options);
  return { kind, apiVersion, body: utf8Encode(canonicalize({ apiVersion, kind, spec })) };
}
