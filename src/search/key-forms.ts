/**
 * The forms and bounds of index keys that a client needs to name a key (selectors.ts), apart from the
 * extractors that find keys in entries: no certificate parsing here, so the browser explorer can use it.
 * @module
 */

/** Bounds on what one entry puts in the index (keys are D1 primary-key values). */
export const MAX_KEYS_PER_ENTRY = 100;
export const MAX_KEY_LENGTH = 2048;

/** The email form every email key uses: trimmed, lowercased (the whole address, as Rekor does). */
export function normalizeEmail(s: string): string {
  return s.trim().toLowerCase();
}
