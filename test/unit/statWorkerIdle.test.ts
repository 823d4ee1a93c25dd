// The stat worker (statWorker.ts) ends after a while without work, giving back its heap, and a later request starts
// it again with the same answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MISSING, sizesOf, workerRunning } from '../../client/src/db/statWorker';

test('the stat worker ends when idle and starts again on the next request', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-statidle-'));
  try {
    const file = path.join(dir, 'a');
    fs.writeFileSync(file, 'x'.repeat(123));
    const paths = [file, path.join(dir, 'missing')];
    assert.deepEqual([...(await sizesOf(paths))], [123, MISSING]);
    assert.equal(workerRunning(), true);
    await new Promise((r) => setTimeout(r, 2600));
    assert.equal(workerRunning(), false, 'still running after 2.6 s without work');
    fs.writeFileSync(file, 'x'.repeat(7));
    assert.deepEqual([...(await sizesOf(paths))], [7, MISSING]);
    assert.equal(workerRunning(), true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
