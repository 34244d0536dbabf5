// The mirror's reads of the upstream log (durable-objects/mirror.ts fetchPath): it asks for gzip as C2SP tlog-tiles
// tells clients to, and an answer longer than any tlog-tiles object is refused while it streams in, not after it
// was all read: workerd's fetch decodes a gzip'd body whether it was asked for or not, so a small gzip'd answer could
// otherwise unfold into far more memory than the object bound.
import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchPath, MAX_OBJECT_BYTES } from "../../durable-objects/mirror.ts";

const CHUNK = 1 << 20;

/** A 200 answer of `total` bytes (declaring no length) that counts how many bytes were pulled from it. */
function endless(total: number): { res: Response; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK));
    },
  });
  return { res: new Response(body, { status: 200 }), pulled: () => pulled };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the mirror's upstream reads", () => {
  it("ask for gzip, identity and return the (decoded) bytes", async () => {
    const seen: Headers[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      seen.push(new Headers(new Request(input as string, init).headers));
      return new Response("tile bytes");
    });
    expect(new TextDecoder().decode((await fetchPath("https://log.example", "tile/0/000"))!)).toBe("tile bytes");
    expect(seen[0]!.get("accept-encoding")).toBe("gzip, identity");
  });

  it("an answer longer than any object is refused as soon as it passes the bound, the rest never read", async () => {
    const { res, pulled } = endless(8 * MAX_OBJECT_BYTES);
    vi.spyOn(globalThis, "fetch").mockResolvedValue(res);
    await expect(fetchPath("https://log.example", "tile/entries/000")).rejects.toThrow(
      /more than any tlog-tiles object/,
    );
    expect(pulled()).toBeLessThanOrEqual(MAX_OBJECT_BYTES + 2 * CHUNK);
  });

  it("an answer within the bound is read whole", async () => {
    const { res } = endless(4 * CHUNK);
    vi.spyOn(globalThis, "fetch").mockResolvedValue(res);
    expect((await fetchPath("https://log.example", "tile/entries/000"))!.length).toBe(4 * CHUNK);
  });
});
