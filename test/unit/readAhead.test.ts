// Compare's chunk reads started ahead (client/src/db/readAhead.ts): each read starts only once the previous one's
// upper key is in, never more than `depth` are waiting, they come out in key order, and nothing starts after the
// last chunk or once the walk stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadAhead } from '../../client/src/db/readAhead';
import type { Key } from '../../client/src/db/state';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A table of `chunks` chunks whose reads settle when the test says; `started` lists each read's lower key. */
function table(chunks: number) {
  const started: (number | null)[] = [];
  const settle: Array<() => void> = [];
  const start = (after: Key | null) => {
    const lower = after === null ? null : Number(after[0]);
    started.push(lower);
    const i = lower === null ? 0 : lower / 10;
    const upper: Key | null = i + 1 < chunks ? [(i + 1) * 10] : null;
    return new Promise<{ upper: Key | null; lower: number | null }>((resolve) =>
      settle.push(() => resolve({ upper, lower })),
    );
  };
  return { start, started, settle };
}

test('reads start one after another, as each upper key comes in, up to the depth', async () => {
  const t = table(10);
  const ahead = new ReadAhead(t.start, 3);
  assert.deepEqual(t.started, [null], 'only the first read starts before its upper key is known');
  t.settle[0]();
  await tick();
  assert.deepEqual(t.started, [null, 10]);
  t.settle[1]();
  await tick();
  t.settle[2]();
  await tick();
  assert.deepEqual(t.started, [null, 10, 20], 'three waiting: the fourth waits for a place');
  const first = await ahead.next();
  assert.equal(first.lower, null);
  await tick();
  assert.deepEqual(t.started, [null, 10, 20, 30], 'a place freed: the known upper key starts the next read');
});

test('every chunk comes out once, in key order, and nothing starts after the last', async () => {
  for (const depth of [1, 2, 4]) {
    const t = table(6);
    const ahead = new ReadAhead(t.start, depth);
    const seen: (number | null)[] = [];
    for (;;) {
      // Settle whatever has started (reads finish in any order relative to the walk).
      for (const s of t.settle.splice(0)) s();
      const r = await ahead.next();
      seen.push(r.lower);
      if (!r.upper) break;
    }
    await tick();
    assert.deepEqual(seen, [null, 10, 20, 30, 40, 50], `depth ${depth}`);
    assert.deepEqual(t.started, [null, 10, 20, 30, 40, 50], `depth ${depth}: no read past the last chunk`);
    assert.throws(() => ahead.next(), /no chunk after the last/);
  }
});

test('a stopped walk starts no more reads', async () => {
  const t = table(10);
  const ahead = new ReadAhead(t.start, 2);
  ahead.stop();
  t.settle[0]();
  await tick();
  assert.deepEqual(t.started, [null]);
});

test('a failed read starts nothing after it and fails the walk at its turn', async () => {
  let n = 0;
  const ahead = new ReadAhead<{ upper: Key | null }>(() => {
    n++;
    return Promise.reject(new Error('read failed'));
  }, 3);
  await tick();
  assert.equal(n, 1);
  await assert.rejects(ahead.next(), /read failed/);
});
