// The bounded cache of converted pointer cells (copy and cross-server copy): a real conversion serves dry runs,
// a dry one never serves a real copy, and the least recently used cell is the one forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConvertedCache } from '../../client/src/db/convertedCache';

const ptr = (n: number) => Buffer.from(n.toString(16).padStart(32, '0'), 'hex');
const cell = (json: string) => ({ json, value: { hash: json }, missing: null });

test('a real conversion serves a dry run; a dry conversion does not serve a real copy', () => {
  const c = new ConvertedCache(10);
  c.set(0, ptr(1), true, cell('dry'));
  assert.equal(c.get(0, ptr(1), false), undefined);
  assert.equal(c.get(0, ptr(1), true)?.json, 'dry');
  c.set(0, ptr(1), false, cell('real'));
  assert.equal(c.get(0, ptr(1), false)?.json, 'real');
  c.set(0, ptr(1), true, cell('dry again'));
  assert.equal(c.get(0, ptr(1), true)?.json, 'real', 'a dry run does not replace a real conversion');
});

test('cells are per column and per pointer byte, and the least recently used is forgotten first', () => {
  const c = new ConvertedCache(3);
  c.set(0, ptr(1), false, cell('a'));
  c.set(1, ptr(1), false, cell('b'));
  c.set(0, ptr(0x80ff), false, cell('c'));
  assert.equal(c.get(0, ptr(0x81ff), false), undefined);
  // Used in the order c, b, a: c is now the least recently used.
  assert.equal(c.get(0, ptr(0x80ff), false)?.json, 'c');
  assert.equal(c.get(1, ptr(1), false)?.json, 'b');
  assert.equal(c.get(0, ptr(1), false)?.json, 'a');
  c.set(0, ptr(2), false, cell('d'));
  assert.equal(c.size, 3);
  assert.equal(c.get(0, ptr(0x80ff), false), undefined);
  assert.deepEqual(
    [c.get(1, ptr(1), false)?.json, c.get(0, ptr(1), false)?.json, c.get(0, ptr(2), false)?.json],
    ['b', 'a', 'd'],
  );
});
