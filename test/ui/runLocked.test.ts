// A writing operation started from the UI takes the same run locks as the CLI: while another session holds the
// lock of a schema it would write, it is refused before it writes anything, naming the holder; reading
// operations do not wait for locks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { LockHeldError, runLockName } from '../../client/src/db/connect/lock';
import { OPERATIONS, runLockSchemas, runOperation, type OperationContext } from '../../client/src/ui/operations';
import { loadFixture, testServer, type LoadedFixture } from '../db/harness';

describe('UI operations hold the run locks', { timeout: 300_000 }, () => {
  let fx: LoadedFixture;
  let ctx: OperationContext;
  before(async () => {
    fx = await loadFixture('dj014');
    ctx = { db: fx.db, suffix: '_v2', policy: 'widen', stores: fx.storesConfig, statePath: null };
  });
  after(async () => fx?.cleanup());

  it('locks the selected schemas and every name a cut-over could write', () => {
    const names = runLockSchemas(ctx, { schemas: ['lab'], cutover: { backupSuffix: '_bk' } });
    assert.deepEqual(names.sort(), ['lab', 'lab_bk', 'lab_old', 'lab_v2']);
  });

  it('a copy is refused while another session holds the parallel schema, and nothing is created', async () => {
    const [lab] = fx.schemas;
    const other = await mysql.createConnection(testServer);
    try {
      const [[got]] = await other.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS g', [
        runLockName(`${lab}_v2`),
      ]);
      assert.equal(Number(got.g), 1);
      const [[{ id }]] = await other.query<mysql.RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      const progress: string[] = [];
      await assert.rejects(
        runOperation(
          OPERATIONS['create-parallel'],
          ctx,
          { schemas: [lab] },
          {
            signal: new AbortController().signal,
            progress: (m) => progress.push(m),
          },
        ),
        (e: Error) => e instanceof LockHeldError && e.message.includes(`connection ${id}`),
      );
      const rows = await fx.db.query<{ s: string }>(
        'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [`${lab}_v2`],
      );
      assert.equal(rows.length, 0, 'nothing was created');
      const pre = await runOperation(
        OPERATIONS.preflight,
        ctx,
        { schemas: [lab] },
        {
          signal: new AbortController().signal,
          progress: () => {},
        },
      );
      assert.notEqual(pre.outcome, undefined, 'a reading operation runs while the lock is held');
    } finally {
      await other.end();
    }
  });
});
