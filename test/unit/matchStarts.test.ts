// matchStarts: the match offsets lowerBound searches, one packed array whatever the number of matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerBound, matchStarts } from '../../server/src/lowerBound';

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
