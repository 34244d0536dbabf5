/** Checkpoint keys the user pinned, per origin, and witness keys, kept in this browser (localStorage). */
import { newCosignatureVerifier, type CosignatureVerifier } from "../src/tlog/cosignature.ts";
import { parseVerifierKey } from "./trust.ts";

const PIN_PREFIX = "edgelog-explorer:pinned-key:";
const WITNESS_PINS = "edgelog-explorer:witness-keys";

export function pinnedKey(origin: string): string | null {
  try {
    return localStorage.getItem(PIN_PREFIX + origin);
  } catch {
    return null; // storage disabled
  }
}

/** Pins `vkey` for `origin` (or clears the pin with null). Throws with a readable message when the key is not one for `origin`. */
export function setPinnedKey(origin: string, vkey: string | null): void {
  if (vkey === null) {
    localStorage.removeItem(PIN_PREFIX + origin);
    return;
  }
  const v = parseVerifierKey(vkey);
  if (v.name !== origin)
    throw new Error(`that key is for "${v.name}", but this log's checkpoints are signed as "${origin}"`);
  localStorage.setItem(PIN_PREFIX + origin, vkey.trim());
}

/** The witness keys the user pinned (cosignature verifier keys, one per line); unreadable ones are dropped. */
export function pinnedWitnessKeys(): string[] {
  try {
    return (localStorage.getItem(WITNESS_PINS) ?? "").split("\n").filter((k) => k.trim() !== "");
  } catch {
    return [];
  }
}

export function pinnedWitnesses(): CosignatureVerifier[] {
  return pinnedWitnessKeys().flatMap((k) => {
    try {
      return [newCosignatureVerifier(k.trim())];
    } catch {
      return [];
    }
  });
}

/** Pins witness keys (replacing the pinned ones). Throws with a readable message for a key that is not a witness key. */
export function setPinnedWitnessKeys(text: string): void {
  const keys = text.split(/\s+/).filter(Boolean);
  for (const k of keys) {
    try {
      newCosignatureVerifier(k);
    } catch (e) {
      throw new Error(`not a witness key: ${k.slice(0, 40)}…: ${(e as Error).message}`);
    }
  }
  localStorage.setItem(WITNESS_PINS, keys.join("\n"));
}
