/**
 * The Witness Durable Object: one per witnessed log (idFromName(origin)), holding the latest
 * checkpoint this witness cosigned for it (C2SP tlog-witness).
 *
 * The edge (src/api/witness.ts) parses the request and verifies the log's signature; this object
 * makes the size comparison, the consistency check and the write in one synchronous SQLite
 * transaction (no await in between), so two concurrent requests can never both move from the same
 * old size: the spec's compare-and-persist atomicity. It answers only after the write is durable.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import {
  decide,
  type Transition,
  type WitnessedState,
  type WitnessObject,
  type WitnessUpdate,
} from "../src/witness/protocol.ts";

export class Witness extends DurableObject<Env> implements WitnessObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS witnessed (
        origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL, updated_ms INTEGER NOT NULL)`,
    );
  }

  private read(origin: string): WitnessedState | null {
    const rows = this.ctx.storage.sql
      .exec<{ size: number; root: ArrayBuffer }>("SELECT size, root FROM witnessed WHERE origin = ?", origin)
      .toArray();
    const row = rows[0];
    return row ? { size: row.size, root: new Uint8Array(row.root) } : null;
  }

  /** Compare with what was last cosigned, check, persist: one synchronous transaction. */
  async update(u: WitnessUpdate): Promise<Transition> {
    return this.ctx.storage.transactionSync(() => {
      const t = decide(this.read(u.origin), u.oldSize, u.proof, u.size, u.root);
      if (t.kind === "cosign" && t.persist) {
        this.ctx.storage.sql.exec(
          `INSERT INTO witnessed (origin, size, root, note, updated_ms) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note, updated_ms = excluded.updated_ms`,
          u.origin,
          t.persist.size,
          t.persist.root,
          u.note,
          Date.now(),
        );
      }
      return t;
    });
  }

  /** What this witness last cosigned for `origin` (size 0 if nothing). */
  async latest(origin: string): Promise<{ size: number; note: string | null }> {
    const row = this.ctx.storage.sql
      .exec<{ size: number; note: string }>("SELECT size, note FROM witnessed WHERE origin = ?", origin)
      .toArray()[0];
    return row ? { size: row.size, note: row.note } : { size: 0, note: null };
  }
}
