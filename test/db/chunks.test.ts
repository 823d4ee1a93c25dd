// Key-range chunks (chunks.ts) and checkpoints (state.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../client/src/db/connection';
import { q, qt } from '../../client/src/db/sql';
import {
  ChunkSizer,
  and,
  keyAfter,
  keyAtMost,
  keyColumns,
  keyOf,
  keyRange,
  keySelect,
  orderBy,
} from '../../client/src/db/chunks';
import { defaultStatePath, loadCopyState, newCheckpoint, newCopyState, saveCopyState } from '../../client/src/db/state';
import { testServer, uniquePrefix, dropPrefixed } from './harness';

test('keyAfter expands the row comparison with a leading range bound, parameters in text order', () => {
  const cols = keyColumns(['a', 'b', 'c'], () => 'int');
  const p = keyAfter(cols, [1, 2, 3], 's');
  assert.equal(p.sql, '(s.`a` >= ? AND (s.`a` > ? OR (s.`a` = ? AND (s.`b` > ? OR (s.`b` = ? AND (s.`c` > ?))))))');
  assert.deepEqual(p.params, [1, 1, 1, 2, 2, 3]);
  const u = keyAtMost(
    keyColumns(['x'], () => 'varchar'),
    ['k'],
  );
  assert.equal(u.sql, '(`x` <= ?)');
  assert.deepEqual(keyRange(cols, null, null).sql, 'TRUE');
  assert.deepEqual(
    keyColumns(['e', 'n'], (c) => (c === 'e' ? 'enum' : 'int')).map((c) => c.byIndex),
    [true, false],
  );
  assert.throws(() => keyColumns([], () => 'int'), /without a primary key/);
});

test("walking chunks visits every row once, in the server's order (enum index, case-insensitive collation)", async () => {
  const prefix = uniquePrefix();
  const db = await openDb(testServer);
  try {
    const schema = prefix + 'chunks';
    await db.execute(`CREATE DATABASE ${q(schema)}`);
    await db.execute(
      `CREATE TABLE ${qt(schema, 't')} (e enum('zeta','alpha','mid') NOT NULL, s varchar(8) COLLATE utf8mb4_general_ci NOT NULL, n int NOT NULL, ` +
        'PRIMARY KEY (e, s, n)) ENGINE=InnoDB',
    );
    const values: string[] = [];
    for (const e of ['alpha', 'mid', 'zeta'])
      for (const s of ['B', 'a', 'c', 'ö']) for (const n of [2, 1]) values.push(`('${e}', '${s}', ${n})`);
    await db.execute(`INSERT INTO ${qt(schema, 't')} VALUES ${values.join(', ')}`);
    const cols = keyColumns(['e', 's', 'n'], (c) => (c === 'e' ? 'enum' : c === 's' ? 'varchar' : 'int'));
    const all = await db.query<{ e: string; s: string; n: number }>(
      `SELECT e, s, n FROM ${qt(schema, 't')} ${orderBy(cols)}`,
    );
    assert.equal(all[0].e, 'zeta', 'enum order is declaration order, not alphabetical');

    for (const size of [1, 3, 5, 24, 100]) {
      const seen: string[] = [];
      let last: (string | number | Buffer)[] | null = null;
      for (;;) {
        const where = and(last ? keyAfter(cols, last, 'x') : null);
        const rows: Record<string, unknown>[] = await db.query(
          `SELECT ${keySelect(cols, 'x')}, x.e, x.s, x.n FROM ${qt(schema, 't')} AS x WHERE ${where.sql} ${orderBy(cols, 'x')} LIMIT ${size}`,
          where.params,
        );
        if (!rows.length) break;
        for (const r of rows) seen.push(`${r.e}|${r.s}|${r.n}`);
        last = keyOf(rows[rows.length - 1], cols.length);
      }
      assert.deepEqual(
        seen,
        all.map((r) => `${r.e}|${r.s}|${r.n}`),
        `chunk size ${size}`,
      );
    }
  } finally {
    await db.close();
    await dropPrefixed(prefix);
  }
});

test('the chunk sizer moves toward the time target within its row and byte bounds', () => {
  const s = new ChunkSizer({ targetMs: 500, initialRows: 1000, maxBytes: 1_000_000, avgRowBytes: 100 });
  assert.equal(s.next(), 1000);
  s.observe(1000, 50); // 20 rows/ms → wants 10,000 (capped at 4x)
  assert.equal(s.next(), 4000);
  s.observe(4000, 200);
  assert.equal(s.next(), 10_000, 'bounded by bytes: 1,000,000 / 100');
  s.observe(10_000, 20_000); // very slow: shrink, but at most by half per step
  assert.ok(s.next() >= 5000 && s.next() < 10_000, String(s.next()));
  for (let i = 0; i < 20; i++) s.observe(s.next(), 100_000);
  assert.equal(s.next(), 100, 'never below the floor');
  const tiny = new ChunkSizer({ initialRows: 2, maxRows: 2 });
  tiny.observe(2, 1);
  assert.equal(tiny.next(), 2, 'an explicit maximum below the floor wins');
});

test('checkpoints round-trip binary keys and are written atomically', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-state-'));
  const file = defaultStatePath(dir, 'db.example.org', 3306, ['lab_v2', 'ephys_v2']);
  assert.equal(path.basename(file), 'db.example.org_3306_ephys_v2+lab_v2.json');
  const state = newCopyState('root@db:3306', { lab: 'lab_v2' });
  const cp = newCheckpoint('lab.subject', 'lab_v2.subject', '');
  cp.lastKey = [101, '2024-06-01', Buffer.from('00ff10', 'hex')];
  cp.status = 'cancelled';
  state.tables['lab.subject'] = cp;
  saveCopyState(file, state);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), [path.basename(file)], 'no temporary file left behind');
  const back = loadCopyState(file)!;
  assert.deepEqual(back.tables['lab.subject'].lastKey, [101, '2024-06-01', Buffer.from('00ff10', 'hex')]);
  assert.equal(back.tables['lab.subject'].status, 'cancelled');
  assert.equal(loadCopyState(path.join(dir, 'none.json')), null);
  fs.writeFileSync(file, '{"version": 7}');
  assert.throws(() => loadCopyState(file), /not a dj-migrate copy checkpoint/);
});

test('floating-point keys are read exactly, so a boundary MariaDB would print rounded never skips a row', async () => {
  const prefix = uniquePrefix();
  const db = await openDb(testServer);
  try {
    const schema = prefix + 'fkeys';
    await db.execute(`CREATE DATABASE ${q(schema)}`);
    await db.execute(`CREATE TABLE ${qt(schema, 'f')} (x float NOT NULL, PRIMARY KEY (x)) ENGINE=InnoDB`);
    // 0.99999994 and 1.0000001 both print as 1 with 6 significant digits.
    await db.execute(`INSERT INTO ${qt(schema, 'f')} VALUES (0.99999994), (1), (1.0000001), (1.0000002), (2)`);
    const cols = keyColumns(['x'], () => 'float');
    let last: (string | number | Buffer)[] | null = null;
    let seen = 0;
    for (;;) {
      const where = and(last ? keyAfter(cols, last) : null);
      const rows: Record<string, unknown>[] = await db.query(
        `SELECT ${keySelect(cols)} FROM ${qt(schema, 'f')} WHERE ${where.sql} ${orderBy(cols)} LIMIT 1`,
        where.params,
      );
      if (!rows.length) break;
      seen++;
      last = keyOf(rows[0], 1);
    }
    assert.equal(seen, 5);
  } finally {
    await db.close();
    await dropPrefixed(prefix);
  }
});
