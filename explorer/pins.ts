/** Checkpoint keys the user pinned, per origin, kept in this browser (localStorage). */
import { parseVerifierKey } from "./trust.ts";

const PIN_PREFIX = "edgelog-explorer:pinned-key:";

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
  if (v.name !== origin) throw new Error(`that key is for "${v.name}", but this log's checkpoints are signed as "${origin}"`);
  localStorage.setItem(PIN_PREFIX + origin, vkey.trim());
}

