/**
 * Rekor v1 API (sigstore/rekor openapi.yaml): create entries (hashedrekord 0.0.1, dsse 0.0.1,
 * intoto 0.0.2, rekord 0.0.1) and read them back by UUID or index, log info, public key and consistency proofs.
 * Reads are computed at the edge from the checkpoint and tiles in R2. Errors: {code, message} with the
 * HTTP status as code, as go-swagger answers.
 * @module
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { readConfig } from "../config.ts";
import { RequestError, TooLargeError } from "../rekor/errors.ts";
import { canonicalizeProposedEntry } from "../rekor/v1/proposed-entry.ts";
import { VerificationBudget } from "../rekor/verification-budget.ts";
import { entryUuid, logEntry, type V1LogEntry } from "../rekor/v1/log-entry.ts";
import { parseCheckpoint } from "../tlog/checkpoint.ts";
import { toHex } from "../tlog/encoding.ts";
import { hashLeaf } from "../tlog/hash.ts";
import { parseNote } from "../tlog/note.ts";
import { checkInclusion, treeHash } from "../tlog/proof.ts";
import { v1Key } from "../v1-key.ts";
import { shardEnv } from "../shards/shards.ts";
import { findByUuid, globalOffset, locateGlobalIndex, logInfo, shardForTreeId, type ShardIndex } from "../shards/v1.ts";
import { ApiError } from "./errors.ts";
import { readJsonBody } from "./json-body.ts";
import { LogReader } from "./log-reader.ts";
import { appendLeaf, shardName } from "./sequencer-client.ts";

export const v1 = new Hono<{ Bindings: Env }>();

/** Rekor v1 limits bulk retrieval to 10 of each kind (openapi.yaml SearchLogQuery). */
const MAX_RETRIEVE = 10;

const config = (c: Context<{ Bindings: Env }>) => readConfig(c.env as unknown as Record<string, unknown>);

function limitBody(c: Context<{ Bindings: Env }>, next: () => Promise<void>) {
  const max = config(c).maxBodyBytes;
  return bodyLimit({
    maxSize: max,
    onError: () => {
      throw new ApiError(413, `Request Entity Too Large. Limit set to ${max}`);
    },
  })(c, next);
}

/** A proposed entry's canonical leaf; `budget` is the request's, shared by every entry of a retrieve. */
async function canonical(c: Context<{ Bindings: Env }>, json: unknown, budget = new VerificationBudget()) {
  try {
    return await canonicalizeProposedEntry(json, { maxDataBytes: config(c).rekordMaxDataBytes, budget });
  } catch (e) {
    if (e instanceof TooLargeError) throw new ApiError(413, `error processing entry: ${e.message}`);
    if (e instanceof RequestError) throw new ApiError(400, `error processing entry: ${e.message}`);
    throw e;
  }
}

v1.post("/api/v1/log/entries", limitBody, async (c) => {
  const entry = await canonical(c, await readJsonBody(c));
  const key = await v1Key(c.env);
  const r = await appendLeaf(c.env, entry.body);
  const uuid = entryUuid(key, entry.body);
  const location = `/api/v1/log/entries/${uuid}`;
  if (r.kind === "duplicate") {
    throw new ApiError(409, `an equivalent entry already exists in the transparency log with UUID ${uuid}`, { Location: location });
  }
  const cp = parseCheckpoint(parseNote(r.checkpoint).text);
  const { entry: answer } = logEntry({
    key,
    origin: config(c).origin,
    leaf: entry.body,
    index: r.index,
    logIndex: (await globalOffset(c.env, shardName(c.env))) + r.index,
    integratedTime: r.integratedTime,
    size: cp.size,
    root: cp.root,
    inclusionProof: r.inclusionProof,
    nowMs: Date.now(),
  });
  return c.json({ [uuid]: answer }, 201, { ETag: uuid, Location: location });
});

/**
 * A stored entry as a v1 LogEntry, with a fresh v1 checkpoint and SET (as Rekor answers reads), from
 * whichever shard holds it (src/shards/v1.ts): logIndex is global, the proof's index the shard's.
 */
async function readLogEntry(c: Context<{ Bindings: Env }>, at: ShardIndex): Promise<[string, V1LogEntry]> {
  const env = shardEnv(c.env, at.shard);
  const reader = new LogReader(env);
  const cp = await reader.checkpoint();
  const stored = await reader.entry(at.index, cp);
  // Never sign a SET over bytes the log's own signed checkpoint does not vouch for: R2 alone is not trusted
  // (docs/SECURITY.md). A bundle and level-0 tile replaced together pass reader.entry; the proof to the root does not.
  checkInclusion(stored.inclusionProof, at.index, cp.size, hashLeaf(stored.leaf), cp.root);
  const { uuid, entry } = logEntry({
    key: await v1Key(env),
    origin: readConfig(env as unknown as Record<string, unknown>).origin,
    leaf: stored.leaf,
    index: at.index,
    logIndex: (await globalOffset(c.env, at.shard)) + at.index,
    integratedTime: stored.integratedTime,
    size: cp.size,
    root: cp.root,
    inclusionProof: stored.inclusionProof,
    nowMs: Date.now(),
  });
  return [uuid, entry];
}

/**
 * The entry a UUID lookup found, if it is the one asked for. The D1 index is not authenticated: a wrong or
 * tampered row must not make a lookup answer with another entry, so the leaf read (and proven) is checked.
 */
async function readLogEntryByUuid(c: Context<{ Bindings: Env }>, at: ShardIndex, uuid: string): Promise<[string, V1LogEntry] | null> {
  const found = await readLogEntry(c, at);
  if (found[0].slice(-64) === uuid.toLowerCase().slice(-64)) return found;
  console.error(`search index: ${uuid} points at ${at.shard}/${at.index}, which holds ${found[0]}`);
  return null;
}

v1.get("/api/v1/log/entries/:uuid", async (c) => {
  const requested = c.req.param("uuid");
  const at = await findByUuid(c.env, requested);
  const found = at === null ? null : await readLogEntryByUuid(c, at, requested);
  if (found === null) throw new ApiError(404, "entry not found");
  const [uuid, entry] = found;
  return c.json({ [uuid]: entry }, 200, { "Cache-Control": "no-cache" });
});

function parseIndex(value: unknown, what: string): number {
  const n = typeof value === "number" ? value : typeof value === "string" && /^(0|[1-9][0-9]{0,15})$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new ApiError(400, `${what} must be a non-negative integer`);
  return n;
}

v1.get("/api/v1/log/entries", async (c) => {
  const raw = c.req.query("logIndex");
  if (raw === undefined) throw new ApiError(400, "logIndex is required");
  const at = await locateGlobalIndex(c.env, parseIndex(raw, "logIndex"));
  if (at === null) throw new ApiError(404, `no entry at index ${raw}`);
  const [uuid, entry] = await readLogEntry(c, at);
  return c.json({ [uuid]: entry }, 200, { "Cache-Control": "no-cache" });
});

v1.post("/api/v1/log/entries/retrieve", limitBody, async (c) => {
  const body = await readJsonBody(c);
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new ApiError(400, "expected a JSON object");
  const q = body as Record<string, unknown>;
  for (const k of Object.keys(q)) if (!["entryUUIDs", "logIndexes", "entries"].includes(k)) throw new ApiError(400, `unknown field ${JSON.stringify(k)}`);
  const list = (k: string): unknown[] => {
    const v = q[k] ?? [];
    if (!Array.isArray(v)) throw new ApiError(400, `${k} must be an array`);
    if (v.length > MAX_RETRIEVE) throw new ApiError(422, `${k}: at most ${MAX_RETRIEVE} items`);
    return v;
  };
  const uuids = list("entryUUIDs");
  const indexes = list("logIndexes").map((v) => parseIndex(v, "logIndexes[]"));
  const proposed = list("entries");
  if (uuids.length + indexes.length + proposed.length === 0) throw new ApiError(400, "give entryUUIDs, logIndexes or entries");
  // Each wanted entry with the UUID it was looked up by (index lookups need no check).
  const wanted: [ShardIndex, string | null][] = [];
  for (const i of indexes) {
    const at = await locateGlobalIndex(c.env, i);
    if (at !== null) wanted.push([at, null]);
  }
  for (const u of uuids) {
    if (typeof u !== "string") throw new ApiError(400, "entryUUIDs[] must be strings");
    const at = await findByUuid(c.env, u);
    if (at !== null) wanted.push([at, u]);
  }
  // Up to ten entries, each verified: their signature verifications share one budget (src/rekor/verification-budget.ts).
  const budget = new VerificationBudget();
  for (const p of proposed) {
    const e = await canonical(c, p, budget);
    const leafHash = toHex(hashLeaf(e.body));
    const at = await findByUuid(c.env, leafHash); // in any shard
    if (at !== null) wanted.push([at, leafHash]);
  }
  const out: Record<string, V1LogEntry>[] = [];
  for (const [at, uuid] of wanted) {
    const found = uuid === null ? await readLogEntry(c, at) : await readLogEntryByUuid(c, at, uuid);
    if (found !== null) out.push({ [found[0]]: found[1] });
  }
  return c.json(out, 200);
});

v1.get("/api/v1/log", async (c) => {
  // The current shard's tree; every other shard holding entries is listed in inactiveShards.
  return c.json(await logInfo(c.env, shardName(c.env), Date.now()), 200, { "Cache-Control": "no-cache" });
});

/** The shard a `treeID` query parameter names (Rekor v1), else the current one. */
const treeEnv = async (c: Context<{ Bindings: Env }>) => shardEnv(c.env, await shardForTreeId(c.env, c.req.query("treeID"), shardName(c.env)));

v1.get("/api/v1/log/publicKey", async (c) => {
  return c.body((await v1Key(await treeEnv(c))).pem, 200, { "Content-Type": "application/x-pem-file" });
});

v1.get("/api/v1/log/proof", async (c) => {
  const reader = new LogReader(await treeEnv(c));
  const cp = await reader.checkpoint();
  const lastRaw = c.req.query("lastSize");
  if (lastRaw === undefined) throw new ApiError(400, "lastSize is required");
  const lastSize = parseIndex(lastRaw, "lastSize");
  const firstSize = parseIndex(c.req.query("firstSize") ?? "1", "firstSize");
  if (lastSize > cp.size) throw new ApiError(400, `lastSize ${lastSize} is beyond the tree size ${cp.size}`);
  if (firstSize < 1 || firstSize > lastSize) throw new ApiError(400, `firstSize must be between 1 and lastSize (${lastSize})`);
  const tiles = reader.proofReader();
  const proof = await tiles.proveConsistency(firstSize, lastSize);
  const root = await treeHash(lastSize, tiles.hashReader(lastSize));
  return c.json({ rootHash: toHex(root), hashes: proof.map(toHex) }, 200, { "Cache-Control": "no-cache" });
});
