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

test('a byte budget forgets the least recently used entries until the new one fits', () => {
  const bytesOf = (k: string, v: string) => k.length + v.length;
  const lru = new LruMap<string, string>(100, { maxBytes: 10, bytesOf });
  lru.set('a', 'xxx'); // 4
  lru.set('b', 'xxx'); // 8
  assert.equal(lru.get('a'), 'xxx'); // a is now the most recently used
  lru.set('c', 'xxxx'); // 5 more: b (least recently used) goes, a stays (4 + 5 = 9)
  assert.equal(lru.peek('b'), undefined);
  assert.equal(lru.peek('a'), 'xxx');
  assert.equal(lru.peek('c'), 'xxxx');
  lru.set('a', 'x'); // replacing an entry counts its new size only: 2 + 5 = 7
  lru.set('d', 'xx'); // 3 more: 10, fits
  assert.equal(lru.size, 3);
  lru.set('e', 'xxxxxxxxxxxxxxx'); // larger than the budget alone: everything else goes, it stays
  assert.equal(lru.size, 1);
  assert.equal(lru.peek('e'), 'xxxxxxxxxxxxxxx');
});

test('with a byte budget, random uses keep the entries a model keeps', () => {
  let x = 7;
  const rnd = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x;
  };
  const bytesOf = (_k: string, v: number) => 1 + (v % 5);
  const lru = new LruMap<string, number>(6, { maxBytes: 12, bytesOf });
  let entries: [string, number][] = [];
  for (let step = 0; step < 5000; step++) {
    const k = `k${rnd() % 16}`;
    if (rnd() % 2) {
      lru.set(k, step);
      entries = entries.filter((e) => e[0] !== k);
      const used = () => entries.reduce((a, e) => a + bytesOf(e[0], e[1]), 0);
      while (entries.length && (entries.length >= 6 || used() + bytesOf(k, step) > 12)) entries.shift();
      entries.push([k, step]);
    } else {
      const i = entries.findIndex((e) => e[0] === k);
      const want = i < 0 ? undefined : entries[i][1];
      if (i >= 0) entries.push(...entries.splice(i, 1));
      assert.equal(lru.get(k), want, `step ${step} get ${k}`);
    }
  }
  assert.equal(lru.size, entries.length);
});
