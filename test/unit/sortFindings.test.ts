// The report order of findings: by offset then code, stable otherwise, the first of each code and range kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortFindings } from '../../server/src/engine';
import type { Finding } from '../../server/src/rules/meta';

function finding(code: string, start: number, end: number, message: string): Finding {
  return { code, start, end, message, severity: 'warning', safety: 'manual' } as Finding;
}

test('duplicates of a code and range are dropped (the first kept), also when not next to each other', () => {
  const list = [
    finding('DJ100', 5, 9, 'a'),
    finding('DJ100', 5, 12, 'b'),
    finding('DJ001', 5, 9, 'c'),
    finding('DJ100', 5, 9, 'dropped'),
    finding('DJ100', 2, 3, 'd'),
    finding('DJ100', 5, 12, 'dropped too'),
  ];
  const sorted = sortFindings(list);
  assert.deepEqual(
    sorted.map((f) => f.message),
    ['d', 'c', 'a', 'b'],
  );
  assert.equal(list.length, 6, 'the input is left as it was');
});

test('the same result as removing every later copy of a code and range, then a stable sort', () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 50; round++) {
    const list = Array.from({ length: 40 }, (_, i) => {
      const start = rnd(10);
      return finding(`DJ00${rnd(3)}`, start, start + rnd(3), String(i));
    });
    const seen = new Set<string>();
    const expected = list
      .filter((f) => {
        const k = `${f.code}:${f.start}:${f.end}`;
        return !seen.has(k) && !!seen.add(k);
      })
      .sort((a, b) => a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    assert.deepEqual(sortFindings(list), expected);
  }
});
