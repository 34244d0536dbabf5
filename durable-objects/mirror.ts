/**
 * The Mirror Durable Object: one per mirrored log (addressed by its origin), a C2SP tlog-mirror of another
 * tlog-tiles log. Its alarm follows the log (src/mirror/follow.ts: bounded, authenticated steps), stores the
 * verified copy in R2 under _mirror/<origin hash>/ and publishes the mirror checkpoint there, cosigned with
 * MIRROR_SIGNING_KEY; the Worker serves it at /mirror/<origin hash>/ (src/api/mirror.ts). A log that serves
 * something that does not verify is refused: the step stores nothing, the error is kept (status()) and logged,
 * and the mirror tries again later from the same state.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { logKey } from "../src/client/verify-checkpoint.ts";
import { MIRROR_STORE_PREFIX, mirroredLogs, type MirroredLog } from "../src/mirror/config.ts";
import { EMPTY_MIRROR, MirrorRefusal, mirrorStep, type MirrorState, type MirrorStore } from "../src/mirror/follow.ts";
import { r2ObjectStore, shardObjectStore } from "../src/storage/object-store.ts";
import { CHECKPOINT_CONTENT_TYPE, TILE_CONTENT_TYPE } from "../src/tlog/layout.ts";
import { newCosignatureSigner } from "../src/tlog/cosignature.ts";
import { setting } from "../src/config.ts";
import { readBoundedBody } from "../src/api/bounded-body.ts";

/** A caught-up mirror looks for a new checkpoint this often (ms). */
const POLL_MS = 10_000;
/** After a failed or refused step (ms). */
const RETRY_MS = 60_000;
/** The largest object a log may answer with: an entry bundle of 256 entries of 64 KiB, with their prefixes. */
export const MAX_OBJECT_BYTES = 256 * (65_535 + 2);

export interface MirrorStatus {
  origin: string;
  originHash: string;
  /** The mirror checkpoint's size (0 before the first). */
  size: number;
  /** The pending checkpoint's size. */
  pendingSize: number;
  next: number;
  /** Why the last step failed or was refused, if it did. */
  error?: string;
  refused?: boolean;
}

export class Mirror extends DurableObject<Env> {
  private stepping: Promise<boolean> | undefined;
  private lastError: { message: string; refused: boolean } | undefined;

  private log(): MirroredLog {
    const origin = this.ctx.id.name;
    const log = mirroredLogs(this.env).find((l) => l.origin === origin);
    if (!log) throw new Error(`the mirror of ${origin} is not configured (MIRRORED_LOGS)`);
    return log;
  }

  async wake(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  async status(): Promise<MirrorStatus> {
    const log = this.log();
    const s = await this.state();
    return {
      origin: log.origin,
      originHash: log.originHash,
      size: s.mirror?.size ?? 0,
      pendingSize: s.pending?.size ?? 0,
      next: s.next,
      ...(this.lastError ? { error: this.lastError.message, refused: this.lastError.refused } : {}),
    };
  }

  /** Steps until the mirror is at the log's checkpoint or a step fails (tests, operators); the alarm does the same. */
  async catchUp(): Promise<MirrorStatus> {
    try {
      while (!(await this.step())) {
        // bounded steps
      }
    } catch {
      // kept in lastError, shown by status()
    }
    return this.status();
  }

  override async alarm(): Promise<void> {
    if (!mirroredLogs(this.env).some((l) => l.origin === this.ctx.id.name)) return; // no longer mirrored: let the alarm lapse
    try {
      const caughtUp = await this.step();
      await this.ctx.storage.setAlarm(Date.now() + (caughtUp ? POLL_MS : 0));
    } catch {
      await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    }
  }

  private async state(): Promise<MirrorState> {
    return (await this.ctx.storage.get<MirrorState>("state")) ?? EMPTY_MIRROR;
  }

  private step(): Promise<boolean> {
    this.stepping ??= this.runStep().finally(() => (this.stepping = undefined));
    return this.stepping;
  }

  private async runStep(): Promise<boolean> {
    const log = this.log();
    try {
      const key = setting(this.env, "MIRROR_SIGNING_KEY");
      if (!key) throw new Error("MIRROR_SIGNING_KEY is not configured");
      const r = await mirrorStep(
        { origin: log.origin, logKey: logKey(log.vkey), fetch: (path) => fetchPath(log.url, path) },
        this.store(log),
        await this.state(),
        newCosignatureSigner(key),
        Math.floor(Date.now() / 1000),
      );
      await this.ctx.storage.put("state", r.state);
      this.lastError = undefined;
      return r.caughtUp;
    } catch (e) {
      const refused = e instanceof MirrorRefusal;
      this.lastError = { message: (e as Error).message, refused };
      console.error(`mirror of ${log.origin}: ${refused ? "REFUSED: " : ""}${(e as Error).message}`);
      throw e;
    }
  }

  private store(log: MirroredLog): MirrorStore {
    const objects = shardObjectStore(r2ObjectStore(this.env.TILES), `${MIRROR_STORE_PREFIX}/${log.originHash}`);
    return {
      get: (path) => objects.get(path),
      put: (path, body, kind) =>
        objects.put(
          path,
          body,
          kind === "tile"
            ? { immutable: true, contentType: TILE_CONTENT_TYPE }
            : { immutable: false, contentType: CHECKPOINT_CONTENT_TYPE },
        ),
    };
  }
}

/**
 * GET <prefix>/<path>: null on 404, an error on anything else or an oversized answer. Asks for gzip as C2SP tlog-tiles
 * tells clients to; workerd's fetch decodes a gzip'd body (asked for or not), so its size is counted as it streams
 * in and the read stops at the bound: a small gzip'd body cannot unfold into more memory than any object needs.
 */
export async function fetchPath(prefix: string, path: string): Promise<Uint8Array | null> {
  const res = await fetch(`${prefix}/${path}`, {
    headers: { "User-Agent": "edgelog-mirror", "Accept-Encoding": "gzip, identity" },
  });
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${prefix}/${path}: HTTP ${res.status}`);
  }
  const body = await readBoundedBody(res, MAX_OBJECT_BYTES);
  if (body === null)
    throw new Error(`GET ${prefix}/${path}: more than any tlog-tiles object (${MAX_OBJECT_BYTES} bytes)`);
  return body;
}
