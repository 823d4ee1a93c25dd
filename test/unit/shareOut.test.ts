// The parallel check's shares: every file once, in order, consecutive; this thread's share the smaller one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAIN_SHARE, shareOut } from '../../server/src/parallel/pool';

test('shares cover every file once, in order, this thread taking MAIN_SHARE of an equal share', () => {
  for (const files of [16, 48, 49, 1000, 1001]) {
    for (const n of [1, 2, 3, 8]) {
      const list = Array.from({ length: files }, (_, i) => i);
      const shares = shareOut(list, n);
      assert.equal(shares.length, n);
      assert.deepEqual(shares.flat(), list);
      if (n === 1) continue;
      assert.equal(shares[0].length, Math.round((files * MAIN_SHARE) / n));
      const rest = shares.slice(1).map((s) => s.length);
      assert.ok(Math.max(...rest) - Math.min(...rest) <= 1, `worker shares ${rest} differ by more than one`);
      assert.ok(shares[0].length <= Math.min(...rest), `this thread's share ${shares[0].length} is not the smallest`);
    }
  }
});
