// ExternalIndex (client/src/db/externalIndex.ts): compare's in-node copy of a `~external_<store>` table must give
// every pointer the tag the SQL join would (digest in hex, then 1 when no row has the hash, else 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ExternalIndex } from '../../client/src/db/externalIndex';

const hex = (s: string) => createHash('md5').update(s).digest('hex').toUpperCase();

test('held hashes keep their tag, others are marked dangling, through many growths', () => {
  const index = new ExternalIndex(16);
  const held = Array.from({ length: 5000 }, (_, i) => hex(`held${i}`));
  for (const h of held) index.add(h);
  for (const h of held.slice(0, 100)) index.add(h); // adding again changes nothing
  assert.equal(index.size, 5000);
  for (const h of held) {
    const tag = `${h}0`;
    assert.equal(index.tagOf(tag), tag);
    assert.equal(index.tagOf(`${h.toLowerCase()}0`), `${h.toLowerCase()}0`, 'lower-case hex reads the same');
  }
  for (let i = 0; i < 5000; i++) {
    const h = hex(`absent${i}`);
    assert.equal(index.tagOf(`${h}0`), `${h}1`);
  }
});

test('hashes sharing their first words, and the all-zero hash, are told apart', () => {
  const index = new ExternalIndex(16);
  const base = 'ABCDEF0123456789ABCDEF01';
  for (let i = 0; i < 40; i += 2) index.add(base + i.toString(16).toUpperCase().padStart(8, '0'));
  for (let i = 0; i < 40; i++) {
    const h = base + i.toString(16).toUpperCase().padStart(8, '0');
    assert.equal(index.tagOf(`${h}0`), `${h}${i % 2 === 0 ? 0 : 1}`, h);
  }
  const zero = '0'.repeat(32);
  assert.equal(index.tagOf(`${zero}0`), `${zero}1`);
  index.add(zero);
  assert.equal(index.tagOf(`${zero}0`), `${zero}0`);
  assert.equal(index.size, 21);
});

test('a 0.11 carry-over is tagged with its contents hash', () => {
  const index = new ExternalIndex();
  const pointer = hex('path/to/file');
  const contents = hex('the bytes');
  index.carry(pointer, contents);
  assert.equal(index.tagOf(`${pointer}0`), `${contents}0`);
  assert.equal(index.tagOf(`${pointer.toLowerCase()}0`), `${contents}0`);
});

test('what is not a 32-digit hex tag is left as it is', () => {
  const index = new ExternalIndex();
  for (const odd of ['', 'abc0', `${'G'.repeat(32)}0`, `${'ı'.repeat(32)}0`, `${hex('x')}00`])
    assert.equal(index.tagOf(odd), odd);
  assert.throws(() => index.add('xyz'), /not a 16-byte hash/);
});
