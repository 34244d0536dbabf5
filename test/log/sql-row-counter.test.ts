// The sequencer counts the SQLite rows its statements read and write (Durable Object storage bills both):
// each appended entry writes at least its leaf row and its dedup row.
import { describe, expect, it } from "vitest";
import { enc, sequencer } from "../helpers/log.ts";

describe("SQLite row counts", () => {
  it("grow with every append: at least two rows written per entry (leaf, dedup key)", async () => {
    const log = sequencer(`rows-${crypto.randomUUID()}`);
    const before = (await log.status()).sqlRows;
    const n = 20;
    const results = await log.addBatch(Array.from({ length: n }, (_, i) => enc(`row count ${i}`)));
    expect(results.every((r) => r.kind === "sequenced")).toBe(true);
    const after = (await log.status()).sqlRows;
    expect(after.written - before.written).toBeGreaterThanOrEqual(2 * n);
    expect(after.read).toBeGreaterThan(before.read);
  });
});
