// What the definition rules work out from a type's spelling, kept per spelling: a pipeline repeats a handful of
// spellings in every definition. Bounded: once it holds `cap` spellings it forgets them all and starts again.

export class SpellingMemo<V> {
  private readonly known = new Map<string, V>();

  constructor(private readonly cap = 4096) {}

  /** The value for `key`, worked out by `make` the first time (`make` never returns undefined). */
  get(key: string, make: () => V): V {
    let v = this.known.get(key);
    if (v === undefined) {
      v = make();
      if (this.known.size >= this.cap) this.known.clear();
      this.known.set(key, v);
    }
    return v;
  }
}
