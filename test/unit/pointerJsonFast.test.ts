// Compare's quick confirmation of a pointer JSON spelled as the copy spells it (pointerJsonFast.ts): it must say
// yes only where the full check (JSON.parse, base32Hash, filePath + stat) finds no difference, and must not
// confirm a wrong hash, a wrong store, a missing file, a file of another size, or text JSON.parse would refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spellsBase32OfHex, QuickPointerCheck, sizeConfirms } from '../../client/src/db/pointerJsonFast';
import { sizesNow } from '../../client/src/db/statWorker';
import { base32Hash } from '../../client/src/db/hash';
import { fileStore } from '../../client/src/db/stores';
import { RecentMap, SeenBefore } from '../../client/src/db/recentMap';

test('spellsBase32OfHex matches what base32Hash spells, for either case of hex, and nothing else', () => {
  for (let i = 0; i < 500; i++) {
    const b = randomBytes(16);
    const spelled = `{"x":"${base32Hash(b)}"`;
    assert.equal(spellsBase32OfHex(spelled, 6, b.toString('hex')), true);
    assert.equal(spellsBase32OfHex(spelled, 6, `${b.toString('hex').toUpperCase()}0`), true);
    // any other letter at any place, or the text one place off
    const k = 6 + (i % 26);
    const other = spelled.slice(0, k) + (spelled[k] === 'a' ? 'b' : 'a') + spelled.slice(k + 1);
    assert.equal(spellsBase32OfHex(other, 6, b.toString('hex')), false);
    assert.equal(spellsBase32OfHex(spelled, 5, b.toString('hex')), false);
  }
  const zeros = `{"x":"${base32Hash(Buffer.alloc(16))}"`;
  assert.equal(spellsBase32OfHex(zeros, 6, '0'.repeat(32)), true);
  assert.equal(spellsBase32OfHex(zeros, 6, '0'.repeat(31)), false);
  assert.equal(spellsBase32OfHex(zeros, 6, `${'0'.repeat(31)}g`), false);
  assert.equal(spellsBase32OfHex(zeros.slice(0, 20), 6, '0'.repeat(32)), false);
});

/** What compare does with a pair (comparePointerSql.ts agree/settle): the spelling, then the file's size. */
function confirms(quick: QuickPointerCheck, text: string, hex: string): boolean {
  const s = quick.spelled(text, hex);
  return s !== null && (s.file === null || sizeConfirms(sizesNow([s.file])[0], s.size));
}

test('a quick confirmation only where the full check would pass', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-quickptr-'));
  try {
    const store = fileStore('raw', root);
    const digest = randomBytes(16);
    const hex = digest.toString('hex');
    const rel = `lab/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`;
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), Buffer.alloc(37));
    const spell = (o: Record<string, unknown>) =>
      JSON.stringify({ hash: base32Hash(digest), path: rel, schema: 'lab_v2', store: 'raw', size: 37, ...o });
    const quick = QuickPointerCheck.of('raw', 'exists', store)!;
    assert.ok(quick);
    assert.equal(confirms(quick, spell({}), hex.toUpperCase()), true);
    // wrong hash, wrong store, another digest
    assert.equal(confirms(quick, spell({ hash: 'a'.repeat(26) }), hex), false);
    assert.equal(confirms(quick, spell({ store: 'other' }), hex), false);
    assert.equal(confirms(quick, spell({}), randomBytes(16).toString('hex')), false);
    // wrong size, missing file, a path that leaves the root or is not plain
    assert.equal(confirms(quick, spell({ size: 36 }), hex), false);
    assert.equal(confirms(quick, spell({ size: 1e20 }), hex), false);
    assert.equal(confirms(quick, spell({ path: `${rel}x` }), hex), false);
    assert.equal(confirms(quick, spell({ path: `../${path.basename(root)}/${rel}` }), hex), false);
    assert.equal(confirms(quick, spell({ path: `lab/./${rel.slice(4)}` }), hex), false);
    // spellings JSON.parse reads differently or refuses, and other key orders: not confirmed (the full check decides)
    const text = spell({});
    assert.equal(confirms(quick, text.replace('"schema":"lab_v2"', '"schema":"lab\nv2"'), hex), false);
    assert.equal(confirms(quick, text.replace('"schema":"lab_v2"', '"schema":"lab\\u005fv2"'), hex), false);
    assert.equal(confirms(quick, text.replace('}', ',"size":1}'), hex), false);
    assert.equal(confirms(quick, text.replace('"size":37', '"size":037'), hex), false);
    assert.equal(confirms(quick, text.replace('"size":37', '"size":37.0'), hex), false);
    assert.equal(confirms(quick, text.replace('{"hash"', '{ "hash"'), hex), false);
    assert.equal(confirms(quick, JSON.stringify({ ...JSON.parse(text), extra: 1 }), hex), false);
    // without file checks the rows alone are confirmed; md5 checks and S3 are never quick
    assert.equal(confirms(QuickPointerCheck.of('raw', 'none', undefined)!, spell({ size: 36 }), hex), true);
    assert.equal(QuickPointerCheck.of('raw', 'hash', store), null);
    assert.equal(QuickPointerCheck.of('raw', 'exists', undefined), null);
    assert.equal(QuickPointerCheck.of('raw', 'exists', { ...store, protocol: 's3' }), null);
    // a store name JSON must escape is matched as JSON.stringify spells it
    const odd = QuickPointerCheck.of('st"ore', 'exists', store)!;
    assert.equal(confirms(odd, spell({ store: 'st"ore' }), hex), false, 'escaped text takes the full parse');
    assert.equal(confirms(odd, spell({}), hex), false);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('RecentMap keeps the recent half and finds entries of the older generation', () => {
  const m = new RecentMap<number, number>(10);
  for (let i = 0; i < 10; i++) m.set(i, i * 2);
  // 0..4 were the older generation when 5..9 filled the newer one; a read of 5 still finds it
  assert.equal(m.get(5), 10);
  assert.equal(m.get(9), 18);
  m.set(10, 20);
  assert.ok(m.size <= 10);
  assert.equal(m.get(10), 20);
  assert.equal(m.get(0), undefined);
});

test("SeenBefore says yes from a key's second sighting on and keeps at most one key per slot", () => {
  const seen = new SeenBefore(4);
  const keys = Array.from({ length: 64 }, (_, i) => randomBytes(16).toString('hex') + String(i % 2));
  assert.equal(seen.check(keys[0]), false);
  assert.equal(seen.check(keys[0]), true);
  assert.equal(seen.check(keys[0]), true);
  // 16 slots: of 64 other keys, some take keys[0]'s slot; after them it is seen as new again
  for (const k of keys.slice(1)) seen.check(k);
  const again = keys.slice(1).filter((k) => seen.check(k)).length;
  assert.ok(again <= 16, `at most one key per slot remembered (${again})`);
});
