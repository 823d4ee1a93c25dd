// Rollback as the README writes it: `db unswap --schemas …` without `--stores`. Without store settings
// the files cannot be looked at, but everything else can be compared: pointer columns are compared by
// what the rows record (content hash, path, store), never reported as differences for want of stores,
// and only a real difference refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from './harness';
import { createParallel } from '../../client/src/db/parallel';
import { copy } from '../../client/src/db/copy';
import { swapSchemas } from '../../client/src/db/swap';
import { qt } from '../../client/src/db/sql';
import { runCli } from './cliRun';

test('unswap without --stores rolls back a clean swap, and refuses only on a real difference', async () => {
  const fx = await loadFixture('dj014');
  try {
    const v2 = fx.schemas.map((s) => s + '_v2');
    await createParallel(fx.db, { schemas: fx.schemas, suffix: '_v2', unsigned: 'widen' });
    const copied = await copy(fx.db, {
      pairs: fx.schemas.map((s, i) => ({ source: s, target: v2[i] })),
      stores: fx.storesConfig,
    });
    assert.equal(copied.failed, false);
    const swapped = await swapSchemas(fx.db, {
      schemas: fx.schemas,
      suffix: '_v2',
      oldSuffix: '_old',
      stores: fx.storesConfig,
      confirm: async () => true,
    });
    assert.equal(swapped.status, 'swapped', swapped.refusals.join('\n'));
    const schemas = fx.schemas.join(',');
    const old = fx.schemas.map((s) => s + '_old');

    // compare of the same pairs, without stores, says equal
    const pairs = old.flatMap((s, i) => ['--pair', `${s}:${fx.schemas[i]}`]);
    const cmp = await runCli(['db', 'compare', '--schemas', old.join(','), ...pairs]);
    assert.equal(cmp.code, 0, cmp.out + cmp.err);

    // a real difference (a pointer column changed in the live 2.x table) still refuses, naming it
    const [, ephys] = fx.schemas;
    const where = 'subject_id = 100 AND session_idx = 0';
    const [{ lfp }] = await fx.db.query<{ lfp: string }>(`SELECT lfp FROM ${qt(ephys, 'recording')} WHERE ${where}`);
    await fx.db.execute(
      `UPDATE ${qt(ephys, 'recording')} SET lfp = JSON_SET(lfp, '$.hash', 'aaaaaaaaaaaaaaaaaaaaaaaaaa') WHERE ${where}`,
    );
    const refused = await runCli(['db', 'unswap', '--schemas', schemas, '--yes']);
    assert.equal(refused.code, 1, refused.out + refused.err);
    assert.match(refused.out, /recording: 1 differing/);
    assert.match(refused.out, /--accept-differences/);
    await fx.db.execute(`UPDATE ${qt(ephys, 'recording')} SET lfp = ? WHERE ${where}`, [lfp]);

    // without the change, the rollback goes through
    const back = await runCli(['db', 'unswap', '--schemas', schemas, '--yes']);
    assert.equal(back.code, 0, back.out + back.err);
    assert.match(back.out, /Rolled back/);
    assert.match(back.out, /no store settings found .*the files were not looked at/);
  } finally {
    await fx.cleanup();
  }
});
