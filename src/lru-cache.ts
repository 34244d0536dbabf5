/**
 * Compute once, serve many: the isolate's own bounded caches (least recently used first out). What goes
 * in is only what was verified (a checkpoint or integrated times whose signature checked, an answer
 * proven against a verified root) or what the log signed itself, keyed by everything it depends on.
 *
 * Tests clear them between tests ({@link clearCaches}): test isolation rolls storage back, which no
 * deployed log does.
 * @module
 */

/** A bounded map: reading an entry makes it the most recent; the least recent goes first. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  private weight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Infinity,
    private readonly weigh: (v: V) => number = () => 0,
  ) {
    registry.push(this);
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const w = this.weigh(value);
    if (w > this.maxWeight) return;
    this.map.set(key, value);
    this.weight += w;
    while (this.map.size > this.maxEntries || this.weight > this.maxWeight)
      this.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    this.weight -= this.weigh(v);
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.map.size;
  }
}

const registry: { clear(): void }[] = [];
const clearHooks: (() => void)[] = [];

/** Registers state that clearCaches must also forget (e.g. the newest checkpoint seen). */
export function onClearCaches(hook: () => void): void {
  clearHooks.push(hook);
}

/** Forgets everything cached in this isolate's memory (tests: storage is rolled back between them). */
export function clearCaches(): void {
  for (const c of registry) c.clear();
  for (const h of clearHooks) h();
}
