/**
 * Rekor v1 API (sigstore/rekor openapi.yaml): create entries (hashedrekord 0.0.1, dsse 0.0.1,
 * intoto 0.0.2, rekord 0.0.1) and read them back by UUID or index, log info, public key and consistency proofs.
 * Reads are computed at the edge from the checkpoint and tiles in R2. Mounted under /api/v1 (src/index.ts);
 * errors take Rekor v1's shape (errors.ts).
 * @module
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { RequestError, TooLargeError } from "../rekor/errors.ts";
import { canonicalizeProposedEntry } from "../rekor/v1/proposed-entry.ts";
import { ValidityCheck } from "../rekor/validity-check.ts";
import { VerificationBudget } from "../rekor/verification-budget.ts";
import { entryUuid, logEntry, type V1LogEntry } from "../rekor/v1/log-entry.ts";
import { parseCheckpoint } from "../tlog/checkpoint.ts";
import { hashLeaf } from "../tlog/hash.ts";
import { parseNote } from "../tlog/note.ts";
import { checkConsistency, proveConsistency, treeHash } from "../tlog/proof.ts";
import { ProofError } from "../tlog/errors.ts";
import { bytesEqual, toHex } from "../tlog/encoding.ts";
import type { VerifiedCheckpoint } from "../client/tile-reader.ts";
import type { Log } from "../log/log.ts";
import type { LogReader } from "../log/reader.ts";
import {
  globalOffset,
  locateGlobalIndex,
  logInfo,
  shardCheckpoint,
  shardForTreeId,
  uuidCandidates,
  type ShardIndex,
} from "../log/v1-shards.ts";
import { readByUuid } from "../log/uuid-positions.ts";
import { LruCache } from "../lru-cache.ts";
import { IMMUTABLE_CACHE_CONTROL } from "../storage/object-store.ts";
import { fromEdgeCache, toEdgeCache } from "./edge-cache.ts";
import { ApiError } from "./errors.ts";
import { readJsonBody } from "./json-body.ts";
import { provenConsistencyAnswers } from "./verified-answers.ts";
import type { ApiEnv } from "./route-log.ts";
import { appendLeaf, findLeaf } from "./sequencer-client.ts";

export const v1 = new Hono<ApiEnv>();

/** Rekor v1 limits bulk retrieval to 10 of each kind (openapi.yaml SearchLogQuery). */
const MAX_RETRIEVE = 10;

function limitBody(c: Context<ApiEnv>, next: () => Promise<void>) {
  const max = c.var.log.config.maxBodyBytes;
  return bodyLimit({
    maxSize: max,
    onError: () => {
      throw new ApiError(413, `Request Entity Too Large. Limit set to ${max}`);
    },
  })(c, next);
}

/** A proposed entry's canonical leaf; `budget` is the request's, shared by every entry of a retrieve. */
async function canonical(
  c: Context<ApiEnv>,
  json: unknown,
  validity: ValidityCheck,
  budget = new VerificationBudget(),
) {
  try {
    return await canonicalizeProposedEntry(json, {
      maxDataBytes: c.var.log.config.rekordMaxDataBytes,
      validity,
      budget,
    });
  } catch (e) {
    if (e instanceof TooLargeError) throw new ApiError(413, `error processing entry: ${e.message}`);
    // Such an entry cannot be logged already: its certificate's problem, noted first, is the one to name.
    if (e instanceof RequestError) throw new ApiError(400, `error processing entry: ${validity.problem ?? e.message}`);
    throw e;
  }
}

v1.post("/log/entries", limitBody, async (c) => {
  const log = c.var.log;
  const validity = ValidityCheck.deferred();
  const entry = await canonical(c, await readJsonBody(c), validity);
  if (validity.problem !== null) {
    // A retry of an entry logged while its certificate was valid is a duplicate, not a bad request.
    const index = await findLeaf(log, entry.body);
    if (index === null) throw new ApiError(400, `error processing entry: ${validity.problem}`);
    return duplicate(c, entry.body, index);
  }
  const key = await log.v1Key();
  const r = await appendLeaf(log, entry.body);
  const uuid = entryUuid(key, entry.body);
  if (r.kind === "duplicate") return duplicate(c, entry.body, r.index);
  const location = `/api/v1/log/entries/${uuid}`;
  const cp = parseCheckpoint(parseNote(r.checkpoint).text);
  const { entry: answer } = await logEntry({
    key,
    origin: log.config.origin,
    leaf: entry.body,
    index: r.index,
    logIndex: (await globalOffset(c.var.deployment, log.name)) + r.index,
    integratedTime: r.integratedTime,
    size: cp.size,
    root: cp.root,
    inclusionProof: r.inclusionProof,
    nowMs: Date.now(),
  });
  return c.json({ [uuid]: answer }, 201, { ETag: uuid, Location: location });
});

/** A v1 answer, `{<uuid>: LogEntry}` as JSON text, and its UUID. */
interface V1Answer {
  uuid: string;
  json: string;
}

/** Finished v1 answers by log, entry and tree (see answerPath), at most 16 MiB of them. */
const answers = new LruCache<string, V1Answer>(4096, 16 << 20, (a) => a.json.length * 2);

/**
 * 409 with `Location`, as Rekor answers a duplicate, and Rekor's Error body {code, message} carrying the logged
 * entry too (`entry`: the LogEntry as a read returns it), so a client retrying after a lost answer gets its proof.
 * Should the entry not be readable, the 409 goes without it.
 */
async function duplicate(c: Context<ApiEnv>, leaf: Uint8Array, index: number): Promise<Response> {
  const uuid = entryUuid(await c.var.log.v1Key(), leaf);
  const at = { shard: c.var.log.name, index };
  let entry: Record<string, V1LogEntry> | undefined;
  try {
    const found = await readLogEntry(c, at);
    if (found.uuid !== uuid) throw new Error(`it holds ${found.uuid}, not ${uuid}`);
    entry = JSON.parse(found.json) as Record<string, V1LogEntry>;
  } catch (e) {
    console.error(`v1: reading the duplicate at ${at.shard}/${index}:`, e);
  }
  const message = `an equivalent entry already exists in the transparency log with UUID ${uuid}`;
  return c.json({ code: 409, message, ...(entry && { entry }) }, 409, { Location: `/api/v1/log/entries/${uuid}` });
}

/**
 * A stored entry as a v1 LogEntry, with the v1 checkpoint of the current tree and a SET (as Rekor answers
 * reads), from whichever shard holds it (src/log/v1-shards.ts): logIndex is global, the proof's index the
 * shard's. An answer is fixed by the keys, the entry and the tree (size and root), so it is made once
 * and kept, in the isolate and at the edge, under a path that names them all.
 */
async function readLogEntry(c: Context<ApiEnv>, at: ShardIndex): Promise<V1Answer> {
  const log = c.var.deployment.log(at.shard);
  const cp = await shardCheckpoint(log, at.index + 1);
  if (at.index >= cp.size) throw new ApiError(404, `no entry at index ${at.index}`);
  const key = await log.v1Key();
  const logIndex = (await globalOffset(c.var.deployment, at.shard)) + at.index;
  const path = `${at.shard}/v1/entry/${key.logIdHex}/${toHex(log.checkpointKey().logId)}/${logIndex}/${at.index}/${cp.size}/${toHex(cp.root)}`;
  const kept = answers.get(path);
  if (kept) return kept;
  const cached = await fromEdgeCache(path);
  const uuid = cached?.headers.get(UUID_HEADER);
  if (cached && uuid) {
    const answer = { uuid, json: await cached.text() };
    answers.set(path, answer);
    return answer;
  }
  // Proven to the verified checkpoint's root (LogReader.entry): never a SET over bytes R2 alone vouches for.
  const stored = await log.reader().entry(at.index, cp);
  const made = await logEntry({
    key,
    origin: log.config.origin,
    leaf: stored.leaf,
    leafHash: stored.leafHash,
    index: at.index,
    logIndex,
    integratedTime: stored.integratedTime,
    size: cp.size,
    root: cp.root,
    inclusionProof: stored.inclusionProof,
    nowMs: Date.now(),
  });
  const answer = { uuid: made.uuid, json: JSON.stringify({ [made.uuid]: made.entry }) };
  answers.set(path, answer);
  toEdgeCache(
    c,
    path,
    new Response(answer.json, {
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": IMMUTABLE_CACHE_CONTROL,
        [UUID_HEADER]: made.uuid,
      },
    }),
  );
  return answer;
}

/** The edge cache keeps an answer's UUID beside its body. */
const UUID_HEADER = "x-entry-uuid";

/**
 * The entry a UUID lookup found, if it is the one asked for. The D1 index is not authenticated: a wrong or
 * tampered row must not make a lookup answer with another entry, so the leaf read (and proven) is checked.
 */
async function readLogEntryByUuid(c: Context<ApiEnv>, at: ShardIndex, uuid: string): Promise<V1Answer | null> {
  const found = await readLogEntry(c, at);
  if (found.uuid.slice(-64) === uuid.toLowerCase().slice(-64)) return found;
  console.error(`search index: ${uuid} points at ${at.shard}/${at.index}, which holds ${found.uuid}`);
  return null;
}

/** A v1 read answer: not cacheable by the client (the same URL answers with a newer tree later). */
const v1ReadAnswer = (json: string): Response =>
  new Response(json, { status: 200, headers: { "Content-Type": "application/json", "Cache-Control": "no-cache" } });

v1.get("/log/entries/:uuid", async (c) => {
  const requested = c.req.param("uuid");
  const found = await readByUuid(c.var.deployment, requested, (at) => readLogEntryByUuid(c, at, requested));
  if (found === null) throw new ApiError(404, "entry not found");
  return v1ReadAnswer(found.json);
});

function parseIndex(value: unknown, what: string): number {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^(0|[1-9][0-9]{0,15})$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new ApiError(400, `${what} must be a non-negative integer`);
  return n;
}

v1.get("/log/entries", async (c) => {
  const raw = c.req.query("logIndex");
  if (raw === undefined) throw new ApiError(400, "logIndex is required");
  const at = await locateGlobalIndex(c.var.deployment, parseIndex(raw, "logIndex"));
  if (at === null) throw new ApiError(404, `no entry at index ${raw}`);
  return v1ReadAnswer((await readLogEntry(c, at)).json);
});

v1.post("/log/entries/retrieve", limitBody, async (c) => {
  const d = c.var.deployment;
  const body = await readJsonBody(c);
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new ApiError(400, "expected a JSON object");
  const q = body as Record<string, unknown>;
  for (const k of Object.keys(q))
    if (!["entryUUIDs", "logIndexes", "entries"].includes(k))
      throw new ApiError(400, `unknown field ${JSON.stringify(k)}`);
  const list = (k: string): unknown[] => {
    const v = q[k] ?? [];
    if (!Array.isArray(v)) throw new ApiError(400, `${k} must be an array`);
    if (v.length > MAX_RETRIEVE) throw new ApiError(422, `${k}: at most ${MAX_RETRIEVE} items`);
    return v;
  };
  const uuids = list("entryUUIDs");
  const indexes = list("logIndexes").map((v) => parseIndex(v, "logIndexes[]"));
  const proposed = list("entries");
  if (uuids.length + indexes.length + proposed.length === 0)
    throw new ApiError(400, "give entryUUIDs, logIndexes or entries");
  for (const u of uuids) {
    if (typeof u !== "string") throw new ApiError(400, "entryUUIDs[] must be strings");
    await uuidCandidates(d, u); // a malformed UUID is a 400 before anything is read
  }
  // Up to ten entries, each verified: their signature verifications share one budget (src/rekor/verification-budget.ts).
  const budget = new VerificationBudget();
  const leafHashes: string[] = [];
  for (const p of proposed) {
    // Never a validity check: an entry stays findable after its certificate expires.
    leafHashes.push(toHex(hashLeaf((await canonical(c, p, ValidityCheck.never(), budget)).body))); // in any shard
  }
  // Every lookup at once (positions of UUIDs seen before skip D1); answers in the order asked.
  const found = await Promise.all([
    ...indexes.map(async (i) => {
      const at = await locateGlobalIndex(d, i);
      return at === null ? null : readLogEntry(c, at);
    }),
    ...[...(uuids as string[]), ...leafHashes].map((u) => readByUuid(d, u, (at) => readLogEntryByUuid(c, at, u))),
  ]);
  const out = found.flatMap((f) => (f === null ? [] : [f.json]));
  return new Response(`[${out.join(",")}]`, { status: 200, headers: { "Content-Type": "application/json" } });
});

v1.get("/log", async (c) => {
  // The current shard's tree; every other shard holding entries is listed in inactiveShards.
  return c.json(await logInfo(c.var.deployment, c.var.log, Date.now()), 200, { "Cache-Control": "no-cache" });
});

/** The shard a `treeID` query parameter names (Rekor v1), else the current one. */
const treeLog = (c: Context<ApiEnv>): Promise<Log> =>
  shardForTreeId(c.var.deployment, c.req.query("treeID"), c.var.log);

v1.get("/log/publicKey", async (c) => {
  return c.body((await (await treeLog(c)).v1Key()).pem, 200, { "Content-Type": "application/x-pem-file" });
});

/**
 * A consistency proof between two tree sizes is fixed by them (and the log): made once, proven against
 * the verified checkpoint, then kept in the isolate's memory (verified-answers.ts) and at the edge. With a treeID the URL names the tree, so clients may
 * keep the answer for good too; without one it names whichever shard is current.
 */
v1.get("/log/proof", async (c) => {
  const lastRaw = c.req.query("lastSize");
  if (lastRaw === undefined) throw new ApiError(400, "lastSize is required");
  const lastSize = parseIndex(lastRaw, "lastSize");
  const firstSize = parseIndex(c.req.query("firstSize") ?? "1", "firstSize");
  const log = await treeLog(c);
  const reader = log.reader();
  const cp = await reader.checkpoint(lastSize);
  if (lastSize > cp.size) throw new ApiError(400, `lastSize ${lastSize} is beyond the tree size ${cp.size}`);
  if (firstSize < 1 || firstSize > lastSize)
    throw new ApiError(400, `firstSize must be between 1 and lastSize (${lastSize})`);
  const headers = {
    "Content-Type": "application/json",
    "Cache-Control": c.req.query("treeID") ? IMMUTABLE_CACHE_CONTROL : "no-cache",
  };
  // Only sizes within the verified checkpoint get here: what is kept was proven, and is fixed by the two sizes.
  const key = `${reader.logId}\n${firstSize}\n${lastSize}`;
  const mine = provenConsistencyAnswers.get(key);
  if (mine !== undefined) return new Response(mine, { status: 200, headers });
  const path = `${log.name}/v1/proof/${toHex(log.checkpointKey().logId)}/${firstSize}/${lastSize}`;
  const cached = await fromEdgeCache(path);
  const json = cached ? await cached.text() : JSON.stringify(await provenConsistency(reader, cp, firstSize, lastSize));
  if (!cached)
    toEdgeCache(c, path, new Response(json, { headers: { ...headers, "Cache-Control": IMMUTABLE_CACHE_CONTROL } }));
  provenConsistencyAnswers.set(key, json);
  return new Response(json, { status: 200, headers });
});

/**
 * The proof from firstSize to lastSize and lastSize's root, built from tiles and checked before anyone
 * keeps it: lastSize's root against the verified checkpoint (equal, or proven consistent with it), then
 * the proof between the two roots. Tiles R2 alone vouches for fail here (a 500), and nothing is cached.
 */
async function provenConsistency(
  reader: LogReader,
  cp: VerifiedCheckpoint,
  firstSize: number,
  lastSize: number,
): Promise<{ rootHash: string; hashes: string[] }> {
  // The newest tree's tiles hold every hash a smaller tree needs (a size that was never a checkpoint has no partial tiles).
  const hashes = reader.proofReader().hashReader(cp.size);
  try {
    const [proof, firstRoot, lastRoot] = await Promise.all([
      proveConsistency(firstSize, lastSize, hashes),
      treeHash(firstSize, hashes),
      treeHash(lastSize, hashes),
    ]);
    if (lastSize < cp.size)
      checkConsistency(await proveConsistency(lastSize, cp.size, hashes), lastSize, cp.size, lastRoot, cp.root);
    else if (!bytesEqual(lastRoot, cp.root)) throw new ProofError("the tiles do not hash to the checkpoint's root");
    checkConsistency(proof, firstSize, lastSize, firstRoot, lastRoot);
    return { rootHash: toHex(lastRoot), hashes: proof.map(toHex) };
  } catch (e) {
    reader.forgetUsed();
    throw e;
  }
}
