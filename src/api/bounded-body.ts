/**
 * Reading a request (or response) body of at most `max` bytes, counted as it streams in: a chunked body, or one
 * whose Content-Length understates it, is cut off (and the rest never pulled) as soon as it passes
 * the limit. A Content-Length over the limit is refused before anything is read.
 * @module
 */
import { concatBytes } from "../tlog/encoding.ts";

/**
 * The body's bytes, or null if it is longer than `max` (the stream is then cancelled). Also for a response: workerd's
 * fetch decodes a gzip'd body as it streams, so its decoded length is only known by counting.
 */
export async function readBoundedBody(message: Request | Response, max: number): Promise<Uint8Array | null> {
  const declared = Number(message.headers.get("content-length") ?? "0");
  if (declared > max) return null;
  if (message.body === null) return new Uint8Array(0);
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel("body over its limit").catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}
