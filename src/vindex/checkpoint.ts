/**
 * The map checkpoint: what the log signs about its verifiable index. A C2SP signed note in the shape of a
 * tlog checkpoint, with its own origin so no log client can take it for the log's checkpoint:
 *
 *   <log origin>/index
 *   <log size N>
 *   <base64 map root after entries 0..N-1>
 *   log-root <base64 RFC 6962 root of the log at size N>
 *
 * The log root line binds the map to one log prefix: an auditor who replays the log to size N checks
 * both roots, and a client can check the log root against the log's own checkpoints.
 * @module
 */
import { formatCheckpoint, parseCheckpoint } from "../tlog/checkpoint.ts";
import { fromBase64, toBase64 } from "../tlog/encoding.ts";
import { MalformedError } from "../tlog/errors.ts";
import { HASH_SIZE, type Hash } from "../tlog/hash.ts";
import { openNote, type NoteVerifier } from "../tlog/note.ts";

export const MAP_ORIGIN_SUFFIX = "/index";
/** Where the map checkpoint is published, beside the log's `checkpoint` (same shard prefix). */
export const MAP_CHECKPOINT_KEY = "index/checkpoint";
const LOG_ROOT_PREFIX = "log-root ";

export interface MapCheckpoint {
  /** The log's origin (the note's first line without "/index"). */
  logOrigin: string;
  size: number;
  mapRoot: Hash;
  logRoot: Hash;
}

export function mapOrigin(logOrigin: string): string {
  return logOrigin + MAP_ORIGIN_SUFFIX;
}

export function formatMapCheckpoint(c: MapCheckpoint): string {
  return formatCheckpoint({
    origin: mapOrigin(c.logOrigin),
    size: c.size,
    root: c.mapRoot,
    extensions: [LOG_ROOT_PREFIX + toBase64(c.logRoot)],
  });
}

export function parseMapCheckpoint(text: string): MapCheckpoint {
  const c = parseCheckpoint(text);
  const bad = (why: string) => new MalformedError(`malformed map checkpoint: ${why}`);
  if (!c.origin.endsWith(MAP_ORIGIN_SUFFIX) || c.origin.length === MAP_ORIGIN_SUFFIX.length)
    throw bad(`origin must end in ${MAP_ORIGIN_SUFFIX}`);
  if (c.extensions.length !== 1 || !c.extensions[0]!.startsWith(LOG_ROOT_PREFIX))
    throw bad("needs exactly one log-root line");
  const logRoot = fromBase64(c.extensions[0]!.slice(LOG_ROOT_PREFIX.length), "log root");
  if (logRoot.length !== HASH_SIZE) throw bad("log root must be 32 bytes");
  return { logOrigin: c.origin.slice(0, -MAP_ORIGIN_SUFFIX.length), size: c.size, mapRoot: c.root, logRoot };
}

/**
 * Opens a signed map checkpoint with the log's key(s) and checks it is for `logOrigin`.
 * @throws ProofError (signature) or MalformedError
 */
export function openMapCheckpoint(note: string, verifiers: readonly NoteVerifier[], logOrigin: string): MapCheckpoint {
  const c = parseMapCheckpoint(openNote(note, verifiers).text);
  if (c.logOrigin !== logOrigin) throw new MalformedError(`map checkpoint is for ${c.logOrigin}, not ${logOrigin}`);
  return c;
}
