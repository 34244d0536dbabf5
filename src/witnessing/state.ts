/**
 * What the sequencer knows about each of its witnesses, in its Durable Object SQLite (one row per
 * witness verifier key): the size the witness last acknowledged for this log (the `old` size of the
 * next add-checkpoint request, C2SP tlog-witness) and its latest cosignature, kept so that a republish
 * or a restart can attach it again. Separate from the log's own tables: nothing here is needed to
 * keep the log correct, only to ask witnesses efficiently.
 * @module
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS witness_state (
  vkey TEXT PRIMARY KEY, size INTEGER NOT NULL, cosigned_size INTEGER, cosignature TEXT);
`;

export class WitnessState {
  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(SCHEMA);
  }

  /** The size this witness last told us it knows for the log (0 if never asked). */
  knownSize(vkey: string): number {
    const row = this.storage.sql.exec("SELECT size FROM witness_state WHERE vkey = ?", vkey).toArray()[0];
    return row ? (row.size as number) : 0;
  }

  setKnownSize(vkey: string, size: number): void {
    this.storage.sql.exec(
      "INSERT INTO witness_state (vkey, size) VALUES (?, ?) ON CONFLICT(vkey) DO UPDATE SET size = excluded.size",
      vkey,
      size,
    );
  }

  /**
   * A verified cosignature line on the checkpoint of `size`: replaces the witness's cosignature on a
   * smaller or equal size (a late answer on an older checkpoint changes nothing).
   */
  setCosignature(vkey: string, size: number, line: string): void {
    this.storage.sql.exec(
      `INSERT INTO witness_state (vkey, size, cosigned_size, cosignature) VALUES (?, ?, ?, ?)
       ON CONFLICT(vkey) DO UPDATE SET size = MAX(size, excluded.size), cosigned_size = excluded.cosigned_size, cosignature = excluded.cosignature
       WHERE cosigned_size IS NULL OR cosigned_size <= excluded.cosigned_size`,
      vkey,
      size,
      size,
      line,
    );
  }

  /** The stored cosignature lines on the checkpoint of `size`, in the order of `vkeys`. */
  cosignatures(size: number, vkeys: readonly string[]): string[] {
    const byKey = new Map<string, string>();
    for (const r of this.storage.sql.exec(
      "SELECT vkey, cosignature FROM witness_state WHERE cosigned_size = ?",
      size,
    )) {
      byKey.set(r.vkey as string, r.cosignature as string);
    }
    return vkeys.flatMap((k) => (byKey.has(k) ? [byKey.get(k)!] : []));
  }
}
