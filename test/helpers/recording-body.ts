// A request body that records how much of it the server pulled: shows that a route refused a request
// before reading its body, or stopped reading once the body was over its limit (chunked, so no
// Content-Length tells the size up front).

export interface RecordingBody {
  stream: ReadableStream<Uint8Array>;
  /** Chunks handed to the reader so far. */
  readonly pulled: number;
  /** Bytes handed to the reader so far. */
  readonly pulledBytes: number;
}

/** `chunks` chunks of `chunkBytes` bytes of `fill` (default "a"), produced only as they are pulled. */
export function recordingBody(chunks: number, chunkBytes: number, fill = 0x61): RecordingBody {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled === chunks) return controller.close();
        pulled++;
        controller.enqueue(new Uint8Array(chunkBytes).fill(fill));
      },
    },
    { highWaterMark: 0 }, // nothing is produced before the first read
  );
  return {
    stream,
    get pulled() {
      return pulled;
    },
    get pulledBytes() {
      return pulled * chunkBytes;
    },
  };
}
