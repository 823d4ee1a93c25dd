// The value comparisons compare.ts relies on (client/src/db/compareValues.ts), tested directly: each
// asserts both what must be equal and what must differ, so a loosened comparison fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asText,
  canonicalKeyPart,
  compareJson2x,
  compareJsonText,
  deepEqual,
  floatsEqual,
  normalizeDecimal,
  normalizeTemporal,
  printable,
  toBuffer,
} from '../../client/src/db/compareValues';

test('floats: equal within the tolerance (absolute or relative), different beyond it; NaN never equal', () => {
  assert.equal(floatsEqual(1, 1, 0), true);
  assert.equal(floatsEqual(1.0000001, 1, 1e-6), true);
  assert.equal(floatsEqual(1.00001, 1, 1e-6), false);
  assert.equal(floatsEqual(1e12, 1e12 + 1, 1e-6), true, 'relative: 1 in 1e12');
  assert.equal(floatsEqual(1e12, 1e12 + 1e7, 1e-6), false);
  assert.equal(floatsEqual(0, 1e-7, 1e-6), true, 'absolute near zero');
  assert.equal(floatsEqual(-1, 1, 1e-6), false, 'sign matters');
  assert.equal(floatsEqual(0.1 + 0.2, 0.3, 0), false, 'tolerance 0 is exact');
  assert.equal(floatsEqual(Number.NaN, Number.NaN, 1), false);
  assert.equal(floatsEqual(Number.NaN, 0, 1), false);
  assert.equal(floatsEqual(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0), true);
  assert.equal(floatsEqual(Number.POSITIVE_INFINITY, 1e308, 1e-6), false);
  assert.equal(
    floatsEqual(Number.NEGATIVE_INFINITY, 1, 1e-6),
    false,
    'an infinity is not within any tolerance of a number',
  );
});

test('decimals: exact, whatever the spelling (zeros, signs), never rounded', () => {
  assert.equal(normalizeDecimal('001.500'), '1.5');
  assert.equal(normalizeDecimal('+1.50'), normalizeDecimal('1.5'));
  assert.equal(normalizeDecimal('-0.000'), '0', 'negative zero is zero');
  assert.equal(normalizeDecimal('-0.10'), '-0.1');
  assert.equal(normalizeDecimal('10'), '10', 'trailing integer zeros stay');
  assert.equal(normalizeDecimal('10.0'), '10');
  assert.equal(normalizeDecimal('0.5'), '0.5');
  assert.notEqual(normalizeDecimal('1.0000000001'), normalizeDecimal('1'));
  assert.notEqual(normalizeDecimal('-1.5'), normalizeDecimal('1.5'));
  assert.notEqual(normalizeDecimal('100'), normalizeDecimal('10'));
});

test('temporal: fractional zeros do not matter, anything else does', () => {
  assert.equal(normalizeTemporal('2024-01-01 10:00:00.000'), '2024-01-01 10:00:00');
  assert.equal(normalizeTemporal('2024-01-01 10:00:00.500'), '2024-01-01 10:00:00.5');
  assert.equal(normalizeTemporal('2024-01-01 10:00:00'), '2024-01-01 10:00:00');
  assert.notEqual(normalizeTemporal('2024-01-01 10:00:00.5'), normalizeTemporal('2024-01-01 10:00:00.05'));
});

test('deepEqual: extra and missing keys, nested arrays, types, null', () => {
  assert.equal(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true, 'key order is no difference');
  assert.equal(deepEqual({ a: 1 }, { a: 1, b: 2 }), false, 'an extra key on the right');
  assert.equal(deepEqual({ a: 1, b: 2 }, { a: 1 }), false, 'a missing key on the right');
  assert.equal(deepEqual({ a: undefined }, {}), false, 'a present-but-undefined key is not absence');
  assert.equal(deepEqual({ a: { x: 1 } }, { a: { x: 1, y: null } }), false, 'extra key nested');
  assert.equal(deepEqual([1, [2, [3]]], [1, [2, [3]]]), true);
  assert.equal(deepEqual([1, [2, [3]]], [1, [2, [4]]]), false);
  assert.equal(deepEqual([1, 2], [1, 2, 3]), false, 'array length');
  assert.equal(deepEqual([1, 2, 3], [1, 2]), false);
  assert.equal(deepEqual([[1, 2]], [[2, 1]]), false, 'array order matters');
  assert.equal(deepEqual([], {}), false, 'array vs object');
  assert.equal(deepEqual({ 0: 'a' }, ['a']), false);
  assert.equal(deepEqual(1, '1'), false);
  assert.equal(deepEqual(null, {}), false);
  assert.equal(deepEqual({}, null), false);
  assert.equal(deepEqual(null, null), true);
});

test('JSON text compared by value: spelling is no difference, extra keys and double encoding are', () => {
  assert.equal(compareJsonText('{"a": 1, "b": [1,2]}', '{"b":[1, 2],"a":1}'), null);
  assert.equal(compareJsonText('{"a":1.0}', '{"a":1}'), null, 'number spelling');
  assert.equal(compareJsonText('{"a":1}', '{"a":1,"b":2}'), 'JSON value differs', 'extra key in test');
  assert.equal(compareJsonText('{"a":1,"b":2}', '{"a":1}'), 'JSON value differs', 'missing key in test');
  assert.equal(compareJsonText('{"a":[1,[2,3]]}', '{"a":[1,[3,2]]}'), 'JSON value differs', 'nested arrays');
  assert.equal(compareJsonText('{"a":"1"}', '{"a":1}'), 'JSON value differs', 'string vs number');
  assert.match(compareJsonText('{"a":1}', JSON.stringify('{"a":1}')) ?? '', /double-encoded JSON in test/);
  assert.match(compareJsonText(JSON.stringify('{"a":1}'), '{"a":1}') ?? '', /double-encoded JSON in production/);
  assert.equal(compareJsonText('not json', 'not json'), null);
  assert.equal(compareJsonText('not json', 'not json!'), 'not valid JSON and the text differs');
});

test('2.x in-store JSON: same object by hash; file paths by path (and hash when both have one)', () => {
  const h1 = 'aaaaaaaaaaaaaaaaaaaaaaaaaa';
  const h2 = 'bbbbbbbbbbbbbbbbbbbbbbbbbb';
  assert.equal(
    compareJson2x('blob', JSON.stringify({ hash: h1, path: 'x' }), JSON.stringify({ hash: h1, path: 'y' })),
    null,
  );
  assert.match(
    compareJson2x('blob', JSON.stringify({ hash: h1 }), JSON.stringify({ hash: h2 })) ?? '',
    /content hash differs/,
  );
  assert.equal(compareJson2x('filepath', '{"path":"a/b"}', '{"path":"a/b","hash":"' + h1 + '"}'), null);
  assert.equal(compareJson2x('filepath', '{"path":"a/b"}', '{"path":"a/c"}'), 'file path differs');
  assert.equal(
    compareJson2x('filepath', `{"path":"a/b","hash":"${h1}"}`, `{"path":"a/b","hash":"${h2}"}`),
    'file path differs',
  );
  assert.equal(compareJson2x('blob', 'x', 'x'), null);
  assert.equal(compareJson2x('blob', 'x', 'y'), 'not valid JSON');
});

test('bytes, text and keys: exact, and binary never confused with its text spelling', () => {
  assert.equal(toBuffer(Buffer.from([0, 255])).equals(Buffer.from([0, 255])), true);
  assert.equal(toBuffer('é').equals(Buffer.from('é', 'utf8')), true);
  assert.equal(asText(Buffer.from('abc')), 'abc');
  assert.equal(asText(12), '12');
  assert.notEqual(canonicalKeyPart(Buffer.from('61', 'hex')), canonicalKeyPart('61'));
  assert.notEqual(canonicalKeyPart(Buffer.from('a')), canonicalKeyPart('a'));
  assert.equal(canonicalKeyPart(Buffer.from([1, 2])), canonicalKeyPart(Buffer.from([1, 2])));
  assert.equal(printable(null), 'NULL');
  assert.match(printable(Buffer.alloc(100)), /… \(100 bytes\)$/);
  assert.equal(printable('x'.repeat(300)).length, 201);
});
