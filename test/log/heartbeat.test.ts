// The cron heartbeat does constant work: with many entries in the log it reads as many SQLite rows as
// with a few (status() counts the tables' rows, which is why the heartbeat must not call it).
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Sequencer } from "../setup/worker.ts";
import worker from "../../src/index.ts";
import { enc, sequencer } from "../helpers/log.ts";

/** Counts the rows every SQL statement of the instance reads (its cursors' rowsRead) until `stop()`. */
async function countRowsRead(shard: string): Promise<{ stop: () => Promise<number> }> {
  await runInDurableObject(sequencer(shard), (_inst: Sequencer, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    const g = globalThis as unknown as { __cursors?: SqlStorageCursor<Record<string, SqlStorageValue>>[] };
    g.__cursors = [];
    sql.exec = ((query: string, ...bindings: unknown[]) => {
      const cursor = exec(query, ...bindings);
      g.__cursors!.push(cursor);
      return cursor;
    }) as typeof sql.exec;
  });
  return {
    stop: () =>
      runInDurableObject(sequencer(shard), (_inst: Sequencer, state) => {
        const g = globalThis as unknown as { __cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] };
        const rows = g.__cursors.reduce((n, c) => n + c.rowsRead, 0);
        delete (state.storage.sql as unknown as { exec?: unknown }).exec; // the prototype's again
        return rows;
      }),
  };
}

/** Runs the Worker's cron handler for a deployment whose one shard is `shard`, and waits for its work. */
async function cron(shard: string): Promise<void> {
  const woken: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => woken.push(p),
    passThroughOnException() {},
    props: {},
  } as unknown as ExecutionContext;
  await worker.scheduled(
    {} as ScheduledController,
    { ...(env as unknown as Record<string, unknown>), SHARDS: shard } as unknown as Env,
    ctx,
  );
  expect(woken).toHaveLength(1);
  await Promise.all(woken);
}

describe("cron heartbeat", () => {
  it("reads a constant number of rows, however many entries the log holds", async () => {
    const shard = `heartbeat-${crypto.randomUUID()}`;
    const log = sequencer(shard);
    for (let i = 0; i < 3; i++) expect((await log.add(enc(`heartbeat ${i}`))).kind).toBe("sequenced");
    await log.status();
    let probe = await countRowsRead(shard);
    await cron(shard);
    const few = await probe.stop();

    // 100,000 more dedup rows (as many entries would leave), written the way a round writes them.
    await runInDurableObject(log, (_inst: Sequencer, state) => {
      state.storage.sql.exec(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 100000) " +
          "INSERT INTO dedup (leaf_hash, idx) SELECT randomblob(32), 1000000 + i FROM n",
      );
    });
    probe = await countRowsRead(shard);
    await cron(shard);
    const many = await probe.stop();
    expect(many).toBeLessThanOrEqual(few);
    expect(many).toBeLessThan(100);

    // What the heartbeat used to call: status() counts every row.
    probe = await countRowsRead(shard);
    await log.status();
    expect(await probe.stop()).toBeGreaterThanOrEqual(100_000);
  });
});
