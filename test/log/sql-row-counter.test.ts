// The sequencer counts the SQLite rows its statements read and write (Durable Object storage bills both):
// each appended entry writes its dedup row, and each round a bounded number of rows whatever its size;
// leaves kept for later bundles are one row per round (src/sequencer/leaf-runs.ts), not one per leaf.
import { describe, expect, it } from "vitest";
import { enc, sequencer } from "../helpers/log.ts";

describe("SQLite row counts", () => {
  it("an entry writes its dedup row, a round a few dozen rows at most, even when every leaf is kept", async () => {
    const log = sequencer(`rows-${crypto.randomUUID()}`);
    const before = (await log.status()).sqlRows;
    // Rounds smaller than a bundle: every round's leaves stay stored for the next round's bundle.
    const rounds = 10;
    const n = 150;
    for (let r = 0; r < rounds; r++) {
      const results = await log.addBatch(Array.from({ length: n }, (_, i) => enc(`row count ${r} ${i}`)));
      expect(results.every((x) => x.kind === "sequenced")).toBe(true);
    }
    const after = await log.status();
    expect(after.writes.rounds).toBe(rounds);
    expect(after.rows.leaves).toBe((rounds * n) % 256); // the partial tail's
    const written = after.sqlRows.written - before.written;
    expect(written).toBeGreaterThanOrEqual(rounds * n);
    expect(written).toBeLessThanOrEqual(rounds * n + 32 * rounds);
    expect(after.sqlRows.read).toBeGreaterThan(before.read);
  });
});
