// The repository keeps a read-only copy of the fixtures so a clone anywhere runs every test; that the copy still
// equals its origin is checked by `npm run check:vendored` (scripts/check-vendored.mjs), not by a test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir } from '../helpers/paths';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

test('the fixtures in the repository are complete', () => {
  const mine = files(fixturesDir);
  for (const needed of [
    'dj014/pipeline.sql',
    'dj014/values.json',
    'dj014/pipeline014.py',
    'dj2/pipeline.sql',
    'dj2/pipeline2.py',
    'README.md',
  ]) {
    assert.ok(mine.has(needed), needed);
  }
  assert.ok([...mine.keys()].some((k) => k.startsWith('dj014/stores/raw/')));
});
