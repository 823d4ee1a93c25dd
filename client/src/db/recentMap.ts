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
