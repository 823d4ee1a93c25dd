// Character sets on the real server: a latin1 copy of the dj014 fixture (made here, in scratch schemas, with
// non-ASCII values) is reported by preflight, declared in utf8mb4 by create-parallel --charset, copied and
// compared equal; the plan names the keys whose comparisons change; without the flag nothing changes; and a
// value the target character set cannot hold is refused by key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { loadFixture, testServer, type LoadedFixture } from './harness';
import { runCli } from './cliRun';
import { introspect } from '../../client/src/db/introspect';
import type { PreflightReport } from '../../client/src/db/preflight';
import { q, qt } from '../../client/src/db/sql';

/**
 * Converts every schema and table of the fixture to latin1, as a DBA would: the foreign keys are dropped,
 * the tables converted, and the same foreign keys added back (the server refuses to convert referenced columns).
 */
async function toLatin1(f: LoadedFixture): Promise<void> {
  const conn = await mysql.createConnection({ ...testServer, charset: 'utf8mb4_general_ci' });
  try {
    await conn.query('SET SESSION FOREIGN_KEY_CHECKS = 0');
    const [fks] = await conn.query(
      `SELECT k.TABLE_SCHEMA AS s, k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS name,
              GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION) AS cols, k.REFERENCED_TABLE_SCHEMA AS rs,
              k.REFERENCED_TABLE_NAME AS rt, GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION) AS rcols,
              r.UPDATE_RULE AS upd, r.DELETE_RULE AS del
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
        WHERE k.TABLE_SCHEMA IN (?) GROUP BY 1, 2, 3, 5, 6, 8, 9`,
      [f.schemas],
    );
    type Fk = {
      s: string;
      t: string;
      name: string;
      cols: string;
      rs: string;
      rt: string;
      rcols: string;
      upd: string;
      del: string;
    };
    const list = (csv: string) => csv.split(',').map(q).join(', ');
    for (const k of fks as Fk[]) await conn.query(`ALTER TABLE ${qt(k.s, k.t)} DROP FOREIGN KEY ${q(k.name)}`);
    for (const s of f.schemas) {
      await conn.query(`ALTER DATABASE ${q(s)} CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
      const [rows] = await conn.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [
        s,
      ]);
      for (const { t } of rows as { t: string }[])
        await conn.query(`ALTER TABLE ${qt(s, t)} CONVERT TO CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    }
    for (const k of fks as Fk[])
      await conn.query(
        `ALTER TABLE ${qt(k.s, k.t)} ADD CONSTRAINT ${q(k.name)} FOREIGN KEY (${list(k.cols)}) REFERENCES ${qt(k.rs, k.rt)} (${list(k.rcols)}) ON UPDATE ${k.upd} ON DELETE ${k.del}`,
      );
  } finally {
    await conn.end();
  }
}

test('latin1 → utf8mb4: preflight lists the charsets, create-parallel --charset declares utf8mb4, copy and compare equal', async () => {
  const f = await loadFixture('dj014');
  try {
    await toLatin1(f);
    const [lab] = f.schemas;
    await f.db.execute(`UPDATE ${qt(lab, 'user')} SET full_name = ? WHERE username = ?`, ['Alice Müller', 'alice']);
    await f.db.execute(`INSERT INTO ${qt(lab, 'user')} VALUES (?, ?, ?, 1)`, ['müller', 'Jörg Müller', 'jörg@ex.org']);
    const schemas = f.schemas.join(',');
    const stores = ['--stores', f.storesFile];

    const pre = await runCli(['db', 'preflight', '--schemas', schemas, ...stores, '--json']);
    const report = JSON.parse(pre.out) as PreflightReport;
    const labSets = report.charsets.find((c) => c.schema === lab);
    assert.equal(labSets?.charset, 'latin1');
    assert.equal(labSets?.collation, 'latin1_swedish_ci');
    assert.deepEqual(
      labSets?.columns.map((c) => `${c.charset}/${c.collation}`),
      ['latin1/latin1_swedish_ci'],
    );
    assert.ok(labSets.columns[0].count >= 5);
    assert.ok(report.checks.some((c) => c.level === 'warn' && /asks for utf8mb4/.test(c.message)));
    const text = await runCli(['db', 'preflight', '--schemas', schemas, ...stores]);
    assert.match(
      text.out,
      new RegExp(
        `character sets:\\n {2}${lab}: default latin1/latin1_swedish_ci; text columns latin1/latin1_swedish_ci ×\\d+`,
      ),
    );

    // Without the flag nothing changes: the plan keeps latin1.
    const plain = await runCli(['db', 'create-parallel', '--schemas', schemas, '--suffix', '_v3', '--dry-run']);
    assert.equal(plain.code, 0, plain.err + plain.out);
    assert.match(
      plain.out,
      /CREATE DATABASE IF NOT EXISTS `[^`]+_lab_v3` CHARACTER SET latin1 COLLATE latin1_swedish_ci/,
    );
    assert.doesNotMatch(plain.out, /utf8mb4/);
    assert.doesNotMatch(plain.out, /comparisons change/);

    const [def] = await f.db.query<{ c: string }>(
      "SELECT COLLATION_NAME AS c FROM information_schema.COLLATIONS WHERE CHARACTER_SET_NAME = 'utf8mb4' AND IS_DEFAULT = 'Yes'",
    );
    const created = await runCli(['db', 'create-parallel', '--schemas', schemas, '--charset', 'utf8mb4']);
    assert.equal(created.code, 0, created.err + created.out);
    // latin1_swedish_ci sorts ü with y; utf8mb4's default collations equate it with u.
    assert.match(
      created.out,
      new RegExp(
        `_lab_v2\\.user PRIMARY KEY \\(username\\): username latin1_swedish_ci → ${def.c}: .*umlauts \\(u/ü\\) distinct → equal`,
      ),
    );
    const targets = await introspect(
      f.db,
      f.schemas.map((s) => `${s}_v2`),
    );
    for (const s of targets) {
      assert.deepEqual([s.charset, s.collation], ['utf8mb4', def.c], s.name);
      for (const t of s.tables) {
        assert.equal(t.collation, def.c, `${t.name}`);
        for (const c of t.columns) if (c.charset) assert.deepEqual([c.charset, c.collation], ['utf8mb4', def.c]);
      }
    }

    const copied = await runCli(['db', 'copy', '--schemas', schemas, ...stores]);
    assert.equal(copied.code, 0, copied.err + copied.out);
    const compared = await runCli(['db', 'compare', '--schemas', schemas, ...stores]);
    assert.equal(compared.code, 0, compared.err + compared.out);
    const rows = await f.db.query<{ username: string; full_name: string }>(
      `SELECT username, full_name FROM ${qt(`${lab}_v2`, 'user')} ORDER BY username`,
    );
    assert.deepEqual(
      rows.map((r) => [r.username, r.full_name]),
      [
        ['alice', 'Alice Müller'],
        ['bob', 'Bob B'],
        ['müller', 'Jörg Müller'],
      ],
    );
  } finally {
    await f.cleanup();
  }
});

test('utf8mb4 → latin1: a value latin1 cannot hold is refused by key before a row is copied; an unknown collation is refused', async () => {
  const f = await loadFixture('dj014');
  try {
    const [lab] = f.schemas;
    await f.db.execute(`INSERT INTO ${qt(lab, 'user')} VALUES (?, ?, NULL, 1)`, ['tanaka', '田中 Müller']);
    const schemas = f.schemas.join(',');
    const bad = await runCli([
      'db',
      'create-parallel',
      '--schemas',
      schemas,
      '--charset',
      'utf8mb4',
      '--collation',
      'latin1_bin',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.err + bad.out, /collation latin1_bin is not a collation of utf8mb4/);
    const created = await runCli([
      'db',
      'create-parallel',
      '--schemas',
      schemas,
      '--charset',
      'latin1',
      '--collation',
      'latin1_general_cs',
    ]);
    assert.equal(created.code, 0, created.err + created.out);
    assert.match(
      created.out,
      /_lab_v2\.user PRIMARY KEY \(username\): username utf8mb4_general_ci → latin1_general_cs: case \(a\/A\) equal → distinct/,
    );
    const copied = await runCli(['db', 'copy', '--schemas', schemas, '--stores', f.storesFile]);
    assert.equal(copied.code, 2, copied.out);
    assert.match(
      copied.err + copied.out,
      /_lab\.user\.full_name: 1 value\(s\) cannot be represented in latin1; keys \{"username":"tanaka"\}/,
    );
    const [n] = await f.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${qt(`${lab}_v2`, 'user')}`);
    assert.equal(Number(n.n), 0, 'nothing was copied');
  } finally {
    await f.cleanup();
  }
});
