/**
 * Rekor v1 `POST /api/v1/index/retrieve` (rekor openapi.yaml SearchIndex; rekor-api.md §2.1): entry
 * UUIDs (80 hex: the shard's tree ID + leaf hash) of the entries with a given artifact hash, signer
 * email and/or public key, across every shard, combined with `operator` "or" (the default) or "and".
 * Answers from the D1 index alone (no proofs: clients fetch each entry by UUID, as with Rekor).
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { SignatureError } from "../pki/errors.ts";
import { publicKeyIndexKey, type PublicKeyFormat } from "../search/rekord-keys.ts";
import { SelectorError, digestSelector, emailSelector } from "../search/selectors.ts";
import { treeIdHex } from "../rekor/v1/signing-key.ts";
import { shardV1Key } from "../log/v1-shards.ts";
import { fromBase64, toHex } from "../tlog/encoding.ts";
import { MalformedError } from "../tlog/errors.ts";
import { ApiError } from "./errors.ts";
import { readJsonBody } from "./json-body.ts";
import type { ApiEnv } from "./route-log.ts";

export const indexRetrieve = new Hono<ApiEnv>();

/** A SearchIndex holds a hash, an email and a key at most: a few KiB. */
const MAX_BODY_BYTES = 128 * 1024;
/**
 * Most entries one key contributes. Rekor calls this API "experimental, results may be incomplete"
 * and sets no bound; unbounded answers would let one popular key make every query expensive.
 */
export const MAX_RETRIEVE_PER_KEY = 1000;

const FIELDS = new Set(["hash", "email", "publicKey", "operator"]);
const KEY_FORMATS = ["x509", "pgp", "minisign", "ssh", "tuf"];

/** The index keys a SearchIndex asks for, and how to combine them. @throws ApiError 400 */
export function parseSearchIndex(body: unknown): { keys: string[]; operator: "and" | "or" } {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ApiError(400, "body must be a JSON object (SearchIndex)");
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!FIELDS.has(k))
      throw new ApiError(
        400,
        `unknown field ${JSON.stringify(k)}; SearchIndex has hash, email, publicKey and operator`,
      );
  const keys: string[] = [];
  try {
    if (o.hash !== undefined) {
      if (typeof o.hash !== "string") throw new SelectorError("hash must be a string");
      // Rekor accepts sha1 too; nothing here is indexed by SHA-1, so such a hash has no entries.
      keys.push(
        /^(sha1:)?[0-9a-fA-F]{40}$/.test(o.hash) ? `sha1:${o.hash.slice(-40).toLowerCase()}` : digestSelector(o.hash),
      );
    }
    if (o.email !== undefined) {
      if (typeof o.email !== "string") throw new SelectorError("email must be a string");
      keys.push(emailSelector(o.email));
    }
    if (o.publicKey !== undefined) keys.push(publicKeySelector(o.publicKey));
  } catch (e) {
    if (e instanceof SelectorError) throw new ApiError(400, e.message);
    throw e;
  }
  if (keys.length === 0) throw new ApiError(400, "give at least one of hash, email and publicKey");
  const operator = o.operator ?? "or";
  if (operator !== "and" && operator !== "or") throw new ApiError(400, 'operator must be "and" or "or"');
  return { keys, operator };
}

function publicKeySelector(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SelectorError("publicKey must be an object {format, content}");
  const pk = value as Record<string, unknown>;
  for (const k of Object.keys(pk)) {
    if (k === "url")
      throw new SelectorError("publicKey.url is not supported: send the key itself in publicKey.content");
    if (k !== "format" && k !== "content") throw new SelectorError(`unknown field publicKey.${k}`);
  }
  if (typeof pk.format !== "string" || !KEY_FORMATS.includes(pk.format))
    throw new SelectorError(`publicKey.format must be one of ${KEY_FORMATS.join(", ")}`);
  if (pk.format === "tuf")
    throw new SelectorError("publicKey.format tuf is not supported; supported: x509, pgp, minisign, ssh");
  if (typeof pk.content !== "string" || pk.content.length === 0)
    throw new SelectorError("publicKey.content must be base64 of the public key (x509: PEM or DER key or certificate)");
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(pk.content, "publicKey.content");
  } catch (e) {
    if (e instanceof MalformedError) throw new SelectorError("publicKey.content is not standard padded base64");
    throw e;
  }
  try {
    return publicKeyIndexKey(pk.format as PublicKeyFormat, bytes);
  } catch (e) {
    if (e instanceof SignatureError) throw new SelectorError(`publicKey.content: ${e.message}`);
    throw e;
  }
}

indexRetrieve.post(
  "/index/retrieve",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, `Request Entity Too Large. Limit set to ${MAX_BODY_BYTES}`);
    },
  }),
  async (c) => {
    const { keys, operator } = parseSearchIndex(await readJsonBody(c));
    const d = c.var.deployment;
    const shards = d.entryLogs().map((s) => s.name);
    const index = d.index;
    const treeIds = new Map<string, string>();
    for (const s of shards) treeIds.set(s, treeIdHex((await shardV1Key(d, s)).treeId));
    const sets = await Promise.all(
      keys.map(async (k) =>
        (await index.leafHashesByKey(k, shards, MAX_RETRIEVE_PER_KEY)).map(
          (h) => treeIds.get(h.shard)! + toHex(h.leafHash),
        ),
      ),
    );
    let uuids: string[];
    if (operator === "or") uuids = [...new Set(sets.flat())];
    else
      uuids = sets.reduce((acc, s) => {
        const has = new Set(s);
        return acc.filter((u) => has.has(u));
      });
    return c.json([...new Set(uuids)], 200, { "Cache-Control": "no-store" });
  },
);
