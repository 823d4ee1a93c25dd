// db retire against the real server: after a backup and a swap, the _old schemas are dropped only with a
// verified backup and a confirmation naming them; store files (shared with 2.x after a pointer-only copy) stay.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadFixture, type LoadedFixture } from './harness';
import { createParallel } from '../../client/src/db/parallel';
import { copy } from '../../client/src/db/copy';
import { backupSchemas } from '../../client/src/db/backup';
import { swapSchemas } from '../../client/src/db/swap';
import { retireSchemas, type RetireOptions } from '../../client/src/db/retire';
import { verifySchemas } from '../../client/src/db/verify';
import { qt } from '../../client/src/db/sql';
import { runCli } from './cliRun';

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe('db retire', () => {
  let fx: LoadedFixture;
  let old: string[];
  const schemasExist = async (names: string[]) =>
    (
      await fx.db.query<{ s: string }>(
        'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
        [names],
      )
    )
      .map((r) => r.s)
      .sort();

  before(async () => {
    fx = await loadFixture('dj014');
    old = fx.schemas.map((s) => s + '_old');
    const b = await backupSchemas(fx.db, { schemas: fx.schemas, suffix: '_backup_20260101' });
    assert.equal(b.verified, true);
    await createParallel(fx.db, { schemas: fx.schemas, suffix: '_v2', unsigned: 'widen' });
    const c = await copy(fx.db, {
      pairs: fx.schemas.map((s) => ({ source: s, target: s + '_v2' })),
      stores: fx.storesConfig,
    });
    assert.equal(c.failed, false);
    const s = await swapSchemas(fx.db, {
      schemas: fx.schemas,
      suffix: '_v2',
      oldSuffix: '_old',
      stores: fx.storesConfig,
      confirm: async () => true,
    });
    assert.equal(s.status, 'swapped', s.refusals.join('\n'));
  });
  after(async () => fx?.cleanup());

  const opts = (extra: Partial<RetireOptions> = {}): RetireOptions => ({
    schemas: fx.schemas,
    oldSuffix: '_old',
    confirm: async () => true,
    ...extra,
  });

  it('refuses without a backup equal to the old schemas, naming what differs', async () => {
    const t = qt(fx.schemas[0] + '_backup_20260101', 'user');
    await fx.db.execute(`INSERT INTO ${t} (username, full_name) VALUES ('extra', 'x')`);
    try {
      const r = await retireSchemas(fx.db, opts({ confirm: async () => assert.fail('refused before asking') }));
      assert.equal(r.status, 'refused');
      assert.match(
        r.refusals.join('\n'),
        new RegExp(`no backup equal to ${old[0]}: ${fx.schemas[0]}_backup_20260101 differs`),
      );
      assert.deepEqual(await schemasExist(old), [...old].sort());
    } finally {
      await fx.db.execute(`DELETE FROM ${t} WHERE username = 'extra'`);
    }
    const none = await retireSchemas(fx.db, opts({ backupSuffix: '_nonesuch' }));
    assert.equal(none.status, 'refused');
    assert.match(none.refusals.join('\n'), /no backup of .* found/);
  });

  it('refuses when not confirmed; the confirmation names every schema', async () => {
    let named: string[] = [];
    const r = await retireSchemas(fx.db, opts({ confirm: async (req) => ((named = req.schemas), false) }));
    assert.equal(r.status, 'refused');
    assert.deepEqual([...named].sort(), [...old].sort());
    assert.deepEqual(await schemasExist(old), [...old].sort());
  });

  it('a dry run lists the drops children first', async () => {
    const r = await retireSchemas(fx.db, opts({ dryRun: true }));
    assert.equal(r.status, 'dry-run');
    assert.deepEqual(r.statements, [
      `DROP DATABASE \`${old[2]}\``,
      `DROP DATABASE \`${old[1]}\``,
      `DROP DATABASE \`${old[0]}\``,
    ]);
    assert.deepEqual(await schemasExist(old), [...old].sort());
  });

  it('drops the old schemas, keeps every store file and the backups; 2.x still verifies with its files', async () => {
    const before = files(fx.storesDir);
    const r = await retireSchemas(fx.db, opts());
    assert.equal(r.status, 'retired', r.refusals.join('\n'));
    assert.ok(r.sharedFiles > 0, 'the pointer-only copy shares files with 0.14.6');
    assert.deepEqual(await schemasExist(old), []);
    assert.deepEqual(files(fx.storesDir), before);
    assert.equal((await schemasExist(fx.schemas.map((s) => s + '_backup_20260101'))).length, 3);
    const v = await verifySchemas(fx.db, fx.schemas, { stores: fx.storesConfig });
    assert.equal(v.ok, true, JSON.stringify(v.tables.filter((t) => t.status === 'fail')));
    assert.ok(v.tables.reduce((a, t) => a + t.checkedValues, 0) > 0, 'files were checked');
  });

  it('CLI: nothing left to retire exits 1', async () => {
    const r = await runCli(['db', 'retire', '--schemas', fx.schemas.join(','), '--yes']);
    assert.equal(r.code, 1);
    assert.match(r.out, /does not exist|do not exist/);
  });
});
