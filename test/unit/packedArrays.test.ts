// matchStarts and mapPacked: arrays of one (packed) elements kind whatever V8 tier builds them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerBound, matchStarts } from '../../server/src/lowerBound';
import { mapPacked } from '../../server/src/mapPacked';

test('matchStarts gives every match start in order, as matchAll does', () => {
  const text = 'a @ b ^ c @@ d';
  assert.deepEqual(matchStarts(text, /[@^]/g), [2, 6, 10, 11]);
  assert.deepEqual(
    matchStarts(text, /@+/g),
    [...text.matchAll(/@+/g)].map((m) => m.index),
  );
  assert.deepEqual(matchStarts(text, /#/g), []);
});

test('lowerBound over matchStarts finds the first match at or after an offset', () => {
  const spots = matchStarts('x.fetch(); y.fetch1()', /fetch1?/g);
  assert.deepEqual(spots, [2, 13]);
  assert.equal(lowerBound(spots, 0), 0);
  assert.equal(lowerBound(spots, 3), 1);
  assert.equal(lowerBound(spots, 13), 1);
  assert.equal(lowerBound(spots, 14), 2);
});

test('mapPacked maps as Array.prototype.map does, empty arrays included', () => {
  const xs = [{ v: 3 }, { v: 1 }, { v: 2 }];
  assert.deepEqual(
    mapPacked(xs, (x) => x.v * 2),
    xs.map((x) => x.v * 2),
  );
  assert.deepEqual(
    mapPacked([] as number[], (x) => x + 1),
    [],
  );
});
