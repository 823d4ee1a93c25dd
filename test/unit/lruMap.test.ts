// The bounded least-recently-used map behind the copy, compare and verify caches: exactly the entries a plain
// list model keeps, in the same order, after random uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruMap } from '../../client/src/db/lruMap';

function model(capacity: number) {
  const entries: [string, number][] = [];
  return {
    get(k: string): number | undefined {
      const i = entries.findIndex((e) => e[0] === k);
      if (i < 0) return undefined;
      const [e] = entries.splice(i, 1);
      entries.push(e);
      return e[1];
    },
    set(k: string, v: number): void {
      const i = entries.findIndex((e) => e[0] === k);
      if (i >= 0) entries.splice(i, 1);
      if (entries.length >= capacity) entries.shift();
      entries.push([k, v]);
    },
    keys: () => entries.map((e) => e[0]),
  };
}

test('random gets and sets keep exactly the least recently used entries out', () => {
  for (let seed = 1; seed <= 40; seed++) {
    let x = seed;
    const rnd = () => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return x;
    };
    const capacity = 1 + (seed % 9);
    const lru = new LruMap<string, number>(capacity);
    const m = model(capacity);
    for (let step = 0; step < 3000; step++) {
      const k = `k${rnd() % 24}`;
      if (rnd() % 2) {
        lru.set(k, step);
        m.set(k, step);
      } else assert.equal(lru.get(k), m.get(k), `seed ${seed} step ${step} get ${k}`);
    }
    assert.equal(lru.size, m.keys().length);
    for (const k of m.keys()) assert.notEqual(lru.peek(k), undefined, `seed ${seed}: ${k} kept`);
  }
});

test('null is a value, not a miss', () => {
  const lru = new LruMap<string, string | null>(2);
  lru.set('a', null);
  assert.equal(lru.get('a'), null);
  lru.set('b', 'x');
  lru.set('c', 'y');
  assert.equal(lru.get('a'), undefined, 'a was the least recently used');
});
