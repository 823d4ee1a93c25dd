// The connection layer against the real server: DataJoint's session settings, lossless values,
// streaming with early exit, dedicated sessions and KILL QUERY, and how settings come from flags/env.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionOptionsFrom, openDb, splitHostPort, DATAJOINT_SQL_MODE } from '../../client/src/db/connection';
import { DbInputError, checkIdentifier, formatSql, lit, q, qt } from '../../client/src/db/sql';
import { testServer, uniquePrefix, dropPrefixed } from './harness';

test('connection options: flags win over DJ_HOST/DJ_USER, host:port and [v6]:port parse, the password comes from DJ_PASS or a prompt', async () => {
  assert.deepEqual(await connectionOptionsFrom({}, { DJ_HOST: 'db.lab.org:3307', DJ_USER: 'ann', DJ_PASS: 's3' }), {
    host: 'db.lab.org',
    port: 3307,
    user: 'ann',
    password: 's3',
    tls: false,
  });
  assert.deepEqual(
    await connectionOptionsFrom(
      { host: 'h', port: '3310', user: 'bo', tls: true },
      { DJ_HOST: 'x:1', DJ_USER: 'ann', DJ_PASS: '' },
    ),
    { host: 'h', port: 3310, user: 'bo', password: '', tls: true },
  );
  assert.deepEqual(splitHostPort('[::1]:3306'), { host: '::1', port: '3306' });
  assert.deepEqual(splitHostPort('::1'), { host: '::1' });
  let asked = '';
  const viaPrompt = await connectionOptionsFrom({ user: 'cy' }, {}, async (question) => ((asked = question), 'typed'));
  assert.equal(viaPrompt.password, 'typed');
  assert.equal(viaPrompt.host, 'localhost');
  assert.match(asked, /cy@localhost/);
  await assert.rejects(connectionOptionsFrom({}, { DJ_PASS: 'x' }), /no database user/);
  await assert.rejects(connectionOptionsFrom({ user: 'a', port: 'abc' }, {}), /port "abc"/);
});

test("every session uses DataJoint's sql_mode and UTC; big integers, dates and binary come back losslessly", async () => {
  const db = await openDb(testServer);
  const prefix = uniquePrefix();
  const s = `${prefix}conn`;
  try {
    const rows = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() =>
        db.query<{ m: string; tz: string }>('SELECT @@SESSION.sql_mode AS m, @@SESSION.time_zone AS tz'),
      ),
    );
    for (const [r] of rows) {
      assert.deepEqual(r.m.split(',').sort(), DATAJOINT_SQL_MODE.split(',').sort());
      assert.equal(r.tz, '+00:00');
    }
    await db.execute(`CREATE DATABASE ${q(s)}`);
    await db.execute(
      `CREATE TABLE ${qt(s, 't')} (id bigint unsigned PRIMARY KEY, ts timestamp NULL, d datetime(6), b binary(4), x decimal(30,10))`,
    );
    await db.execute(`INSERT INTO ${qt(s, 't')} VALUES (?, ?, ?, ?, ?)`, [
      '18446744073709551615',
      '2024-03-31 01:30:00',
      '2024-01-02 03:04:05.123456',
      Buffer.from([0, 1, 2, 255]),
      '12345678901234567890.0123456789',
    ]);
    const [row] = await db.query<Record<string, unknown>>(
      `SELECT id, ts, UNIX_TIMESTAMP(ts) AS unix, d, b, x FROM ${qt(s, 't')}`,
    );
    assert.equal(row.id, '18446744073709551615');
    assert.equal(row.ts, '2024-03-31 01:30:00');
    assert.equal(Number(row.unix), Date.UTC(2024, 2, 31, 1, 30) / 1000, 'a TIMESTAMP is stored and read as UTC');
    assert.equal(row.d, '2024-01-02 03:04:05.123456');
    assert.deepEqual(row.b, Buffer.from([0, 1, 2, 255]));
    assert.equal(row.x, '12345678901234567890.0123456789');
    await assert.rejects(
      db.execute(`INSERT INTO ${qt(s, 't')} (id, b) VALUES (1, ?)`, [Buffer.alloc(5)]),
      /Data too long/,
      'strict mode: no silent truncation',
    );
  } finally {
    await db.close();
    await dropPrefixed(prefix);
  }
});

test('streams deliver every row; leaving early stops the query and the pool stays usable', async () => {
  const db = await openDb(testServer);
  const prefix = uniquePrefix();
  const s = `${prefix}rows`;
  try {
    await db.execute(`CREATE DATABASE ${q(s)}`);
    await db.execute(`CREATE TABLE ${qt(s, 'd')} (d int PRIMARY KEY)`);
    await db.execute(`INSERT INTO ${qt(s, 'd')} VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)`);
    const digits = (n: number) =>
      Array.from({ length: n }, (_, i) => `${qt(s, 'd')} AS ${q('d' + i)}`).join(' CROSS JOIN ');
    const big = `SELECT 1 AS x FROM ${digits(6)}`; // a million rows, generated on the fly
    let n = 0;
    for await (const _ of db.stream(`SELECT 1 AS x FROM ${digits(3)}`)) n++;
    assert.equal(n, 1000);
    for (let round = 0; round < 12; round++) {
      let seen = 0;
      for await (const _ of db.stream(big)) if (++seen === 5) break;
      assert.equal(seen, 5);
    }
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
    await db.withConnection(async (c) => {
      let seen = 0;
      for await (const _ of c.stream(big)) if (++seen === 3) break;
      assert.deepEqual(
        await c.query('SELECT 2 AS two'),
        [{ two: 2 }],
        'the same session is usable after an early exit',
      );
    });
  } finally {
    await db.close();
    await dropPrefixed(prefix);
  }
});

test('a running statement in a dedicated session is stopped by kill() from another session', async () => {
  const db = await openDb(testServer);
  try {
    const started = Date.now();
    await db.withConnection(async (c) => {
      const running = c.query('SELECT SLEEP(20) AS s');
      await new Promise((r) => setTimeout(r, 200));
      await db.kill(c.threadId);
      const result = await running.then(
        (rows) => rows,
        (e: Error) => e,
      );
      // MariaDB returns SLEEP's interrupted value 1; MySQL raises ER_QUERY_INTERRUPTED. Both stop at once.
      assert.ok(
        result instanceof Error ? /interrupted/i.test(result.message) : (result[0] as { s: number }).s === 1,
        String(result),
      );
      assert.deepEqual(await c.query('SELECT 3 AS three'), [{ three: 3 }]);
    });
    assert.ok(Date.now() - started < 5000);
  } finally {
    await db.close();
  }
});

test('connection errors are clear and never show the password', async () => {
  await assert.rejects(openDb({ ...testServer, port: 1 }), (e: Error) =>
    /cannot connect to .*:1: connection refused/.test(e.message),
  );
  await assert.rejects(
    openDb({ ...testServer, user: 'nobody_here', password: 'hunter2-secret' }),
    (e: Error) => /cannot connect as nobody_here@/.test(e.message) && !e.message.includes('hunter2'),
  );
});

test('sql helpers: identifiers quoted, bad names refused, literals escaped for DDL, dry-run formatting', () => {
  assert.equal(q('a`b'), '`a``b`');
  assert.equal(qt('s', '#t'), '`s`.`#t`');
  assert.throws(
    () => checkIdentifier('x`y', 'schema'),
    (e: Error) => e instanceof DbInputError && /backtick/.test(e.message),
  );
  assert.throws(() => checkIdentifier('x ', 'schema'), /ends with a space/);
  assert.throws(() => checkIdentifier('a'.repeat(65), 'table'), /longer than 64/);
  assert.equal(lit("it's a \\ test"), "'it''s a \\\\ test'");
  assert.equal(formatSql('SELECT ? AS a, ? AS b', ["x'y", Buffer.from([1, 2])]), "SELECT 'x\\'y' AS a, X'0102' AS b");
});
