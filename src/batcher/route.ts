/**
 * Which batcher a leaf goes to: one of the shard's BATCHERS, chosen by the leaf's hash so that copies of
 * the same leaf meet in the same batch (and the sequencer answers the later ones as duplicates).
 * @module
 */
import { nativeLeafHash } from "../sequencer/native-leaf-hash.ts";
import { batcherCount } from "./settings.ts";

/** A batcher's Durable Object name: its shard, then its number (shard names have no "/"). */
export function batcherName(shard: string, n: number): string {
  return `${shard}/${n}`;
}

/** The shard a batcher (by its name) sends to. */
export function batcherShard(name: string): string {
  const cut = name.lastIndexOf("/");
  if (cut <= 0) throw new Error(`not a batcher name: ${name}`);
  return name.slice(0, cut);
}

/**
 * The batcher for `leaf` on `shard`, a fresh stub (an exception poisons a stub: Azul #80); null when BATCHERS
 * is 0, or when the deployment has no BATCHER binding (a configuration from before batchers: direct calls).
 */
export async function batcherFor(
  env: Env,
  shard: string,
  leaf: Uint8Array,
): Promise<ReturnType<Env["BATCHER"]["get"]> | null> {
  const n = batcherCount(env);
  if (n === 0 || (env as Partial<Env>).BATCHER === undefined) return null;
  const h = await nativeLeafHash(leaf);
  const pick = new DataView(h.buffer, h.byteOffset, 4).getUint32(0) % n;
  const ns = env.BATCHER;
  return ns.get(ns.idFromName(batcherName(shard, pick)));
}
