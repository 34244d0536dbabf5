/**
 * C2SP tlog-witness `add-checkpoint`, served by this deployment's witness: parse the request, find the
 * log by the checkpoint's origin (404 if not witnessed), verify the log's signature (403), then ask
 * the log's Witness Durable Object to compare, check and persist atomically (409 / 422), and cosign.
 * Errors are plain text, as the spec's clients expect (a 409 body is exactly `<size>\n`).
 *
 * The HTTP route (src/api/witness.ts) and a log that witnesses itself through the binding
 * (src/witnessing/client.ts) both call this, so both get the same checks.
 * @module
 */
import { utf8Decode } from "../tlog/encoding.ts";
import { MalformedError, ProofError } from "../tlog/errors.ts";
import { openNote } from "../tlog/note.ts";
import {
  MAX_REQUEST_BYTES,
  parseAddCheckpoint,
  readWitnessConfig,
  SIZE_CONTENT_TYPE,
  type WitnessFor,
} from "./protocol.ts";

const text = (body: string, status: number, headers: Record<string, string> = {}) =>
  new Response(body.endsWith("\n") ? body : body + "\n", {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
  });

/** The request body as received; `witnessFor` finds the Witness object of a log origin. */
export async function addCheckpoint(
  env: Record<string, unknown>,
  witnessFor: WitnessFor,
  raw: Uint8Array,
): Promise<Response> {
  const config = readWitnessConfig(env);
  if (config === null) return text("this deployment does not run a witness", 404);
  if (raw.length > MAX_REQUEST_BYTES) return text(`request body exceeds ${MAX_REQUEST_BYTES} bytes`, 413);
  let req;
  try {
    req = parseAddCheckpoint(utf8Decode(raw, "request"));
  } catch (e) {
    if (e instanceof MalformedError) return text(e.message, 400);
    throw e;
  }
  const verifiers = config.logs.get(req.checkpoint.origin);
  if (!verifiers) return text(`unknown log origin ${JSON.stringify(req.checkpoint.origin)}`, 404);
  try {
    openNote(req.note, verifiers);
  } catch (e) {
    if (e instanceof ProofError || e instanceof MalformedError)
      return text(`checkpoint is not signed by a trusted key for ${req.checkpoint.origin}: ${e.message}`, 403);
    throw e;
  }
  if (req.oldSize > req.checkpoint.size)
    return text(`old size ${req.oldSize} is larger than the checkpoint size ${req.checkpoint.size}`, 400);
  const t = await witnessFor(req.checkpoint.origin).update({
    origin: req.checkpoint.origin,
    oldSize: req.oldSize,
    proof: req.proof,
    size: req.checkpoint.size,
    root: req.checkpoint.root,
    note: req.note,
  });
  switch (t.kind) {
    case "conflict":
      return new Response(`${t.size}\n`, { status: 409, headers: { "Content-Type": SIZE_CONTENT_TYPE } });
    case "bad-request":
      return text(t.message, 400);
    case "unprocessable":
      return text(t.message, 422);
    case "cosign": {
      // C2SP: the timestamp is POSIX seconds and MUST be non-zero.
      const now = Math.max(1, Math.floor(Date.now() / 1000));
      return text(config.signer.cosignLine(req.text, now), 200);
    }
  }
}

export { text as plainText };
