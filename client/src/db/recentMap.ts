// A bounded memory of recently seen entries, cheaper than an LRU (lruMap.ts) when most lookups miss: two
// generations, the newer filled up to half the capacity, then the older one dropped whole and the newer
// taking its place. A hit in the older generation is copied into the newer. What is forgotten is roughly the
// least recently seen; no entry is ever deleted one by one. (For compare's pointer pairs, mostly distinct
// objects, the LRU's delete + set per entry measured about a fifth of the compare's node CPU.)
export class RecentMap<K, V> {
  private newer = new Map<K, V>();
  private older = new Map<K, V>();
  private readonly half: number;

  constructor(capacity: number) {
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: K): V | undefined {
    const v = this.newer.get(key);
    if (v !== undefined) return v;
    const old = this.older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.newer.size >= this.half) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(key, value);
  }

  /** Entries held (an entry in both generations counts twice). */
  get size(): number {
    return this.newer.size + this.older.size;
  }
}

/**
 * Whether a key was seen before, approximately, in a fixed table of 32-bit fingerprints (no strings kept, nothing
 * for the garbage collector): each key's fingerprint has one slot, a later key with the same slot takes it over.
 * Used to remember in a RecentMap only what repeats: entries kept for keys that never come back are garbage that
 * outlives the young generation, and let V8's old generation grow to several times what is live. A wrong answer
 * only means remembering one entry too many or too few.
 */
export class SeenBefore {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(bits = 16) {
    this.slots = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  /** True when `key`'s fingerprint is in its slot (seen before); else it is put there. */
  check(key: string): boolean {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h |= 1; // never 0, the empty slot
    const slot = (h >>> 7) & this.mask;
    if (this.slots[slot] === h) return true;
    this.slots[slot] = h;
    return false;
  }
}
