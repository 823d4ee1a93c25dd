// Two writing runs on the same schemas at once: the second is refused before it writes anything, naming
// the first run's connection, and the first finishes undisturbed. The first run is held mid-copy by a row
// lock in its target (it waits on a key another session inserted and has not committed), so the second
// run certainly starts while the first is running — no timing involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { loadFixture, testServer } from './harness';
import { runCli } from './cliRun';
import { createParallel } from '../../client/src/db/parallel';
import { qt } from '../../client/src/db/sql';
import { runLockName, withRunLock, LockHeldError } from '../../client/src/db/connect/lock';

test('a second db copy of the same schemas is refused, naming the running one; the first completes', async () => {
  const fx = await loadFixture('dj014');
  const blocker = await mysql.createConnection({ ...testServer });
  try {
    const v2 = fx.schemas.map((s) => s + '_v2');
    await createParallel(fx.db, { schemas: fx.schemas, suffix: '_v2', unsigned: 'widen' });
    const args = ['db', 'copy', '--schemas', fx.schemas.join(','), '--stores', fx.storesFile];

    await blocker.query('START TRANSACTION');
    await blocker.query(
      `INSERT INTO ${qt(v2[0], 'user')} (username, full_name, active) SELECT username, full_name, active FROM ${qt(fx.schemas[0], 'user')} ORDER BY username LIMIT 1`,
    );
    const first = runCli(args);
    // The first run is inside its copy (holding the lock) once the server shows its INSERT into the table whose
    // key is held: it cannot finish while the blocker holds that key (MariaDB 10.6+ waits for a table lock on an
    // empty table, which is not listed as a row-lock wait; MySQL 8 for the row lock).
    let settled = false;
    first.finally(() => (settled = true)).catch(() => undefined);
    for (let found = false; !found; ) {
      assert.equal(settled, false, 'the first run ended before reaching the held key');
      found =
        (
          await fx.db.query(
            "SELECT 1 FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INFO LIKE 'INSERT INTO%`user`%'",
          )
        ).length > 0;
      if (!found) await new Promise((r) => setTimeout(r, 20));
    }
    const [[{ holder }]] = await blocker.query<mysql.RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS holder', [
      runLockName(v2[0]),
    ]);
    assert.ok(holder, 'the running copy holds the lock of its target');

    const second = await runCli(args);
    assert.equal(second.code, 2, second.out + second.err);
    assert.match(
      second.err,
      new RegExp(
        `another dj-migrate run is writing (${v2.join('|')}): connection ${holder} \\(root@[^)]+\\) holds its lock`,
      ),
    );
    assert.doesNotMatch(second.out + second.err, /Duplicate entry|finished by the interrupted run/);
    // Every writing command takes the same locks: create-parallel and swap of these schemas are refused too.
    const create = await runCli(['db', 'create-parallel', '--schemas', fx.schemas.join(',')]);
    assert.equal(create.code, 2, create.out + create.err);
    assert.match(create.err, /another dj-migrate run is writing/);
    const swap = await runCli(['db', 'swap', '--schemas', fx.schemas.join(','), '--yes']);
    assert.equal(swap.code, 2, swap.out + swap.err);
    assert.match(swap.err, /another dj-migrate run is writing/);
    // A dry run writes nothing and is not held up.
    const dry = await runCli([...args, '--dry-run']);
    assert.equal(dry.code, 0, dry.err);

    await blocker.query('ROLLBACK');
    const done = await first;
    assert.equal(done.code, 0, done.out + done.err);
    assert.doesNotMatch(done.out, /CONFLICTING|failed/);
    // The lock went with the run: the next copy runs (and finds everything there).
    const again = await runCli(args);
    assert.equal(again.code, 0, again.out + again.err);
    assert.doesNotMatch(again.out, /[1-9]\d* inserted/);
  } finally {
    await blocker.end().catch(() => undefined);
    await fx.cleanup();
  }
});

test('the run lock is all or nothing and released afterwards, also when the run fails', async () => {
  const fx = await loadFixture('dj014');
  try {
    const [a, b] = fx.schemas;
    const other = await mysql.createConnection({ ...testServer });
    try {
      await other.query('SELECT GET_LOCK(?, 0)', [runLockName(b)]);
      await assert.rejects(
        withRunLock(fx.db, [a, b], async () => assert.fail('must not run')),
        (e: Error) => e instanceof LockHeldError && e.message.includes(b),
      );
      const [[{ free }]] = await other.query<mysql.RowDataPacket[]>('SELECT IS_FREE_LOCK(?) AS free', [runLockName(a)]);
      assert.equal(Number(free), 1, 'the lock taken before the refusal was given back');
    } finally {
      await other.end();
    }
    await assert.rejects(
      withRunLock(fx.db, [a], async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await withRunLock(fx.db, [a], async () => 'ran again'), 'ran again');
    assert.ok(runLockName('x'.repeat(64)).length <= 64, 'long schema names fit MySQL’s 64-character limit');
  } finally {
    await fx.cleanup();
  }
});
