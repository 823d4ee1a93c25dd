// A dry run after part of a copy ran lists the file work the real run would do, not more: attachments already
// rewritten into the 2.x layout (same bytes) are "already present", as the real run reports them; only the
// missing one is a rewrite to come. Here the files of a first run stay while its rows are gone (as after a chunk
// rolled back once its objects were written), and one rewritten object is removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { copy } from '../../client/src/db/copy';
import { filePath } from '../../client/src/db/stores';
import { copyScenario, emptyUserTables } from './copyScenario';

test('copy --dry-run checks which attachment rewrites are already done, as the real run does', async () => {
  const s = await copyScenario();
  try {
    const stores = s.source.storesConfig;
    const first = await copy(s.db, { pairs: s.pairs, stores });
    assert.equal(first.failed, false);
    await emptyUserTables(s.db, s.target.schemas);

    const rewrites = (ops: string[]) => ops.filter((o) => o.startsWith('rewrite '));
    const pending = (ops: string[]) =>
      rewrites(ops).filter((o) => !o.endsWith(': already present with the same bytes'));
    const dryOps: string[] = [];
    await copy(s.db, { pairs: s.pairs, stores, dryRun: true, onFileOp: (op) => dryOps.push(op) });
    assert.ok(rewrites(dryOps).length >= 2, dryOps.join('\n'));
    assert.deepEqual(pending(dryOps), [], 'every attachment is already in place');

    // Remove one rewritten object: that one, and only that one, is work to come.
    const gone = /→ attachments:(\S+) as name/.exec(rewrites(dryOps)[0])![1];
    fs.rmSync(filePath(stores.attachments, gone));
    const dry2: string[] = [];
    await copy(s.db, { pairs: s.pairs, stores, dryRun: true, onFileOp: (op) => dry2.push(op) });
    assert.equal(pending(dry2).length, 1);
    assert.match(pending(dry2)[0], new RegExp(`→ attachments:${gone.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} as name`));

    // The real run does exactly what the dry run listed.
    const realOps: string[] = [];
    const real = await copy(s.db, { pairs: s.pairs, stores, onFileOp: (op) => realOps.push(op) });
    assert.equal(real.failed, false);
    assert.deepEqual(realOps.sort(), dry2.sort());
    assert.ok(fs.existsSync(filePath(stores.attachments, gone)));
  } finally {
    await s.cleanup();
  }
});
