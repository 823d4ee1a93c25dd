// fileCheck=present's listing of a store folder (statWorker.ts listDigests, ExternalIndex.markPresent, and
// QuickPointerCheck.canonicalAt): an object counts as present only when a file (or directory, or a link to one)
// named by its digest sits in the folders 0.14.6's subfolding gives it; anything else in the folder is passed over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { digestsNow, digestsUnder } from '../../client/src/db/statWorker';
import { ExternalIndex } from '../../client/src/db/externalIndex';
import { QuickPointerCheck } from '../../client/src/db/pointerJsonFast';
import { base32Hash } from '../../client/src/db/hash';
import { fileStore } from '../../client/src/db/stores';

/** The 16-byte digests of a listing, as lower-case hex, sorted. */
const hexes = (d: Uint8Array | null) =>
  d === null
    ? null
    : Array.from({ length: d.length / 16 }, (_, i) =>
        Buffer.from(d.subarray(i * 16, i * 16 + 16)).toString('hex'),
      ).sort();

function folded(hex: string, folding: readonly number[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const w of folding) {
    parts.push(hex.slice(at, at + w));
    at += w;
  }
  return path.join(...parts, hex);
}

test('a listing finds the objects at their folded paths and nothing else, on the worker as here', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-listing-'));
  try {
    for (const folding of [[2, 2], [], [1, 3]]) {
      const dir = path.join(root, `lab${folding.join('')}`);
      const present = Array.from({ length: 300 }, () => randomBytes(16).toString('hex'));
      for (const h of present) {
        const file = path.join(dir, folded(h, folding));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, h);
      }
      const odd = randomBytes(16).toString('hex');
      const oddDir = path.join(dir, path.dirname(folded(present[0], folding)));
      // in the wrong folder, upper case, an attachment's name, a temporary file, not hex, a dangling link
      const wrongFolder = odd.startsWith(present[0].slice(0, 4)) ? `f${odd.slice(1)}` : odd;
      fs.writeFileSync(path.join(oddDir, wrongFolder), '');
      fs.writeFileSync(path.join(oddDir, present[0].toUpperCase()), '');
      fs.writeFileSync(path.join(oddDir, `${present[0]}.dat`), '');
      fs.writeFileSync(path.join(oddDir, `${present[0].slice(0, 31)}`), '');
      const notHex = `${present[0].slice(0, 30)}zz`;
      fs.writeFileSync(path.join(oddDir, notHex), '');
      const dangling = `${present[0].slice(0, 16)}${'0'.repeat(16)}`;
      fs.symlinkSync(path.join(root, 'nowhere'), path.join(oddDir, dangling));
      // a link to a file and a directory named by a digest both count (checkFile passes a directory)
      const linked = `${present[0].slice(0, 16)}${'1'.repeat(16)}`;
      fs.symlinkSync(path.join(dir, folded(present[1], folding)), path.join(oddDir, linked));
      const asDir = `${present[0].slice(0, 16)}${'2'.repeat(16)}`;
      fs.mkdirSync(path.join(oddDir, asDir));
      const expected = [...present, ...(folding.length ? [linked, asDir] : [linked, asDir, wrongFolder])].sort();
      const here = hexes(digestsNow(dir, folding));
      assert.deepEqual(here, [...new Set(expected)].sort(), `folding [${folding}]`);
      assert.deepEqual(hexes(await digestsUnder(dir, folding)), here, 'the worker lists the same');
    }
    assert.equal(digestsNow(path.join(root, 'absent'), [2, 2]), null);
    assert.equal(await digestsUnder(path.join(root, 'absent'), [2, 2]), null);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('the index notes which held hashes a listing found; others, and hashes it does not hold, are absent', () => {
  const held = Array.from({ length: 3000 }, () => randomBytes(16));
  const index = new ExternalIndex(16);
  for (const h of held) index.add(h.toString('hex'));
  index.add('0'.repeat(32));
  const found = held.filter((_, i) => i % 3 !== 0);
  const stranger = randomBytes(16);
  assert.equal(index.isPresent(held[1].toString('hex')), false, 'nothing is present before a listing');
  index.markPresent(Buffer.concat([...found, stranger, Buffer.alloc(16)]));
  held.forEach((h, i) => {
    const hex = h.toString('hex').toUpperCase();
    assert.equal(index.isPresent(hex), i % 3 !== 0, `hash ${i}`);
    // tagOf leaves where it found the hash: presentAt answers the same without parsing it again
    assert.equal(index.tagOf(`${hex}0`), `${hex}0`);
    assert.equal(index.presentAt(index.lastAt), i % 3 !== 0);
  });
  assert.equal(index.isPresent('0'.repeat(32)), true, 'the all-zero hash');
  assert.equal(index.isPresent(stranger.toString('hex')), false, 'a file without a row');
  assert.equal(index.tagOf(`${stranger.toString('hex')}0`).endsWith('1'), true);
  assert.equal(index.presentAt(index.lastAt), false);
  // Growing forgets presence (the caller then stats): never a stale "present".
  for (let i = 0; i < 10_000; i++) index.add(randomBytes(16).toString('hex'));
  assert.equal(index.isPresent(found[0].toString('hex')), false);
});

test("the index keeps each row's size, also past 32 bits and through growths", () => {
  const index = new ExternalIndex(16);
  const held = Array.from({ length: 2000 }, (_, i) => [randomBytes(16).toString('hex'), i * 7] as const);
  for (const [h, size] of held) index.add(h, size);
  const big = randomBytes(16).toString('hex');
  index.add(big, 2 ** 40 + 3);
  const unknown = randomBytes(16).toString('hex');
  index.add(unknown);
  index.carry(randomBytes(16).toString('hex'), randomBytes(16).toString('hex'), 99);
  const sizeOf = (h: string) => {
    index.tagOf(`${h}0`);
    return index.sizeAt(index.lastAt);
  };
  for (const [h, size] of held) assert.equal(sizeOf(h), size);
  assert.equal(sizeOf(big), 2 ** 40 + 3);
  assert.equal(sizeOf(unknown), -1);
  assert.equal(sizeOf(randomBytes(16).toString('hex')), -1, 'a hash without a row');
  // seenBefore: no on a hash's first sighting, yes from then on; never for a hash without a row
  const seen = (h: string) => {
    index.tagOf(`${h}0`);
    return index.seenBefore(index.lastAt);
  };
  for (const [h] of held.slice(0, 50)) assert.equal(seen(h), false);
  for (const [h] of held.slice(0, 50)) assert.equal(seen(h.toUpperCase()), true);
  assert.equal(seen(held[60][0]), false);
  const stranger = randomBytes(16).toString('hex');
  assert.equal(seen(stranger), false);
  assert.equal(seen(stranger), false);
  index.add('0'.repeat(32), 5);
  assert.equal(seen('0'.repeat(32)), false);
  assert.equal(seen('0'.repeat(32)), true);
  assert.equal(sizeOf('0'.repeat(32)), 5);
});

test('canonicalAt: the path 0.14.6 gives the digest in the listed schema, and only that', () => {
  const digest = randomBytes(16);
  const hex = digest.toString('hex');
  const spell = (p: string) =>
    JSON.stringify({ hash: base32Hash(digest), path: p, schema: 'lab_v2', store: 'raw', size: 3 });
  const root = path.join(os.tmpdir(), 'djm-canonical');
  for (const folding of [[2, 2], [], [3]]) {
    const quick = QuickPointerCheck.of('raw', 'present', { ...fileStore('raw', root), subfolding014: folding })!;
    const canonical = `lab/${folded(hex, folding)}`;
    for (const h of [hex, `${hex.toUpperCase()}0`]) {
      assert.equal(quick.canonicalAt(spell(canonical), h, 'lab'), true, `[${folding}] ${canonical}`);
      assert.deepEqual(quick.spelled(spell(canonical), h, 'lab'), { file: null, size: 3, listed: true });
    }
    for (const other of [
      `labs/${folded(hex, folding)}`,
      `la/${folded(hex, folding)}`,
      `lab/${folded(hex, folding).toUpperCase()}`,
      `lab/${folded(hex, folding)}.dat`,
      `lab/x/${folded(hex, folding)}`,
      `lab/${folded(randomBytes(16).toString('hex'), folding)}`,
    ]) {
      assert.equal(quick.canonicalAt(spell(other), hex, 'lab'), false, other);
      const s = quick.spelled(spell(other), hex, 'lab');
      assert.equal(s?.listed ?? false, false, other);
    }
    // Not listing (listedIn null): the file to stat, as before.
    assert.deepEqual(quick.spelled(spell(canonical), hex), {
      file: `${root}/${canonical}`,
      size: 3,
      listed: false,
    });
  }
});
