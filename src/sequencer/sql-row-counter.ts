/**
 * Durable Object SQLite bills rows read and rows written. A counting view of `ctx.storage.sql` adds up
 * each statement's cursor counters (rowsRead, rowsWritten), for the benchmark's cost per entry; it changes
 * nothing about what runs. A cursor's counters are final once it is consumed, which the sequencer's
 * statements all are before their caller returns, so they are read a microtask after exec().
 * @module
 */
export interface SqlRowCounts {
  read: number;
  written: number;
}

export function countingSql(sql: SqlStorage, counts: SqlRowCounts): SqlStorage {
  const exec = ((query: string, ...bindings: unknown[]) => {
    const cursor = sql.exec(query, ...bindings);
    queueMicrotask(() => {
      counts.read += cursor.rowsRead;
      counts.written += cursor.rowsWritten;
    });
    return cursor;
  }) as SqlStorage["exec"];
  return new Proxy(sql, { get: (target, key) => (key === "exec" ? exec : Reflect.get(target, key, target)) });
}
